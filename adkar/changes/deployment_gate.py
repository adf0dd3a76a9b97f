"""The deployment gate a pipeline asks before it deploys a change: the rules per change type over the people
gate the dashboard computes (`readiness.figures.gate`, overrides included), never a second gate logic.

- standard: pre-approved, passes with no people gate;
- normal: passes only when the milestone's people gate is ready, or was passed by an override with a written
  justification;
- emergency: passes, flagged for a retrospective people review within the initiative's N days.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select

from ..access import visible_initiatives_query
from ..accounts.models import User
from ..elements import ELEMENT_LABELS
from ..extensions import db
from ..plan.models import Initiative, Milestone
from ..readiness.figures import gate, initiative_report
from .models import DEFAULT_EMERGENCY_REVIEW_DAYS, ChangeRecord, ChangeSettings

PASS, FAIL = "pass", "fail"


@dataclass(frozen=True)
class Decision:
    decision: str  # pass or fail
    reasons: list[str]
    review_due: date | None  # emergency changes: the retrospective people review is due by then


def decide(
    *,
    change_type: str,
    number: str,
    milestone_name: str,
    gate: Mapping[str, Any],
    anchor: date,
    review_days: int,
) -> Decision:
    """The rule of this change type over the milestone's gate (as `readiness.figures.gate` returns it).

    `anchor`: the day an emergency change's review period starts (its planned start, else when it was recorded).
    """
    status = gate["status"]
    element = ELEMENT_LABELS[gate["target_element"]]
    people = f"the people gate of “{milestone_name}”"
    People = f"The people gate of “{milestone_name}”"
    if change_type == "standard":
        return Decision(PASS, [f"{number} is a standard change: pre-approved, no people gate applies."], None)
    if change_type == "emergency":
        due = anchor + timedelta(days=review_days)
        reasons = [
            f"{number} is an emergency change: it passes without waiting for {people} (now {_words(status)}).",
            f"A retrospective people review is due by {due.isoformat()} ({review_days} days).",
        ]
        return Decision(PASS, reasons, due)
    if status == "ready":
        reason = f"{People} is ready: every impacted group reached {element} at {gate['threshold']:.0%}."
        return Decision(PASS, [reason], None)
    if gate.get("overridden") and gate.get("override"):
        override = gate["override"]
        reason = (
            f"{People} is {_words(status)} but was passed by override "
            f"({override['by']}, {override['at']}): {override['justification']}"
        )
        return Decision(PASS, [reason], None)
    if status == "no_data":
        reason = (
            f"{People} has no readiness data: no survey closed by the due date, or too few answers to show."
        )
        return Decision(FAIL, [reason], None)
    behind = [g for g in gate["groups"] if g["status"] != "ready"]
    reason = (
        f"{People} is not ready: {len(behind)} of {len(gate['groups'])} impacted groups have not "
        f"reached {element} at {gate['threshold']:.0%}."
    )
    return Decision(FAIL, [reason], None)


def _words(status: str) -> str:
    return {"ready": "ready", "not_ready": "not ready", "no_data": "without readiness data"}[status]


def find_changes(user: User, number: str) -> list[ChangeRecord]:
    """The change records with this number (any case) in the initiatives this user may read."""
    visible = visible_initiatives_query(user).with_only_columns(Initiative.id).order_by(None)
    query = (
        select(ChangeRecord)
        .join(Milestone, Milestone.id == ChangeRecord.milestone_id)
        .where(db.func.lower(ChangeRecord.number) == number.strip().lower())
        .where(Milestone.initiative_id.in_(visible))
        .order_by(ChangeRecord.id)
    )
    return list(db.session.scalars(query))


def review_days(initiative_id: int) -> int:
    settings = db.session.get(ChangeSettings, initiative_id)
    return settings.emergency_review_days if settings else DEFAULT_EMERGENCY_REVIEW_DAYS


def deployment_gate(record: ChangeRecord) -> dict[str, Any]:
    """The gate's answer for one change: decision, reasons, the milestone's gate, its groups (k applied)."""
    milestone = record.milestone
    initiative = milestone.initiative
    computed = gate(milestone, initiative_report(initiative))
    anchor = (record.planned_start or record.created_at).date()
    decision = decide(
        change_type=record.change_type,
        number=record.number,
        milestone_name=milestone.name,
        gate=computed,
        anchor=anchor,
        review_days=review_days(initiative.id),
    )
    names = {g.id: g.name for g in initiative.groups}
    return {
        "decision": decision.decision,
        "reasons": decision.reasons,
        "change": {
            "id": record.id,
            "number": record.number,
            "type": record.change_type,
            "state": record.state,
            "url": record.url,
        },
        "milestone": {
            "id": milestone.id,
            "name": milestone.name,
            "due": milestone.due.isoformat(),
            "initiative_id": initiative.id,
            "initiative": initiative.name,
            "gate_status": computed["status"],
            "target_element": computed["target_element"],
            "threshold": computed["threshold"],
            "overridden": computed["overridden"],
            "override": computed["override"] if computed["overridden"] else None,
        },
        # value is None whenever the group's answers are suppressed (fewer than k people): the gate sets it.
        "groups": [
            {
                "group_id": g["group_id"],
                "name": names.get(g["group_id"], ""),
                "status": g["status"],
                "value": g["value"],
                "wave_id": g["wave_id"],
            }
            for g in computed["groups"]
        ],
        "retrospective_review_due": decision.review_due.isoformat() if decision.review_due else None,
    }
