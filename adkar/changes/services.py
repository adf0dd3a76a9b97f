"""Milestones' IT change records: rules, imports and the "scheduled while not ready" risk on the gate board."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select

from ..accounts.models import User
from ..audit import services as audit
from ..database import begin_write
from ..extensions import db
from ..plan.models import Initiative, Milestone
from ..validation import Problem, ValidationFailed
from .models import (
    CHANGE_STATE_LABELS,
    CHANGE_TYPE_LABELS,
    COMMITTED_STATES,
    ChangeRecord,
)

NUMBER = re.compile(r"[A-Za-z0-9][A-Za-z0-9._/-]{0,39}")
URL_MAX = 2000
URL_SHAPE = r"^(https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?(/[^\s\x00-\x1f\x7f]*)?)?$"
"""What url_problem accepts, as a pattern for the API's schema (empty, or an http(s) address with a host)."""
MAX_ROWS = 1000


def record_problems(
    *, number: Any, change_type: Any, state: Any, url: Any, row: int | None = None
) -> list[Problem]:
    """Shape rules for one change record, shared by the form, the CSV import and the API."""
    problems = []
    if not isinstance(number, str) or not number.strip():
        problems.append(Problem("The change number is required (e.g. CHG0031234).", field="number", row=row))
    elif not NUMBER.fullmatch(number.strip()):
        problems.append(
            Problem(
                "The change number has up to 40 letters, digits, dots, dashes, slashes or underscores "
                "(e.g. CHG0031234).",
                field="number",
                row=row,
            )
        )
    if not isinstance(change_type, str) or change_type not in CHANGE_TYPE_LABELS:
        problems.append(Problem(f"Choose a type: {', '.join(CHANGE_TYPE_LABELS)}.", field="type", row=row))
    if not isinstance(state, str) or state not in CHANGE_STATE_LABELS:
        problems.append(Problem(f"Choose a state: {', '.join(CHANGE_STATE_LABELS)}.", field="state", row=row))
    message = url_problem(url)
    if message:
        problems.append(Problem(message, field="url", row=row))
    return problems


def url_problem(url: Any) -> str | None:
    """None for "" or an absolute http(s) link; other schemes (javascript:, data:, file:) are refused."""
    if url is None or url == "":
        return None
    if not isinstance(url, str):
        return "The link must be text."
    url = url.strip()
    if len(url) > URL_MAX:
        return f"The link is longer than {URL_MAX:,} characters."
    if re.search(r"[\s\x00-\x1f\x7f]", url):
        return "The link cannot contain spaces or control characters."
    try:
        parts = urlsplit(url)
    except ValueError:
        return "The link is not a valid web address."
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return "The link must be a web address starting with https:// or http://."
    return None


def set_change_record(
    *, milestone: Milestone, actor: User, number: str, change_type: str, state: str, url: str = ""
) -> ChangeRecord:
    """Link a milestone to its change record, or update the link it has."""
    problems = record_problems(number=number, change_type=change_type, state=state, url=url)
    if problems:
        db.session.rollback()
        raise ValidationFailed(problems)
    begin_write()
    record = _store(milestone.id, number=number, change_type=change_type, state=state, url=url)
    audit.record(
        user_id=actor.id,
        action="change_record.set",
        target_type="milestone",
        target_id=milestone.id,
        initiative_id=milestone.initiative_id,
        detail={"number": record.number, "type": change_type, "state": state},
    )
    db.session.commit()
    return record


def _store(milestone_id: int, *, number: str, change_type: str, state: str, url: str | None) -> ChangeRecord:
    record = db.session.scalar(select(ChangeRecord).where(ChangeRecord.milestone_id == milestone_id))
    if record is None:
        record = ChangeRecord(milestone_id=milestone_id)
        db.session.add(record)
    record.number, record.change_type, record.state = number.strip(), change_type, state
    record.url = (url or "").strip()
    db.session.flush()
    return record


def delete_change_record(*, milestone: Milestone, actor: User) -> bool:
    begin_write()
    record = db.session.scalar(select(ChangeRecord).where(ChangeRecord.milestone_id == milestone.id))
    if record is None:
        db.session.rollback()
        return False
    audit.record(
        user_id=actor.id,
        action="change_record.delete",
        target_type="milestone",
        target_id=milestone.id,
        initiative_id=milestone.initiative_id,
        detail={"number": record.number},
    )
    db.session.delete(record)
    db.session.commit()
    return True


