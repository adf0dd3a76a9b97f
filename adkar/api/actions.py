"""API endpoints: ADKAR action plans, the resistance log and the action library (thin: read, call, answer)."""

from __future__ import annotations

from typing import Any

from flask import url_for

from ..access import GROUP_INITIATIVE, load_initiative
from ..actions import library, services
from ..actions.effects import Effect, action_effect
from ..actions.models import Action, LibraryEntry, ResistanceEntry
from ..extensions import db
from ..plan.models import Initiative, StakeholderGroup
from ..readiness.figures import InitiativeReadiness, initiative_report
from ..validation import ValidationFailed
from . import bp
from .auth import api_user, require_writer
from .crud import api_record, create_operation, delete_operation, items, update_operation
from .http import created, json_response, no_content
from .openapi import operation
from .payload import read_body, read_changes, read_query
from .schemas import actions as schema
from .schemas.base import Body
from .serialise import iso_date, iso_datetime

TAG = "actions"


def effect_json(effect: Effect | None) -> dict | None:
    if effect is None:
        return None
    return {
        "element": effect.element,
        "before": {
            "wave": effect.before_wave,
            "closes_on": iso_date(effect.before_closes_on),
            "mean": effect.before_mean,
        },
        "after": {
            "wave": effect.after_wave,
            "opens_on": iso_date(effect.after_opens_on),
            "mean": effect.after_mean,
        },
        "change": effect.change,
        "direction": effect.direction,
    }


def action_json(action: Action, report: InitiativeReadiness) -> dict[str, Any]:
    effect = action_effect(
        report.trend,
        report.waves,
        group_id=action.group_id,
        element=action.element,
        starts_on=action.starts_on,
    )
    return {
        "id": action.id,
        "group_id": action.group_id,
        "element": action.element,
        "what": action.what,
        "owner": action.owner,
        "starts_on": iso_date(action.starts_on),
        "due_on": iso_date(action.due_on),
        "status": action.status,
        "library_entry_id": action.library_entry_id,
        "effect": effect_json(effect),
        "created_at": iso_datetime(action.created_at),
        "updated_at": iso_datetime(action.updated_at),
        "url": url_for("api.get_action", action_id=action.id),
    }


def resistance_json(entry: ResistanceEntry) -> dict[str, Any]:
    return {
        "id": entry.id,
        "group_id": entry.group_id,
        "what": entry.what,
        "reason": entry.reason,
        "people": entry.people,
        "response": entry.response,
        "status": entry.status,
        "logged_on": iso_date(entry.logged_on),
        "created_at": iso_datetime(entry.created_at),
        "updated_at": iso_datetime(entry.updated_at),
        "url": url_for("api.get_resistance", resistance_id=entry.id),
    }


def library_json(entry: LibraryEntry) -> dict[str, Any]:
    return {
        "id": entry.id,
        "element": entry.element,
        "title": entry.title,
        "description": entry.description,
        "url": url_for("api.get_library_entry", entry_id=entry.id),
    }


def _group_filter(initiative: Initiative) -> int | None:
    """?group_id= narrows a list to one group of the initiative (400 for anything else)."""
    group_id = read_query(schema.GroupFilter).group_id
    if group_id is not None and group_id not in {g.id for g in initiative.groups}:
        raise ValidationFailed.one("group_id must be the id of one of the initiative's groups.", "group_id")
    return group_id


def _group_body(initiative_id: int, body: type[Body]) -> tuple[Initiative, StakeholderGroup, dict]:
    """For a new record of a group: the writable initiative, the body's group of it (a group_id problem
    otherwise) and the body's other values."""
    initiative = load_initiative(api_user(), initiative_id, write=True)
    values = read_body(body)
    return initiative, services.initiative_group(initiative, values.pop("group_id")), values


# --- actions -------------------------------------------------------------------------------------------------


def _action(action_id: int, *, write: bool = False) -> Action:
    return api_record(Action, action_id, write=write, initiative_of=GROUP_INITIATIVE)


@bp.get("/initiatives/<id:initiative_id>/actions")
@operation(
    summary="The action plans of an initiative, by group and start date",
    tag=TAG,
    responses={200: schema.ActionList},
    query=schema.GroupFilter,
    errors=(400,),
    description="`?group_id=` narrows the list to one group. Each action carries its measured effect.",
)
def list_actions(initiative_id: int):
    initiative = load_initiative(api_user(), initiative_id)
    group_id = _group_filter(initiative)
    report = initiative_report(initiative)
    actions = services.initiative_actions(initiative.id, group_id=group_id)
    return items(actions, lambda action: action_json(action, report))


@bp.post("/initiatives/<id:initiative_id>/actions")
@create_operation(
    summary="Add an action to a group's plan", tag=TAG, body=schema.ActionIn, answer=schema.Action
)
def create_action(initiative_id: int):
    initiative, group, values = _group_body(initiative_id, schema.ActionIn)
    action = services.create_action(group=group, actor=api_user(), **values)
    return created(action_json(action, initiative_report(initiative)))


