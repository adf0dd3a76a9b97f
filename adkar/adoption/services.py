"""Usage figures and the target utilisation: rules and transactions (CSV upload, forms and the API)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

import pandas as pd
from sqlalchemy import select

from .. import events
from ..accounts.models import User
from ..audit import services as audit
from ..database import begin_write
from ..dates import date_problem
from ..extensions import db
from ..plan.models import Initiative, StakeholderGroup
from ..timeutil import today as current_day
from ..validation import Problem, ValidationFailed
from .metrics import AdoptionSummary, GroupInfo, empty_figures, summarise
from .models import DEFAULT_TARGET_UTILISATION, AdoptionSettings, UsageFigure

MAX_FIGURES = 5000


# --- target utilisation -----------------------------------------------------------------------------------


def target_utilisation(initiative: Initiative) -> float:
    settings = db.session.get(AdoptionSettings, initiative.id)
    return settings.target_utilisation if settings else DEFAULT_TARGET_UTILISATION


def set_target(*, initiative: Initiative, actor: User, target: Any) -> float:
    if isinstance(target, bool) or not isinstance(target, int | float) or not 0 < target <= 1:
        db.session.rollback()
        raise ValidationFailed.one(
            "The target utilisation is a share above 0 and at most 1 (0.8 means 80%).", "target_utilisation"
        )
    begin_write()
    settings = db.session.get(AdoptionSettings, initiative.id)
    before = settings.target_utilisation if settings else DEFAULT_TARGET_UTILISATION
    if settings is None:
        settings = AdoptionSettings(initiative_id=initiative.id)
        db.session.add(settings)
    settings.target_utilisation = float(target)
    audit.record(
        user_id=actor.id,
        action="usage.target",
        target_type="initiative",
        target_id=initiative.id,
        initiative_id=initiative.id,
        detail={"target_utilisation": float(target), "was": before},
    )
    db.session.commit()
    return float(target)


# --- figures ----------------------------------------------------------------------------------------------


def figure_problems(
    item: Mapping[str, Any], groups: Mapping[int, StakeholderGroup], *, row: int | None, today: date
) -> list[Problem]:
    """Rules for one figure {"group_id", "day", "active_users"}; problems name the row and field."""
    problems = []
    group_id = item.get("group_id")
    group = groups.get(group_id) if isinstance(group_id, int) else None
    if group is None:
        problems.append(Problem("Choose a stakeholder group of this initiative.", field="group_id", row=row))
    day = item.get("day")
    if not isinstance(day, date):
        problems.append(Problem("Enter the date as YYYY-MM-DD.", field="date", row=row))
    elif (implausible := date_problem(day, "date", row=row)) is not None:
        problems.append(implausible)
    elif day > today:
        problems.append(
            Problem(
                f"{day.isoformat()} is in the future; usage can only be counted for past days.",
                field="date",
                row=row,
            )
        )
    active = item.get("active_users")
    if isinstance(active, bool) or not isinstance(active, int):
        problems.append(Problem("Active users must be a whole number.", field="active_users", row=row))
    elif active < 0:
        problems.append(Problem("Active users cannot be negative.", field="active_users", row=row))
    elif group is not None and active > group.headcount:
        problems.append(
            Problem(
                f"{active:,} active users is more than the headcount of “{group.name}” ({group.headcount:,}). "
                "Check the figure, or raise the group's headcount on the plan page first.",
                field="active_users",
                row=row,
            )
        )
    return problems


def import_figures(
    *, initiative: Initiative, actor: User, rows: Iterable[Mapping[str, Any]], source: str
) -> tuple[int, int]:
    """Store figures all-or-nothing; a figure for a group and day that exists replaces it.

    rows: {"group_id", "day", "active_users", "row"?}; returns (created, replaced).
    """
    rows = list(rows)
    today = current_day()
    begin_write()
    groups = {g.id: g for g in initiative.groups}
    problems: list[Problem] = []
    if not rows:
        problems.append(Problem("Send at least one figure."))
    if len(rows) > MAX_FIGURES:
        problems.append(Problem(f"Send at most {MAX_FIGURES:,} figures at a time."))
    seen: dict[tuple[int, date], int] = {}
    for number, item in enumerate(rows, start=1):
        row = item.get("row", number)
        found = figure_problems(item, groups, row=row, today=today)
        if not found:
            key = (item["group_id"], item["day"])
            if key in seen:
                message = f"This group and date appear twice (also row {seen[key]})."
                found.append(Problem(message, field="date", row=row))
            seen.setdefault(key, row)
        problems += found
    if problems:
        db.session.rollback()
        raise ValidationFailed(problems)
    existing = {
        (f.group_id, f.day): f
        for f in db.session.scalars(select(UsageFigure).where(UsageFigure.group_id.in_(list(groups))))
    }
    created = replaced = 0
    for item in rows:
        figure = existing.get((item["group_id"], item["day"]))
        if figure is None:
            db.session.add(
                UsageFigure(group_id=item["group_id"], day=item["day"], active_users=item["active_users"])
            )
            created += 1
        elif figure.active_users != item["active_users"]:
            figure.active_users = item["active_users"]
            replaced += 1
    audit.record(
        user_id=actor.id,
        action="usage.import",
        target_type="initiative",
        target_id=initiative.id,
        initiative_id=initiative.id,
        detail={"source": source, "created": created, "replaced": replaced, "rows": len(rows)},
    )
    events.announce(
        "import.finished",
        {"import": {"kind": "usage", "rows": len(rows), "source": source}},
        initiative_id=initiative.id,
    )
    db.session.commit()
    return created, replaced


def delete_figure(*, figure: UsageFigure, actor: User) -> None:
    begin_write()
    audit.record(
        user_id=actor.id,
        action="usage.delete",
        target_type="usage_figure",
        target_id=figure.id,
        initiative_id=figure.group.initiative_id,
        detail={
            "group": figure.group.name,
            "date": figure.day.isoformat(),
            "active_users": figure.active_users,
        },
    )
    db.session.delete(figure)
    db.session.commit()


def initiative_figures(initiative_id: int) -> list[UsageFigure]:
    """Every figure of the initiative, newest day first, then by group."""
    return list(
        db.session.scalars(
            select(UsageFigure)
            .join(StakeholderGroup, StakeholderGroup.id == UsageFigure.group_id)
            .where(StakeholderGroup.initiative_id == initiative_id)
            .order_by(UsageFigure.day.desc(), UsageFigure.group_id)
        )
    )


def figures_frame(initiative_id: int) -> pd.DataFrame:
    """The initiative's figures as FIGURE_COLUMNS (group_id, day, active_users)."""
    rows = db.session.execute(
        select(UsageFigure.group_id, UsageFigure.day, UsageFigure.active_users)
        .join(StakeholderGroup, StakeholderGroup.id == UsageFigure.group_id)
        .where(StakeholderGroup.initiative_id == initiative_id)
        .order_by(UsageFigure.day, UsageFigure.group_id)
    ).all()
    if not rows:
        return empty_figures()
    frame = pd.DataFrame.from_records(rows, columns=["group_id", "day", "active_users"])
    frame[["group_id", "active_users"]] = frame[["group_id", "active_users"]].astype("int64")
    return frame


def adoption_summary(initiative: Initiative, figures: pd.DataFrame | None = None) -> AdoptionSummary:
    """Speed of adoption, ultimate utilisation and the series behind them for one initiative."""
    groups = [GroupInfo(g.id, g.name, g.headcount) for g in initiative.groups]
    return summarise(
        figures_frame(initiative.id) if figures is None else figures,
        groups,
        go_live=initiative.go_live,
        target=target_utilisation(initiative),
    )
