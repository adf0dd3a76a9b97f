"""Milestones' IT change records: rules, imports and the "scheduled while not ready" risk on the gate board."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
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
    CAB_LABELS,
    CHANGE_STATE_LABELS,
    CHANGE_TYPE_LABELS,
    COMMITTED_STATES,
    IMPACT_LABELS,
    RESULT_LABELS,
    RISK_LABELS,
    ChangeRecord,
    ChangeSettings,
)

NUMBER = re.compile(r"[A-Za-z0-9][A-Za-z0-9._/-]{0,39}")
URL_MAX = 2000
URL_SHAPE = r"^(https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?(/[^\s\x00-\x1f\x7f]*)?)?$"
"""What url_problem accepts, as a pattern for the API's schema (empty, or an http(s) address with a host)."""
MAX_ROWS = 1000
TEXT_MAX = 5000
SERVICES_MAX = 500
# The lifecycle fields a record takes besides number, type, state and url: their choices (None: free text, with
# its length) so the form, the import and the API share one rule.
LIFECYCLE_CHOICES: dict[str, Mapping[str, str] | None] = {
    "description": None,
    "reason": None,
    "affected_services": None,
    "impact": IMPACT_LABELS,
    "risk": RISK_LABELS,
    "cab_decision": CAB_LABELS,
    "result": RESULT_LABELS,
    "review_notes": None,
}
LIFECYCLE_TIMES = ("requested_at", "planned_start", "planned_end", "implemented_at")
LIFECYCLE_FIELDS = (*LIFECYCLE_CHOICES, *LIFECYCLE_TIMES)


def lifecycle_problems(details: Mapping[str, Any], row: int | None = None) -> list[Problem]:
    """Rules of the lifecycle fields (each optional): known choices, lengths, times, a window that ends after it
    starts."""
    problems = []
    for name, labels in LIFECYCLE_CHOICES.items():
        value = details.get(name, "")
        limit = SERVICES_MAX if name == "affected_services" else TEXT_MAX
        if not isinstance(value, str):
            problems.append(Problem(f"The {name.replace('_', ' ')} must be text.", field=name, row=row))
        elif labels is not None and value not in labels:
            choices = ", ".join(k for k in labels if k)
            problems.append(
                Problem(
                    f"Choose a {name.replace('_', ' ')}: {choices}, or leave it empty.", field=name, row=row
                )
            )
        elif labels is None and len(value) > limit:
            problems.append(
                Problem(
                    f"The {name.replace('_', ' ')} has at most {limit:,} characters.", field=name, row=row
                )
            )
    for name in LIFECYCLE_TIMES:
        if details.get(name) is not None and not isinstance(details[name], datetime):
            problems.append(
                Problem(f"The {name.replace('_', ' ')} must be a date and time.", field=name, row=row)
            )
    start, end = details.get("planned_start"), details.get("planned_end")
    if isinstance(start, datetime) and isinstance(end, datetime) and end < start:
        problems.append(Problem("The planned window ends before it starts.", field="planned_end", row=row))
    return problems


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
    *,
    milestone: Milestone,
    actor: User,
    number: str,
    change_type: str,
    state: str,
    url: str = "",
    details: Mapping[str, Any] | None = None,
) -> ChangeRecord:
    """Link a change record to a milestone, or update the milestone's record with this number (any case).

    details: any of LIFECYCLE_FIELDS; those left out keep their stored values.
    """
    details = dict(details or {})
    problems = record_problems(number=number, change_type=change_type, state=state, url=url)
    problems += lifecycle_problems(details) + _unknown_fields(details)
    if problems:
        db.session.rollback()
        raise ValidationFailed(problems)
    begin_write()
    record = _store(
        milestone.id, number=number, change_type=change_type, state=state, url=url, details=details
    )
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


def _unknown_fields(details: Mapping[str, Any]) -> list[Problem]:
    return [Problem(f"Unknown field {name}.", field=name) for name in details if name not in LIFECYCLE_FIELDS]


def _store(
    milestone_id: int,
    *,
    number: str,
    change_type: str,
    state: str,
    url: str | None,
    details: Mapping[str, Any] | None = None,
) -> ChangeRecord:
    record = _find(milestone_id, number)
    if record is None:
        record = ChangeRecord(milestone_id=milestone_id)
        db.session.add(record)
    record.number, record.change_type, record.state = number.strip(), change_type, state
    record.url = (url or "").strip()
    for name, value in (details or {}).items():
        setattr(record, name, value.strip() if isinstance(value, str) else value)
    db.session.flush()
    return record


def _find(milestone_id: int, number: str) -> ChangeRecord | None:
    return db.session.scalar(
        select(ChangeRecord)
        .where(ChangeRecord.milestone_id == milestone_id)
        .where(db.func.lower(ChangeRecord.number) == number.strip().lower())
        .order_by(ChangeRecord.id)
        .limit(1)
    )


