"""The changes behind the portfolio view, read from the initiatives a user can see."""

from __future__ import annotations

from sqlalchemy.orm import selectinload

from ..access import visible_initiatives_query
from ..accounts.models import User
from ..extensions import db
from ..plan.models import Initiative, Milestone
from .saturation import Change

GO_LIVE_KIND = "go-live"


def visible_initiatives(user: User) -> list[Initiative]:
    query = visible_initiatives_query(user).options(
        selectinload(Initiative.groups),
        selectinload(Initiative.milestones).selectinload(Milestone.groups),
    )
    return list(db.session.scalars(query))


def initiative_changes(initiative: Initiative) -> list[Change]:
    """Every (group, change) pair of one initiative: its milestones and its go-live."""
    changes = []
    go_live_marked = False
    for milestone in initiative.milestones:
        is_go_live = milestone.kind == GO_LIVE_KIND
        go_live_marked |= is_go_live and milestone.due == initiative.go_live
        for group in milestone.groups or initiative.groups:
            changes.append(
                Change(initiative.id, initiative.name, group.name, milestone.due, milestone.name, is_go_live)
            )
    if not go_live_marked:
        changes += [
            Change(initiative.id, initiative.name, group.name, initiative.go_live, "Go-live", True)
            for group in initiative.groups
        ]
    return changes


def portfolio_changes(user: User) -> tuple[list[Initiative], list[Change]]:
    initiatives = visible_initiatives(user)
    return initiatives, [c for i in initiatives for c in initiative_changes(i)]
