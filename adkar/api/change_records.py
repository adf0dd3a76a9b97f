"""API endpoints: milestones' IT change records, their import, and the "change ahead of its people" risk."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import abort

from ..access import load_initiative
from ..analytics.report import gates, initiative_report
from ..extensions import db
from ..plan import change_records as service
from ..plan.change_record_models import CHANGE_STATES, CHANGE_TYPES, ChangeRecord
from ..plan.models import Milestone
from ..validation import Problem, ValidationFailed
from . import bp
from .auth import api_user
from .http import json_response, no_content
from .openapi import component, list_of, operation
from .payload import Choice, Field, FieldError, Fields, String, read_body
from .serialise import DATE, DATETIME, ID, iso_date, iso_datetime

TAG = "change records"
WRITE_ERRORS = (403,)
RECORD_KEYS = ("milestone_id", "number", "type", "state", "url")

RECORD_FIELDS = Fields(
    number=String(max_length=40, description="The change's number in the ITSM tool, e.g. CHG0031234."),
    type=Choice(choices=CHANGE_TYPES),
    state=Choice(choices=CHANGE_STATES),
    url=String(
        max_length=service.URL_MAX,
        blank=True,
        default="",
        description="A link to the record (https:// or http://).",
    ),
)
CHANGE_RECORD = component(
    "ChangeRecord",
    {
        "type": "object",
        "description": "The IT change record that delivers a milestone.",
        "properties": {
            "milestone_id": ID,
            "number": {"type": "string"},
            "type": {"enum": list(CHANGE_TYPES)},
            "state": {"enum": list(CHANGE_STATES)},
            "url": {"type": "string", "description": "An http(s) link, or empty."},
            "updated_at": DATETIME,
        },
        "required": ["milestone_id", "number", "type", "state", "url", "updated_at"],
        "additionalProperties": False,
    },
)
CHANGE_RISK = component(
    "ChangeRisk",
    {
        "type": "object",
        "description": "A milestone's change record beside its readiness gate. `risk` is true when the change is "
        "scheduled or implementing while the gate is not ready (not_ready or no_data).",
        "properties": {
            "milestone_id": ID,
            "milestone": {"type": "string"},
            "due": DATE,
            "gate_status": {"enum": ["ready", "not_ready", "no_data"]},
            "overridden": {
                "type": "boolean",
                "description": "The gate was passed with a written justification.",
            },
            "risk": {"type": "boolean"},
            "change_record": {"oneOf": [CHANGE_RECORD, {"type": "null"}]},
        },
        "required": [
            "milestone_id",
            "milestone",
            "due",
            "gate_status",
            "overridden",
            "risk",
            "change_record",
        ],
        "additionalProperties": False,
    },
)
RECORD_IN = component(
    "ChangeRecordIn",
    {
        "type": "object",
        "properties": {
            "milestone_id": {**ID, "description": "A milestone of the initiative."},
            **{k: v for k, v in RECORD_FIELDS.schema()["properties"].items()},
        },
        "required": ["milestone_id", "number", "type", "state"],
        "additionalProperties": False,
    },
)
IMPORT_RESULT = component(
    "ChangeRecordImportResult",
    {
        "type": "object",
        "properties": {
            "created": {"type": "integer", "minimum": 0},
            "updated": {"type": "integer", "minimum": 0},
        },
        "required": ["created", "updated"],
        "additionalProperties": False,
    },
)


@dataclass(frozen=True, kw_only=True)
class RecordList(Field):
    def check(self, value: Any) -> list:
        if not isinstance(value, list):
            raise FieldError("Expected a list of change records.")
        if not 1 <= len(value) <= service.MAX_ROWS:
            raise FieldError(f"Send from 1 to {service.MAX_ROWS:,} change records per request.")
        return value

    def schema(self) -> dict:
        return {"type": "array", "minItems": 1, "maxItems": service.MAX_ROWS, "items": RECORD_IN}


IMPORT = Fields(
    records=RecordList(description="Each replaces the milestone's record, if it has one; all or none.")
)


def record_json(record: ChangeRecord) -> dict:
    return {
        "milestone_id": record.milestone_id,
        "number": record.number,
        "type": record.change_type,
        "state": record.state,
        "url": record.url,
        "updated_at": iso_datetime(record.updated_at),
    }


def _milestone(milestone_id: int, *, write: bool = False) -> Milestone:
    milestone = db.session.get(Milestone, milestone_id)
    if milestone is None:
        abort(404)
    load_initiative(api_user(), milestone.initiative_id, write=write)
    return milestone


def _paths(exc: ValidationFailed) -> ValidationFailed:
    for problem in exc.problems:
        if problem.row is not None and problem.field and not problem.field.startswith("records["):
            problem.column = problem.field
            problem.field = f"records[{problem.row}].{problem.field}"
    return exc


def read_records(items: list) -> list[dict]:
    """Each item's shape (an object with known keys); the service checks the values."""
    rows, problems = [], []
    for index, item in enumerate(items):
        path = f"records[{index}]"
        if not isinstance(item, dict):
            problems.append(Problem("Expected an object.", field=path, row=index))
            continue
        for key in sorted(set(item) - set(RECORD_KEYS)):
            problems.append(Problem("Unknown field.", field=f"{path}.{key}", row=index, column=key))
        rows.append({"row": index, **{k: item.get(k) for k in RECORD_KEYS}})
    if problems:
        raise ValidationFailed(problems)
    return rows


