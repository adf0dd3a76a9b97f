"""The portfolio for those who decide: every initiative a person may read, with its stage, what the next stage
still needs, the go-live gate, its KPIs' statuses and the sign-offs waiting, theirs first."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from ..access import visible_initiatives_query
from ..accounts.models import User
from ..extensions import db
from ..plan.models import Initiative
from . import criteria
from .criteria import GoLiveFact
from .models import PENDING
from .services import current_stage, facts, sign_offs


@dataclass(frozen=True)
class DecisionRow:
    initiative: Initiative
    stage: str
    next_stage: str | None
    met: int
    needed: int
    go_live: GoLiveFact | None
    kpis: Counter
    pending: int
    mine: int  # pending sign-offs the reader is named on


def rows(user: User) -> list[DecisionRow]:
    """One row per readable initiative, in go-live order (the gate of each is computed: a few per reader)."""
    found = []
    for initiative in db.session.scalars(visible_initiatives_query(user)):
        stage = current_stage(initiative.id)
        upcoming = criteria.next_stage(stage)
        known = facts(initiative)
        checks = criteria.criteria(upcoming, known) if upcoming else []
        waiting = [s for s in sign_offs(initiative.id) if s.decision == PENDING]
        found.append(
            DecisionRow(
                initiative=initiative,
                stage=stage,
                next_stage=upcoming,
                met=sum(c.met for c in checks),
                needed=len(checks),
                go_live=known.go_live,
                kpis=Counter(k.status for k in known.kpis),
                pending=len(waiting),
                mine=sum(s.approver_id == user.id for s in waiting),
            )
        )
    return found