@bp.get("/actions/<id:action_id>")
@operation(summary="One action", tag=TAG, responses={200: schema.Action})
def get_action(action_id: int):
    action = _action(action_id)
    return json_response(action_json(action, initiative_report(action.group.initiative)))


@bp.patch("/actions/<id:action_id>")
@update_operation(
    summary="Change some fields of an action (its status, say)",
    tag=TAG,
    body=schema.ActionChanges,
    answer=schema.Action,
)
def update_action(action_id: int):
    action = _action(action_id, write=True)
    services.update_action(action=action, actor=api_user(), **read_changes(schema.ActionChanges, action))
    return json_response(action_json(action, initiative_report(action.group.initiative)))


@bp.delete("/actions/<id:action_id>")
@delete_operation(summary="Delete an action", tag=TAG)
def delete_action(action_id: int):
    services.delete_action(action=_action(action_id, write=True), actor=api_user())
    return no_content()


# --- resistance log ------------------------------------------------------------------------------------------


def _resistance(resistance_id: int, *, write: bool = False) -> ResistanceEntry:
    return api_record(ResistanceEntry, resistance_id, write=write, initiative_of=GROUP_INITIATIVE)


@bp.get("/initiatives/<id:initiative_id>/resistance")
@operation(
    summary="The resistance log of an initiative, by group, newest first",
    tag=TAG,
    responses={200: schema.ResistanceList},
    query=schema.GroupFilter,
    errors=(400,),
    description="`?group_id=` narrows the list to one group.",
)
def list_resistance(initiative_id: int):
    initiative = load_initiative(api_user(), initiative_id)
    group_id = _group_filter(initiative)
    return items(services.initiative_resistance(initiative.id, group_id=group_id), resistance_json)


@bp.post("/initiatives/<id:initiative_id>/resistance")
@create_operation(
    summary="Log resistance in a group", tag=TAG, body=schema.ResistanceIn, answer=schema.ResistanceEntry
)
def create_resistance(initiative_id: int):
    _, group, values = _group_body(initiative_id, schema.ResistanceIn)
    return created(resistance_json(services.create_resistance(group=group, actor=api_user(), **values)))


@bp.get("/resistance/<id:resistance_id>")
@operation(summary="One resistance entry", tag=TAG, responses={200: schema.ResistanceEntry})
def get_resistance(resistance_id: int):
    return json_response(resistance_json(_resistance(resistance_id)))


@bp.patch("/resistance/<id:resistance_id>")
@update_operation(
    summary="Change some fields of a resistance entry (its status or response, say)",
    tag=TAG,
    body=schema.ResistanceChanges,
    answer=schema.ResistanceEntry,
)
def update_resistance(resistance_id: int):
    entry = _resistance(resistance_id, write=True)
    services.update_resistance(entry=entry, actor=api_user(), **read_changes(schema.ResistanceChanges, entry))
    return json_response(resistance_json(entry))


@bp.delete("/resistance/<id:resistance_id>")
@delete_operation(summary="Delete a resistance entry", tag=TAG)
def delete_resistance(resistance_id: int):
    services.delete_resistance(entry=_resistance(resistance_id, write=True), actor=api_user())
    return no_content()


# --- the action library --------------------------------------------------------------------------------------


@bp.get("/action-library")
@operation(
    summary="The action library, in ADKAR order",
    tag=TAG,
    responses={200: schema.LibraryEntryList},
    query=schema.ElementFilter,
    errors=(400,),
    description="`?element=` narrows the list to one ADKAR element.",
)
def list_library():
    return items(library.entries(read_query(schema.ElementFilter).element), library_json)


@bp.post("/action-library")
@create_operation(
    summary="Add an action to the library (practitioners and admins)",
    tag=TAG,
    body=schema.LibraryEntryIn,
    answer=schema.LibraryEntry,
)
def create_library_entry():
    user = require_writer()
    return created(library_json(library.create_entry(actor=user, **read_body(schema.LibraryEntryIn))))


@bp.get("/action-library/<id:entry_id>")
@operation(summary="One library entry", tag=TAG, responses={200: schema.LibraryEntry})
def get_library_entry(entry_id: int):
    return json_response(library_json(db.get_or_404(LibraryEntry, entry_id)))


@bp.patch("/action-library/<id:entry_id>")
@update_operation(
    summary="Change some fields of a library entry (practitioners and admins)",
    tag=TAG,
    body=schema.LibraryEntryChanges,
    answer=schema.LibraryEntry,
)
def update_library_entry(entry_id: int):
    user = require_writer()
    entry = db.get_or_404(LibraryEntry, entry_id)
    library.update_entry(entry=entry, actor=user, **read_changes(schema.LibraryEntryChanges, entry))
    return json_response(library_json(entry))


@bp.delete("/action-library/<id:entry_id>")
@delete_operation(summary="Remove a library entry (actions planned from it keep their text)", tag=TAG)
def delete_library_entry(entry_id: int):
    user = require_writer()
    library.delete_entry(entry=db.get_or_404(LibraryEntry, entry_id), actor=user)
    return no_content()