@bp.get("/initiatives/<id:initiative_id>/change-records")
@operation(
    summary="Every milestone with its change record and whether the change outruns its people",
    tag=TAG,
    responses={200: list_of(CHANGE_RISK)},
)
def list_change_records(initiative_id: int):
    initiative = load_initiative(api_user(), initiative_id)
    risks = service.change_risks(initiative, gates(initiative, initiative_report(initiative)))
    items = [
        {
            "milestone_id": r.milestone_id,
            "milestone": r.milestone_name,
            "due": iso_date(r.due),
            "gate_status": r.gate_status,
            "overridden": r.overridden,
            "risk": r.risk,
            "change_record": record_json(r.record) if r.record else None,
        }
        for r in risks
    ]
    return json_response({"items": items})


@bp.post("/initiatives/<id:initiative_id>/change-records")
@operation(
    summary="Import change records for several milestones (all or nothing)",
    tag=TAG,
    body=IMPORT.schema(),
    responses={201: IMPORT_RESULT},
    errors=WRITE_ERRORS,
    description="Problems carry `row` (the index in `records`, from 0), `column` and `field` (its JSON path).",
)
def import_change_records(initiative_id: int):
    user = api_user()
    initiative = load_initiative(user, initiative_id, write=True)
    rows = read_records(read_body(IMPORT)["records"])
    try:
        created_count, updated = service.import_change_records(
            initiative=initiative, actor=user, rows=rows, source="api"
        )
    except ValidationFailed as exc:
        raise _paths(exc) from None
    return json_response({"created": created_count, "updated": updated}, 201)


@bp.get("/milestones/<id:milestone_id>/change-record")
@operation(
    summary="A milestone's change record (null when it has none)",
    tag=TAG,
    responses={200: {"oneOf": [CHANGE_RECORD, {"type": "null"}]}},
)
def get_change_record(milestone_id: int):
    milestone = _milestone(milestone_id)
    record = service.records_by_milestone(milestone.initiative_id).get(milestone.id)
    return json_response(record_json(record) if record else None)


@bp.put("/milestones/<id:milestone_id>/change-record")
@operation(
    summary="Link a milestone to its change record, or replace the link",
    tag=TAG,
    body=RECORD_FIELDS.schema(),
    responses={200: CHANGE_RECORD},
    errors=WRITE_ERRORS,
)
def put_change_record(milestone_id: int):
    user = api_user()
    milestone = _milestone(milestone_id, write=True)
    values = read_body(RECORD_FIELDS)
    record = service.set_change_record(
        milestone=milestone,
        actor=user,
        number=values["number"],
        change_type=values["type"],
        state=values["state"],
        url=values["url"],
    )
    return json_response(record_json(record))


@bp.delete("/milestones/<id:milestone_id>/change-record")
@operation(summary="Remove a milestone's change record", tag=TAG, responses={204: None}, errors=WRITE_ERRORS)
def delete_change_record(milestone_id: int):
    user = api_user()
    milestone = _milestone(milestone_id, write=True)
    if not service.delete_change_record(milestone=milestone, actor=user):
        abort(404, "This milestone has no change record.")
    return no_content()
