"""API endpoints: milestones' IT change records, their import, the "change ahead of its people" risk, and the
deployment gate pipelines ask."""

from __future__ import annotations

from datetime import datetime

from flask import abort

from ..access import load_initiative
from ..changes import deployment_gate as gate_rules
from ..changes import services as service
from ..changes.models import ChangeRecord
from ..changes.services import ChangeRisk
from ..plan.models import Milestone
from ..readiness.figures import gates, initiative_report
from ..validation import ValidationFailed
from . import bp
from .auth import api_user
from .crud import WRITE_ERRORS, api_record, delete_operation, items
from .http import json_response, no_content
from .openapi import operation
from .payload import read_body, read_query
from .rows import problems_at_json_paths, row_shape_problems
from .schemas import change_records as schema
from .serialise import iso_date, iso_datetime

TAG = "change records"
RECORD_KEYS = tuple(schema.ChangeRecordIn.model_fields)


def risk_json(risk: ChangeRisk) -> dict:
    return {
        "milestone_id": risk.milestone_id,
        "milestone": risk.milestone_name,
        "due": iso_date(risk.due),
        "gate_status": risk.gate_status,
        "overridden": risk.overridden,
        "risk": risk.risk,
        "change_record": record_json(risk.record) if risk.record else None,
        "change_records": [record_json(r) for r in risk.records],
    }


def record_json(record: ChangeRecord) -> dict:
    return {
        "id": record.id,
        "milestone_id": record.milestone_id,
        "number": record.number,
        "type": record.change_type,
        "state": record.state,
        "url": record.url,
        **{name: getattr(record, name) for name in service.LIFECYCLE_CHOICES},
        **{name: _moment(getattr(record, name)) for name in service.LIFECYCLE_TIMES},
        "updated_at": iso_datetime(record.updated_at),
    }


def _moment(value: datetime | None) -> str | None:
    return None if value is None else iso_datetime(value)


def read_records(records: list) -> list[dict]:
    """Each item's shape (an object with known keys); the service checks the values."""
    rows, problems = [], []
    for index, item in enumerate(records):
        problems += row_shape_problems(item, index=index, path=f"records[{index}]", keys=RECORD_KEYS)
        if isinstance(item, dict):
            rows.append({"row": index, **{k: item.get(k) for k in RECORD_KEYS}})
    if problems:
        raise ValidationFailed(problems)
    return rows


@bp.get("/initiatives/<id:initiative_id>/change-records")
@operation(
    summary="Every milestone with its change record and whether the change outruns its people",
    tag=TAG,
    responses={200: schema.ChangeRiskList},
)
def list_change_records(initiative_id: int):
    initiative = load_initiative(api_user(), initiative_id)
    risks = service.change_risks(initiative, gates(initiative, initiative_report(initiative)))
    return items(risks, risk_json)


@bp.post("/initiatives/<id:initiative_id>/change-records")
@operation(
    summary="Import change records for several milestones (all or nothing)",
    tag=TAG,
    body=schema.ChangeRecordImport,
    responses={201: schema.ChangeRecordImportResult},
    errors=WRITE_ERRORS,
    description="Problems carry `row` (the index in `records`, from 0), `column` and `field` (its JSON path).",
)
def import_change_records(initiative_id: int):
    user = api_user()
    initiative = load_initiative(user, initiative_id, write=True)
    rows = read_records(read_body(schema.ChangeRecordImport)["records"])
    with problems_at_json_paths("records"):
        created_count, updated = service.import_change_records(
            initiative=initiative, actor=user, rows=rows, source="api"
        )
    return json_response({"created": created_count, "updated": updated}, 201)


@bp.get("/milestones/<id:milestone_id>/change-record")
@operation(
    summary="A milestone's most recent change record (null when it has none)",
    tag=TAG,
    responses={200: schema.MaybeChangeRecord},
)
def get_change_record(milestone_id: int):
    milestone = api_record(Milestone, milestone_id)
    record = service.records_by_milestone(milestone.initiative_id).get(milestone.id)
    return json_response(record_json(record) if record else None)


@bp.put("/milestones/<id:milestone_id>/change-record")
@operation(
    summary="Link a change record to a milestone, or replace the milestone's record with this number",
    tag=TAG,
    body=schema.ChangeRecordFields,
    responses={200: schema.ChangeRecord},
    errors=WRITE_ERRORS,
)
def put_change_record(milestone_id: int):
    user = api_user()
    milestone = api_record(Milestone, milestone_id, write=True)
    values = read_body(schema.ChangeRecordFields)
    record = service.set_change_record(
        milestone=milestone,
        actor=user,
        number=values["number"],
        change_type=values["type"],
        state=values["state"],
        url=values["url"],
        details={name: values[name] for name in service.LIFECYCLE_FIELDS},
    )
    return json_response(record_json(record))


@bp.delete("/milestones/<id:milestone_id>/change-record")
@delete_operation(summary="Remove every change record of a milestone", tag=TAG)
def delete_change_record(milestone_id: int):
    user = api_user()
    milestone = api_record(Milestone, milestone_id, write=True)
    if not service.delete_change_record(milestone=milestone, actor=user):
        abort(404, "This milestone has no change record.")
    return no_content()


@bp.get("/deployment-gate")
@operation(
    summary="May a pipeline deploy this change now? The rules per change type over its milestone's people gate",
    tag=TAG,
    query=schema.ChangeNumber,
    responses={200: schema.DeploymentGate},
    errors=(400, 404, 409),
    description=(
        "standard: passes, no people gate; normal: passes only when the milestone's people gate is ready or was "
        "passed by an override with a justification; emergency: passes, with a retrospective people review due "
        "within the initiative's days (default 5). 404 when no change with this number is visible to the "
        'token\'s user, 409 when several are. Pipelines deploy on `decision == "pass"` (docs/deployment-gate.md).'
    ),
)
def deployment_gate():
    number = read_query(schema.ChangeNumber).change
    found = gate_rules.find_changes(api_user(), number)
    if not found:
        abort(404, f"No change record {number} in the initiatives this token may read.")
    if len(found) > 1:
        abort(409, f"{len(found)} change records are numbered {number}; give each change its own number.")
    return json_response(gate_rules.deployment_gate(found[0]))
