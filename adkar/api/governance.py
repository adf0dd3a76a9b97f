"""API endpoints: an initiative's stage and its checklist, entering the next stage, and sign-offs."""

from __future__ import annotations

from flask import abort

from ..access import load_initiative
from ..errors import error_response
from ..governance import services as service
from ..governance import settings as criteria_settings
from ..governance.models import SignOff
from ..plan.models import Initiative
from . import bp
from .auth import api_user
from .crud import WRITE_ERRORS, api_record
from .http import json_response
from .openapi import operation
from .payload import read_body
from .schemas import governance as schema
from .serialise import iso_datetime

TAG = "governance"


def sign_off_json(sign_off: SignOff) -> dict:
    return {
        "id": sign_off.id,
        "stage": sign_off.stage,
        "role": sign_off.role,
        "approver_id": sign_off.approver_id,
        "approver": sign_off.approver.display_name,
        "decision": sign_off.decision,
        "comment": sign_off.comment,
        "decided_at": iso_datetime(sign_off.decided_at) if sign_off.decided_at else None,
    }


def governance_json(initiative: Initiative) -> dict:
    checklist = service.checklist(initiative)
    return {
        "stage": checklist.stage,
        "next_stage": checklist.next_stage,
        "ready": checklist.ready,
        "criteria": [
            {"label": c.label, "met": c.met, "found": c.found, "customised": c.customised}
            for c in checklist.criteria
        ],
        "history": [
            {
                "stage": e.stage,
                "entered_at": iso_datetime(e.entered_at),
                "by": e.user.display_name if e.user else None,
                "note": e.note,
            }
            for e in service.history(initiative.id)
        ],
        "sign_offs": [sign_off_json(s) for s in service.sign_offs(initiative.id)],
    }


@bp.get("/initiatives/<id:initiative_id>/stage")
@operation(
    summary="The initiative's stage, the next stage's entry criteria, the stage history and the sign-offs",
    tag=TAG,
    responses={200: schema.Governance},
)
def get_stage(initiative_id: int):
    return json_response(governance_json(load_initiative(api_user(), initiative_id)))


@bp.post("/initiatives/<id:initiative_id>/stage")
@operation(
    summary="Enter the next stage (409 with every unmet criterion, nothing stored)",
    tag=TAG,
    body=schema.StageMove,
    responses={200: schema.Governance},
    errors=WRITE_ERRORS,
    description="A 409 lists every unmet criterion in `problems`; nothing is stored.",
)
def move_stage(initiative_id: int):
    user = api_user()
    initiative = load_initiative(user, initiative_id, write=True)
    values = read_body(schema.StageMove)
    try:
        service.advance(initiative=initiative, to=values["to"], actor=user, note=values["note"])
    except service.StageRefused as exc:
        count = len(exc.problems)
        message = f"The initiative cannot enter {values['to']} yet: {count} criterion{'s' if count != 1 else ''} unmet."
        return error_response(409, message, problems=[p.as_dict() for p in exc.problems])
    return json_response(governance_json(initiative))


@bp.post("/initiatives/<id:initiative_id>/sign-offs")
@operation(
    summary="Name who signs off the initiative entering a stage",
    tag=TAG,
    body=schema.SignOffIn,
    responses={201: schema.SignOff},
    errors=WRITE_ERRORS,
)
def name_sign_off(initiative_id: int):
    user = api_user()
    initiative = load_initiative(user, initiative_id, write=True)
    values = read_body(schema.SignOffIn)
    sign_off = service.name_sign_off(initiative=initiative, actor=user, **values)
    return json_response(sign_off_json(sign_off), 201)


@bp.post("/sign-offs/<id:sign_off_id>/decision")
@operation(
    summary="Approve or reject a sign-off (only the named approver; 403 for anyone else)",
    tag=TAG,
    body=schema.DecisionIn,
    responses={200: schema.SignOff},
    errors=WRITE_ERRORS,
)
def decide_sign_off(sign_off_id: int):
    user = api_user()
    sign_off = api_record(SignOff, sign_off_id)
    if sign_off.approver_id != user.id:
        abort(403)
    values = read_body(schema.DecisionIn)
    service.decide(sign_off=sign_off, actor=user, **values)
    return json_response(sign_off_json(sign_off))


@bp.post("/initiatives/<id:initiative_id>/criteria")
@operation(
    summary="Switch a default entry criterion off (with a justification) or on again for this initiative",
    tag=TAG,
    body=schema.CriterionSwitch,
    responses={200: schema.Governance},
    errors=WRITE_ERRORS,
)
def switch_criterion(initiative_id: int):
    user = api_user()
    initiative = load_initiative(user, initiative_id, write=True)
    criteria_settings.switch(initiative=initiative, actor=user, **read_body(schema.CriterionSwitch))
    return json_response(governance_json(initiative))


@bp.put("/initiatives/<id:initiative_id>/criteria/roles")
@operation(
    summary="Set the sign-off roles a stage requires for this initiative (null restores the default)",
    tag=TAG,
    body=schema.RolesIn,
    responses={200: schema.Governance},
    errors=WRITE_ERRORS,
)
def set_required_roles(initiative_id: int):
    user = api_user()
    initiative = load_initiative(user, initiative_id, write=True)
    criteria_settings.set_roles(initiative=initiative, actor=user, **read_body(schema.RolesIn))
    return json_response(governance_json(initiative))
