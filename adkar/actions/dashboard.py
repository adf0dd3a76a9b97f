"""The dashboard's view of action plans: per group at risk, the actions in flight and whether they worked.

The lead page passes its own at-risk list (`Headline.at_risk`); without one, the same rule is read here
through `dashboard.summary`, so both always name the same groups.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from ..extensions import db
from ..plan.models import Initiative, StakeholderGroup
from ..readiness.figures import InitiativeReadiness
from ..timeutil import today as current_day
from .effects import Effect, action_effect, group_barriers
from .models import ACTION_STATUS_LABELS, IN_FLIGHT, Action, ResistanceEntry


@dataclass(frozen=True)
class ActionLine:
    id: int
    what: str
    owner: str
    element: str
    status: str
    starts_on: date
    due_on: date
    overdue: bool
    effect: Effect | None  # None: no visible wave on one side of the start date yet

    @property
    def status_label(self) -> str:
        return ACTION_STATUS_LABELS[self.status]


@dataclass(frozen=True)
class GroupPlan:
    group_id: int
    name: str
    barrier: str | None  # the modal barrier point of the latest wave where the group is visible
    actions: list[ActionLine]  # in flight: planned or in progress, by start date
    done: int
    open_resistance: int  # entries not yet closed
    resisting_people: int  # people in those entries

    @property
    def targets_barrier(self) -> bool:
        """At least one action in flight works on the group's barrier point."""
        return any(a.element == self.barrier for a in self.actions)


def actions_for_dashboard(
    initiative: Initiative,
    report: InitiativeReadiness,
    *,
    at_risk_group_ids: Sequence[int],
    today: date | None = None,
) -> list[GroupPlan]:
    """One GroupPlan per group at risk, in the order given: the dashboard's headline decides who is at
    risk (adkar.dashboard.summary), so its table and these plans name the same groups."""
    day = today or current_day()
    ids = list(at_risk_group_ids)
    if not ids:
        return []
    names = dict(
        db.session.execute(
            select(StakeholderGroup.id, StakeholderGroup.name).where(
                StakeholderGroup.initiative_id == initiative.id, StakeholderGroup.id.in_(ids)
            )
        ).all()
    )
    actions = db.session.scalars(
        select(Action).where(Action.group_id.in_(ids)).order_by(Action.starts_on, Action.id)
    ).all()
    resistance = {
        g: (int(c), int(p or 0))
        for g, c, p in db.session.execute(
            select(ResistanceEntry.group_id, func.count(), func.sum(ResistanceEntry.people))
            .where(ResistanceEntry.group_id.in_(ids), ResistanceEntry.status != "closed")
            .group_by(ResistanceEntry.group_id)
        )
    }
    barriers = group_barriers(
        report.trend[report.trend["group_id"].isin(ids)]
    )  # only theirs: 1,000s of groups
    plans = []
    for group_id in ids:
        if group_id not in names:
            continue
        mine = [a for a in actions if a.group_id == group_id]
        barrier = barriers.get(group_id)
        open_count, people = resistance.get(group_id, (0, 0))
        plans.append(
            GroupPlan(
                group_id=group_id,
                name=names[group_id],
                barrier=barrier.element if barrier else None,
                actions=[_line(a, report, day) for a in mine if a.status in IN_FLIGHT],
                done=sum(a.status == "done" for a in mine),
                open_resistance=open_count,
                resisting_people=people,
            )
        )
    return plans


def _line(action: Action, report: InitiativeReadiness, day: date) -> ActionLine:
    return ActionLine(
        id=action.id,
        what=action.what,
        owner=action.owner,
        element=action.element,
        status=action.status,
        starts_on=action.starts_on,
        due_on=action.due_on,
        overdue=action.due_on < day,
        effect=action_effect(
            report.trend,
            report.waves,
            group_id=action.group_id,
            element=action.element,
            starts_on=action.starts_on,
        ),
    )
