"""Inbound sync from ITSM tools: ServiceNow Table API records (`change_request`, `incident`) and Jira Service
Management webhooks, mapped onto change records and incidents.

Every payload is checked whole before anything is stored (unknown states, missing numbers: 422, nothing kept);
a replay of the same update (same external id and updated time) changes nothing. The state tables below are
the documented mapping (docs/itsm-sync.md).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import or_, select

from ..audit import services as audit
from ..database import begin_write
from ..extensions import db
from ..plan.models import Milestone
from ..validation import Problem, ValidationFailed
from .models import ChangeRecord, Incident
from .services import NUMBER

# ServiceNow change_request.state: the stored values (Table API default) and the display values
# (sysparm_display_value=true), both accepted.
SERVICENOW_CHANGE_STATES = {
    "-5": "new", "new": "new",
    "-4": "assess", "assess": "assess",
    "-3": "authorize", "authorize": "authorize",
    "-2": "scheduled", "scheduled": "scheduled",
    "-1": "implement", "implement": "implement",
    "0": "review", "review": "review",
    "3": "closed", "closed": "closed",
    "4": "closed", "canceled": "closed", "cancelled": "closed",
}  # fmt: skip
SERVICENOW_INCIDENT_STATES = {
    "1": "new", "new": "new",
    "2": "in_progress", "in progress": "in_progress",
    "3": "on_hold", "on hold": "on_hold",
    "6": "resolved", "resolved": "resolved",
    "7": "closed", "closed": "closed",
    "8": "canceled", "canceled": "canceled", "cancelled": "canceled",
}  # fmt: skip
SERVICENOW_RISK = {
    "2": "high",
    "high": "high",
    "3": "moderate",
    "moderate": "moderate",
    "4": "low",
    "low": "low",
}
SERVICENOW_IMPACT = {"1": "high", "high": "high", "2": "medium", "medium": "medium", "3": "low", "low": "low"}
SERVICENOW_APPROVAL = {"approved": "approved", "rejected": "rejected"}  # requested / not requested: pending
SERVICENOW_CLOSE_CODE = {
    "successful": "successful",
    "successful_issues": "successful",
    "unsuccessful": "failed",
}
# Jira Service Management's change workflow (status names, any case).
JSM_CHANGE_STATES = {
    "open": "new",
    "planning": "assess",
    "awaiting cab approval": "authorize",
    "authorize": "authorize",
    "awaiting implementation": "scheduled",
    "scheduled": "scheduled",
    "implementing": "implement",
    "peer review": "review",
    "review": "review",
    "completed": "closed",
    "closed": "closed",
    "canceled": "closed",
    "cancelled": "closed",
    "declined": "closed",
}
CHANGE_TYPES_IN = {"standard": "standard", "normal": "normal", "emergency": "emergency"}


@dataclass(frozen=True)
class Outcome:
    kind: str  # change or incident
    number: str
    status: str  # created, updated, unchanged (a replay) or stale (older than what is stored)


class SyncRefused(ValidationFailed):
    """The payload cannot be mapped; nothing was stored (answered 422)."""


# --- reading payloads ------------------------------------------------------------------------------------------


def _text(record: Mapping[str, Any], name: str) -> str:
    """A field of a Table API record: a string, or a reference {"value", "display_value"}."""
    value = record.get(name)
    if isinstance(value, Mapping):
        value = value.get("display_value") or value.get("value")
    if value is None:
        return ""
    return str(value).strip()


def _reference(record: Mapping[str, Any], name: str) -> tuple[str, str]:
    """(sys_id, display value) of a reference field; either may be empty."""
    value = record.get(name)
    if isinstance(value, Mapping):
        return str(value.get("value") or "").strip(), str(value.get("display_value") or "").strip()
    text = "" if value is None else str(value).strip()
    return (text, text) if text else ("", "")


def _servicenow_time(text: str, field: str, problems: list[Problem]) -> datetime | None:
    """Table API times are "YYYY-MM-DD HH:MM:SS" in UTC; ISO 8601 with an offset is accepted too."""
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text.replace(" ", "T", 1))
    except ValueError:
        problems.append(Problem(f"{field} is not a date and time: {text!r}.", field=field))
        return None
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment


def _mapped(
    table: Mapping[str, str], text: str, field: str, problems: list[Problem], *, required: bool
) -> str:
    if not text:
        if required:
            problems.append(Problem(f"{field} is required.", field=field))
        return ""
    value = table.get(text.lower())
    if value is None:
        known = ", ".join(sorted({k for k in table if not k.lstrip("-").isdigit()}))
        problems.append(Problem(f"Unknown {field} {text!r}; known: {known}.", field=field))
        return ""
    return value


def _number(text: str, problems: list[Problem]) -> str:
    if not text:
        problems.append(Problem("number is required (e.g. CHG0031234).", field="number"))
    elif not NUMBER.fullmatch(text):
        problems.append(Problem(f"number {text!r} is not a change or incident number.", field="number"))
    return text


def read_servicenow_change(record: Mapping[str, Any]) -> dict[str, Any]:
    """A change_request record as the fields of a change record; SyncRefused listing every problem."""
    problems: list[Problem] = []
    values: dict[str, Any] = {
        "number": _number(_text(record, "number"), problems),
        "external_id": _text(record, "sys_id"),
        "external_updated": _text(record, "sys_updated_on"),
        "state": _mapped(SERVICENOW_CHANGE_STATES, _text(record, "state"), "state", problems, required=True),
        "change_type": _mapped(CHANGE_TYPES_IN, _text(record, "type"), "type", problems, required=False),
    }
    if not values["external_id"]:
        problems.append(Problem("sys_id is required.", field="sys_id"))
    details: dict[str, Any] = {
        "description": _text(record, "short_description"),
        "reason": _text(record, "justification"),
        "affected_services": _text(record, "business_service")[:500],
        "risk": _mapped(SERVICENOW_RISK, _text(record, "risk"), "risk", problems, required=False),
        "impact": _mapped(SERVICENOW_IMPACT, _text(record, "impact"), "impact", problems, required=False),
        "cab_decision": SERVICENOW_APPROVAL.get(_text(record, "approval").lower(), ""),
        "result": _mapped(
            SERVICENOW_CLOSE_CODE, _text(record, "close_code"), "close_code", problems, required=False
        ),
        "review_notes": _text(record, "close_notes"),
        "requested_at": _servicenow_time(_text(record, "sys_created_on"), "sys_created_on", problems),
        "planned_start": _servicenow_time(_text(record, "start_date"), "start_date", problems),
        "planned_end": _servicenow_time(_text(record, "end_date"), "end_date", problems),
        "implemented_at": _servicenow_time(_text(record, "work_end"), "work_end", problems),
    }
    if problems:
        raise SyncRefused(problems)
    return values | {"details": details}


def read_servicenow_incident(record: Mapping[str, Any]) -> dict[str, Any]:
    problems: list[Problem] = []
    caused_by = _reference(record, "caused_by")
    rfc = _reference(record, "rfc")
    values = {
        "number": _number(_text(record, "number"), problems),
        "external_id": _text(record, "sys_id"),
        "external_updated": _text(record, "sys_updated_on"),
        "state": _mapped(
            SERVICENOW_INCIDENT_STATES, _text(record, "state"), "state", problems, required=True
        ),
        "short_description": _text(record, "short_description")[:500],
        "opened_at": _servicenow_time(_text(record, "opened_at"), "opened_at", problems),
        "change_refs": [ref for ref in (caused_by, rfc) if any(ref)],
    }
    if not values["external_id"]:
        problems.append(Problem("sys_id is required.", field="sys_id"))
    if not values["change_refs"]:
        problems.append(
            Problem("caused_by or rfc must name the change that caused the incident.", field="caused_by")
        )
    if problems:
        raise SyncRefused(problems)
    return values


def read_jsm_change(payload: Mapping[str, Any]) -> dict[str, Any]:
    """A Jira webhook's issue (jira:issue_created / jira:issue_updated) as the fields of a change record."""
    issue = payload.get("issue")
    if not isinstance(issue, Mapping) or not isinstance(issue.get("fields"), Mapping):
        raise SyncRefused(
            [Problem("The payload has no issue with fields (a Jira issue webhook).", field="issue")]
        )
    fields = issue["fields"]
    problems: list[Problem] = []
    status = fields.get("status")
    status_name = str(status.get("name", "")).strip() if isinstance(status, Mapping) else ""
    change_type = fields.get("changeType") or fields.get("change_type")
    type_name = str(
        change_type.get("value", "") if isinstance(change_type, Mapping) else change_type or ""
    ).strip()
    values: dict[str, Any] = {
        "number": _number(str(issue.get("key") or "").strip(), problems),
        "external_id": str(issue.get("id") or "").strip(),
        "external_updated": str(fields.get("updated") or "").strip(),
        "state": _mapped(JSM_CHANGE_STATES, status_name, "status", problems, required=True),
        "change_type": _mapped(CHANGE_TYPES_IN, type_name, "changeType", problems, required=False),
        "details": {"description": str(fields.get("summary") or "").strip()},
    }
    if not values["external_id"]:
        problems.append(Problem("issue.id is required.", field="issue.id"))
    if problems:
        raise SyncRefused(problems)
    return values