def import_change_records(
    *, initiative: Initiative, actor: User, rows: Iterable[Mapping[str, Any]], source: str
) -> tuple[int, int]:
    """Set many milestones' records all-or-nothing; rows: {"milestone_id", "number", "type", "state", "url"?}.

    Returns (created, updated).
    """
    rows = list(rows)
    begin_write()
    milestones = {m.id for m in initiative.milestones}
    problems: list[Problem] = [] if rows else [Problem("Send at least one change record.")]
    if len(rows) > MAX_ROWS:
        problems.append(Problem(f"Send at most {MAX_ROWS:,} change records at a time."))
    first: dict[int, int] = {}
    for number, item in enumerate(rows, start=1):
        row = item.get("row", number)
        milestone_id = item.get("milestone_id")
        if not isinstance(milestone_id, int) or milestone_id not in milestones:
            problems.append(Problem("Choose a milestone of this initiative.", field="milestone_id", row=row))
        elif milestone_id in first:
            message = f"This milestone appears twice (also row {first[milestone_id]})."
            problems.append(Problem(message, field="milestone_id", row=row))
        else:
            first[milestone_id] = row
        problems += record_problems(
            number=item.get("number"),
            change_type=item.get("type"),
            state=item.get("state"),
            url=item.get("url"),
            row=row,
        )
    if problems:
        db.session.rollback()
        raise ValidationFailed(problems)
    existing = set(
        db.session.scalars(select(ChangeRecord.milestone_id).where(ChangeRecord.milestone_id.in_(milestones)))
    )
    for item in rows:
        _store(
            item["milestone_id"],
            number=item["number"],
            change_type=item["type"],
            state=item["state"],
            url=item.get("url"),
        )
    updated = sum(item["milestone_id"] in existing for item in rows)
    audit.record(
        user_id=actor.id,
        action="change_record.import",
        target_type="initiative",
        target_id=initiative.id,
        initiative_id=initiative.id,
        detail={"source": source, "created": len(rows) - updated, "updated": updated},
    )
    db.session.commit()
    return len(rows) - updated, updated


def records_by_milestone(initiative_id: int) -> dict[int, ChangeRecord]:
    query = (
        select(ChangeRecord)
        .join(Milestone, Milestone.id == ChangeRecord.milestone_id)
        .where(Milestone.initiative_id == initiative_id)
    )
    return {r.milestone_id: r for r in db.session.scalars(query)}


# --- the gate board's risk flag ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChangeRisk:
    milestone_id: int
    milestone_name: str
    due: date
    record: ChangeRecord | None
    gate_status: str  # ready, not_ready or no_data, as the gate computes it
    overridden: bool  # a practitioner passed the gate with a written justification
    risk: bool  # the change is scheduled or implementing while its people gate is not ready

    @property
    def message(self) -> str:
        if not self.risk or self.record is None:
            return ""
        state = CHANGE_STATE_LABELS[self.record.state].lower()
        gate = "has no readiness data" if self.gate_status == "no_data" else "is not ready"
        return f"Change {self.record.number} is {state} while the people gate {gate}."


def change_risks(initiative: Initiative, gates: Sequence[Mapping[str, Any]]) -> list[ChangeRisk]:
    """Per milestone (by due date), its change record and whether the change outruns its people.

    gates: `adkar.readiness.figures.gates(initiative, report)` (any order). A gate that is not `ready`
    (not_ready or no_data) counts as not ready, overridden or not; `overridden` lets pages say so.
    """
    by_id = {int(g["milestone_id"]): g for g in gates}
    records = records_by_milestone(initiative.id)
    risks = []
    for milestone in initiative.milestones:
        gate = by_id.get(milestone.id, {})
        status = str(gate.get("status", "no_data"))
        record = records.get(milestone.id)
        risks.append(
            ChangeRisk(
                milestone_id=milestone.id,
                milestone_name=milestone.name,
                due=milestone.due,
                record=record,
                gate_status=status,
                overridden=bool(gate.get("overridden")),
                risk=record is not None and record.state in COMMITTED_STATES and status != "ready",
            )
        )
    return risks