def delete_change_record(*, milestone: Milestone, actor: User, number: str | None = None) -> bool:
    """Remove the milestone's record with this number, or (number None) every record of the milestone."""
    begin_write()
    query = select(ChangeRecord).where(ChangeRecord.milestone_id == milestone.id)
    if number is not None:
        query = query.where(db.func.lower(ChangeRecord.number) == number.strip().lower())
    records = list(db.session.scalars(query))
    if not records:
        db.session.rollback()
        return False
    audit.record(
        user_id=actor.id,
        action="change_record.delete",
        target_type="milestone",
        target_id=milestone.id,
        initiative_id=milestone.initiative_id,
        detail={"number": ", ".join(r.number for r in records)},
    )
    for record in records:
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
    first: dict[tuple[int, str], int] = {}
    for number, item in enumerate(rows, start=1):
        row = item.get("row", number)
        milestone_id = item.get("milestone_id")
        if not isinstance(milestone_id, int) or milestone_id not in milestones:
            problems.append(Problem("Choose a milestone of this initiative.", field="milestone_id", row=row))
        elif (key := (milestone_id, str(item.get("number") or "").strip().lower())) in first:
            message = f"This change of this milestone appears twice (also row {first[key]})."
            problems.append(Problem(message, field="number", row=row))
        else:
            first[key] = row
        problems += record_problems(
            number=item.get("number"),
            change_type=item.get("type"),
            state=item.get("state"),
            url=item.get("url"),
            row=row,
        )
        problems += lifecycle_problems(_details(item), row=row)
    if problems:
        db.session.rollback()
        raise ValidationFailed(problems)
    existing = {
        (milestone_id, number.lower())
        for milestone_id, number in db.session.execute(
            select(ChangeRecord.milestone_id, ChangeRecord.number).where(
                ChangeRecord.milestone_id.in_(milestones)
            )
        )
    }
    updated = sum((item["milestone_id"], item["number"].strip().lower()) in existing for item in rows)
    for item in rows:
        _store(
            item["milestone_id"],
            number=item["number"],
            change_type=item["type"],
            state=item["state"],
            url=item.get("url"),
            details=_details(item),
        )
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


def _details(item: Mapping[str, Any]) -> dict[str, Any]:
    """The lifecycle fields a row sends (the others keep their stored values)."""
    return {name: item[name] for name in LIFECYCLE_FIELDS if item.get(name) is not None}


def records_of_milestones(initiative_id: int) -> dict[int, list[ChangeRecord]]:
    """Each milestone's change records, oldest first."""
    query = (
        select(ChangeRecord)
        .join(Milestone, Milestone.id == ChangeRecord.milestone_id)
        .where(Milestone.initiative_id == initiative_id)
        .order_by(ChangeRecord.id)
    )
    found: dict[int, list[ChangeRecord]] = {}
    for record in db.session.scalars(query):
        found.setdefault(record.milestone_id, []).append(record)
    return found


def records_by_milestone(initiative_id: int) -> dict[int, ChangeRecord]:
    """Each milestone's most recent change record (the one a single-record view shows)."""
    return {
        milestone_id: records[-1] for milestone_id, records in records_of_milestones(initiative_id).items()
    }


# --- the gate board's risk flag ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChangeRisk:
    milestone_id: int
    milestone_name: str
    due: date
    record: ChangeRecord | None  # the record that decides the flag: the first committed one, else the latest
    gate_status: str  # ready, not_ready or no_data, as the gate computes it
    overridden: bool  # a practitioner passed the gate with a written justification
    risk: bool  # a change is scheduled or implementing while its people gate is not ready
    records: tuple[ChangeRecord, ...] = ()  # every change record of the milestone, oldest first

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
    records = records_of_milestones(initiative.id)
    risks = []
    for milestone in initiative.milestones:
        gate = by_id.get(milestone.id, {})
        status = str(gate.get("status", "no_data"))
        mine = records.get(milestone.id, [])
        committed = [r for r in mine if r.state in COMMITTED_STATES]
        record = committed[0] if committed else (mine[-1] if mine else None)
        risks.append(
            ChangeRisk(
                milestone_id=milestone.id,
                milestone_name=milestone.name,
                due=milestone.due,
                record=record,
                gate_status=status,
                overridden=bool(gate.get("overridden")),
                risk=bool(committed) and status != "ready",
                records=tuple(mine),
            )
        )
    return risks


# --- the change rules of an initiative -----------------------------------------------------------------------

MAX_REVIEW_DAYS = 90


def set_emergency_review_days(*, initiative: Initiative, actor: User, days: Any) -> int:
    """Within how many days an emergency change's retrospective people review is due (1 to 90)."""
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_REVIEW_DAYS:
        db.session.rollback()
        raise ValidationFailed.one(
            f"The review is due within 1 to {MAX_REVIEW_DAYS} days.", "emergency_review_days"
        )
    begin_write()
    settings = db.session.get(ChangeSettings, initiative.id)
    if settings is None:
        settings = ChangeSettings(initiative_id=initiative.id)
        db.session.add(settings)
    settings.emergency_review_days = days
    audit.record(
        user_id=actor.id,
        action="change_settings.set",
        target_type="initiative",
        target_id=initiative.id,
        initiative_id=initiative.id,
        detail={"emergency_review_days": days},
    )
    db.session.commit()
    return days


# --- the change calendar ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CalendarEntry:
    record: ChangeRecord
    milestone_name: str
    due: date
    flags: tuple[str, ...]  # why this window worries the people side; empty when it does not


def change_calendar(risks: Sequence[ChangeRisk]) -> list[CalendarEntry]:
    """Every change with a planned window, by start, flagged when the window opens while its milestone's people
    gate is not ready (not overridden), or before the milestone's date, by which the gate expects people ready.
    Standard changes are never flagged: no people gate applies to them."""
    entries = []
    for risk in risks:
        for record in risk.records:
            if record.planned_start is None:
                continue
            flags: list[str] = []
            if record.change_type != "standard" and record.result == "":
                if risk.gate_status != "ready" and not risk.overridden:
                    gate = "has no readiness data" if risk.gate_status == "no_data" else "is not ready"
                    flags.append(f"The window opens while the people gate {gate}.")
                if record.planned_start.date() < risk.due:
                    flags.append(f"The window opens before the milestone's date ({risk.due.isoformat()}).")
            entries.append(CalendarEntry(record, risk.milestone_name, risk.due, tuple(flags)))
    return sorted(entries, key=lambda e: (e.record.planned_start, e.record.id))