# --- storing -----------------------------------------------------------------------------------------------------


def store(
    items: list[tuple[str, Mapping[str, Any]]], *, source: str, milestone_id: int | None
) -> list[Outcome]:
    """Apply read payloads ("change" or "incident", values) in order, all or nothing, in one transaction."""
    begin_write()
    try:
        outcomes = [
            apply_change(values, source=source, milestone_id=milestone_id)
            if kind == "change"
            else apply_incident(values, source=source)
            for kind, values in items
        ]
    except BaseException:
        db.session.rollback()
        raise
    db.session.commit()
    return outcomes


def apply_change(values: Mapping[str, Any], *, source: str, milestone_id: int | None) -> Outcome:
    """Create or update the change record the payload describes; idempotent on (source, external id, updated).
    Runs inside `store`'s transaction.

    An unknown change is created only when the webhook names the milestone it delivers (`?milestone=ID`).
    """
    record = db.session.scalar(
        select(ChangeRecord)
        .where(
            or_(
                (ChangeRecord.sync_source == source) & (ChangeRecord.external_id == values["external_id"]),
                db.func.lower(ChangeRecord.number) == values["number"].lower(),
            )
        )
        .order_by((ChangeRecord.external_id == values["external_id"]).desc(), ChangeRecord.id)
        .limit(1)
    )
    if record is not None and record.sync_source == source and record.external_id == values["external_id"]:
        if values["external_updated"] and values["external_updated"] == record.external_updated:
            return Outcome("change", record.number, "unchanged")
        if values["external_updated"] and values["external_updated"] < record.external_updated:
            return Outcome("change", record.number, "stale")
    status = "updated"
    if record is None:
        milestone = db.session.get(Milestone, milestone_id) if milestone_id is not None else None
        if milestone is None:
            raise SyncRefused(
                [
                    Problem(
                        f"No change record {values['number']} is linked to a milestone yet: link it on the "
                        "change-records page, or add ?milestone=ID to the webhook's address.",
                        field="number",
                    )
                ]
            )
        record = ChangeRecord(milestone_id=milestone.id, change_type=values["change_type"] or "normal")
        db.session.add(record)
        status = "created"
    record.number, record.state = values["number"], values["state"]
    if values["change_type"]:
        record.change_type = values["change_type"]
    for name, value in values["details"].items():
        setattr(record, name, value)
    record.sync_source, record.external_id = source, values["external_id"]
    record.external_updated = values["external_updated"]
    db.session.flush()
    initiative_id = db.session.get(Milestone, record.milestone_id).initiative_id  # type: ignore[union-attr]
    audit.record(
        user_id=None,
        action=f"change_record.sync_{status}",
        target_type="milestone",
        target_id=record.milestone_id,
        initiative_id=initiative_id,
        detail={"number": record.number, "source": source, "state": record.state},
    )
    return Outcome("change", record.number, status)


