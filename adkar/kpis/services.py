"""KPIs and benefits: every field checked, stored with its audit line, or nothing stored."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from ..accounts.models import User
from ..audit import services as audit
from ..database import begin_write
from ..extensions import db
from ..plan.models import Initiative
from ..validation import Problem, ValidationFailed
from .checks import collect, number_problem, optional_date_problem, text_problem
from .models import NAME_MAX, OWNER_MAX, SOURCE_MAX, UNIT_MAX, Benefit, Kpi
from .status import DIRECTION_LABELS

EXPLANATION_MAX = 2000
KPI_FIELDS = (
    "name",
    "unit",
    "direction",
    "baseline",
    "target",
    "owner",
    "due_on",
    "source",
    "legacy",
    "explanation",
)
BENEFIT_FIELDS = ("name", "unit", "baseline", "target", "forecast", "actual")


def _fail(problems: list[Problem]) -> ValidationFailed:
    db.session.rollback()
    return ValidationFailed(problems)


def _clean(values: dict[str, Any]) -> dict[str, Any]:
    """Text trimmed, numbers as floats; call only once the values passed their checks."""
    return {
        k: v.strip()
        if isinstance(v, str)
        else float(v)
        if isinstance(v, int) and not isinstance(v, bool)
        else v
        for k, v in values.items()
    }


# --- KPIs -------------------------------------------------------------------------------------------------


def kpi_problems(values: dict[str, Any]) -> list[Problem]:
    missing = [name for name in KPI_FIELDS if name not in values]
    if missing:
        raise TypeError(f"missing KPI fields: {', '.join(missing)}")
    problems = collect(
        text_problem(values["name"], "name", label="The name", max_length=NAME_MAX, required=True),
        text_problem(values["unit"], "unit", label="The unit", max_length=UNIT_MAX),
        None
        if values["direction"] in DIRECTION_LABELS
        else Problem("Choose whether higher or lower is better.", field="direction"),
        number_problem(values["baseline"], "baseline", label="The baseline"),
        number_problem(values["target"], "target", label="The target", required=False),
        text_problem(values["owner"], "owner", label="The owner", max_length=OWNER_MAX),
        optional_date_problem(values["due_on"], "due_on", label="The due date"),
        text_problem(values["source"], "source", label="The source", max_length=SOURCE_MAX),
        None if isinstance(values["legacy"], bool) else Problem("Legacy is yes or no.", field="legacy"),
        text_problem(
            values["explanation"], "explanation", label="The explanation", max_length=EXPLANATION_MAX
        ),
    )
    return problems


def _name_taken(initiative_id: int, name: str, *, but: int | None) -> bool:
    query = select(Kpi.id).where(Kpi.initiative_id == initiative_id, Kpi.name == name.strip())
    if but is not None:
        query = query.where(Kpi.id != but)
    return db.session.scalar(query) is not None


def _checked_kpi(initiative_id: int, values: dict[str, Any], *, but: int | None = None) -> dict[str, Any]:
    problems = kpi_problems(values)
    if not problems and _name_taken(initiative_id, values["name"], but=but):
        problems.append(Problem("This initiative has a KPI of that name already.", field="name"))
    if problems:
        raise _fail(problems)
    return _clean({name: values[name] for name in KPI_FIELDS})


def _audit(actor: User, action: str, target_type: str, record: Kpi | Benefit, detail: dict) -> None:
    audit.record(
        user_id=actor.id,
        action=action,
        target_type=target_type,
        target_id=record.id,
        initiative_id=record.initiative_id,
        detail=detail,
    )


def create_kpi(*, initiative: Initiative, actor: User, **values: Any) -> Kpi:
    begin_write()
    kpi = Kpi(initiative_id=initiative.id, **_checked_kpi(initiative.id, values))
    db.session.add(kpi)
    db.session.flush()
    _audit(actor, "kpi.create", "kpi", kpi, {"name": kpi.name, "target": kpi.target})
    db.session.commit()
    return kpi


def update_kpi(*, kpi: Kpi, actor: User, **values: Any) -> Kpi:
    begin_write()
    checked = _checked_kpi(kpi.initiative_id, values, but=kpi.id)
    changed = {k: v for k, v in checked.items() if getattr(kpi, k) != v}
    for name, value in checked.items():
        setattr(kpi, name, value)
    detail = {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in changed.items()}
    _audit(actor, "kpi.update", "kpi", kpi, {"name": kpi.name, "changed": detail})
    db.session.commit()
    return kpi


def delete_kpi(*, kpi: Kpi, actor: User) -> None:
    begin_write()
    _audit(actor, "kpi.delete", "kpi", kpi, {"name": kpi.name, "measurements": len(kpi.measurements)})
    db.session.delete(kpi)
    db.session.commit()


def initiative_kpis(initiative_id: int) -> list[Kpi]:
    return list(db.session.scalars(select(Kpi).where(Kpi.initiative_id == initiative_id).order_by(Kpi.name)))


# --- benefits ---------------------------------------------------------------------------------------------


def benefit_problems(values: dict[str, Any]) -> list[Problem]:
    missing = [name for name in BENEFIT_FIELDS if name not in values]
    if missing:
        raise TypeError(f"missing benefit fields: {', '.join(missing)}")
    return collect(
        text_problem(values["name"], "name", label="The name", max_length=NAME_MAX, required=True),
        text_problem(values["unit"], "unit", label="The unit", max_length=UNIT_MAX),
        number_problem(values["baseline"], "baseline", label="The baseline"),
        number_problem(values["target"], "target", label="The target", required=False),
        number_problem(values["forecast"], "forecast", label="The forecast", required=False),
        number_problem(values["actual"], "actual", label="The actual", required=False),
    )


def _checked_benefit(values: dict[str, Any]) -> dict[str, Any]:
    problems = benefit_problems(values)
    if problems:
        raise _fail(problems)
    return _clean({name: values[name] for name in BENEFIT_FIELDS})


def create_benefit(*, initiative: Initiative, actor: User, **values: Any) -> Benefit:
    begin_write()
    benefit = Benefit(initiative_id=initiative.id, **_checked_benefit(values))
    db.session.add(benefit)
    db.session.flush()
    _audit(actor, "benefit.create", "benefit", benefit, {"name": benefit.name})
    db.session.commit()
    return benefit


def update_benefit(*, benefit: Benefit, actor: User, **values: Any) -> Benefit:
    begin_write()
    checked = _checked_benefit(values)
    changed = {k: v for k, v in checked.items() if getattr(benefit, k) != v}
    for name, value in checked.items():
        setattr(benefit, name, value)
    _audit(actor, "benefit.update", "benefit", benefit, {"name": benefit.name, "changed": changed})
    db.session.commit()
    return benefit


def delete_benefit(*, benefit: Benefit, actor: User) -> None:
    begin_write()
    _audit(actor, "benefit.delete", "benefit", benefit, {"name": benefit.name})
    db.session.delete(benefit)
    db.session.commit()


def initiative_benefits(initiative_id: int) -> list[Benefit]:
    return list(
        db.session.scalars(
            select(Benefit).where(Benefit.initiative_id == initiative_id).order_by(Benefit.name, Benefit.id)
        )
    )