def apply_incident(values: Mapping[str, Any], *, source: str) -> Outcome:
    """Create or update the incident, linked to the change that caused it; idempotent like `apply_change`."""
    change = None
    for sys_id, shown in values["change_refs"]:
        change = db.session.scalar(
            select(ChangeRecord)
            .where(
                or_(
                    (ChangeRecord.sync_source == source) & (ChangeRecord.external_id == sys_id),
                    db.func.lower(ChangeRecord.number) == shown.lower(),
                )
            )
            .order_by(ChangeRecord.id)
            .limit(1)
        )
        if change is not None:
            break
    if change is None:
        named = ", ".join(shown or sys_id for sys_id, shown in values["change_refs"])
        raise SyncRefused(
            [Problem(f"The incident's change ({named}) is not a change record here.", field="caused_by")]
        )
    incident = db.session.scalar(
        select(Incident).where(Incident.sync_source == source, Incident.external_id == values["external_id"])
    )
    if incident is not None and values["external_updated"]:
        if values["external_updated"] == incident.external_updated:
            return Outcome("incident", incident.number, "unchanged")
        if values["external_updated"] < incident.external_updated:
            return Outcome("incident", incident.number, "stale")
    status = "updated"
    milestone = db.session.get(Milestone, change.milestone_id)
    assert milestone is not None
    if incident is None:
        incident = Incident(sync_source=source, external_id=values["external_id"])
        db.session.add(incident)
        status = "created"
    incident.initiative_id, incident.change_record_id = milestone.initiative_id, change.id
    incident.number, incident.state = values["number"], values["state"]
    incident.short_description, incident.opened_at = values["short_description"], values["opened_at"]
    incident.external_updated = values["external_updated"]
    audit.record(
        user_id=None,
        action=f"incident.sync_{status}",
        target_type="initiative",
        target_id=milestone.initiative_id,
        initiative_id=milestone.initiative_id,
        detail={"number": incident.number, "change": change.number, "source": source},
    )
    db.session.flush()
    return Outcome("incident", incident.number, status)
