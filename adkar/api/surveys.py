"""API endpoints: survey definitions, waves and personal links (thin: read, call a service, answer)."""

from __future__ import annotations

from flask import abort, request, url_for

from ..access import load_initiative
from ..surveys.definitions import registry
from ..surveys.definitions.survey import to_api_dict
from ..surveys.invitations import services as invitations
from ..surveys.models import Wave
from ..surveys.waves import services as waves
from . import bp
from .auth import api_user
from .crud import WRITE_ERRORS, api_record, create_operation, items
from .http import created, json_response
from .openapi import component, list_of, operation
from .payload import MAX_ID, Date, Fields, IdList, Integer, OptionalId, String, read_body
from .serialise import DATE, ID

TAG = "surveys"
SHARE_OR_NULL = {"type": ["number", "null"], "minimum": 0}
LANG_NOTE = "Texts are in English unless `?lang=` names another language the survey has (e.g. fr, de, fr-CA)."


WAVE_FIELDS = Fields(
    name=String(max_length=waves.MAX_NAME),
    survey=String(max_length=80, description="A survey key from GET /api/v1/surveys."),
    opens_on=Date(description="The first day people can answer."),
    closes_on=Date(description="The last day people can answer (included); not before opens_on."),
    group_ids=IdList(description="At least one stakeholder group of the initiative."),
    milestone_id=OptionalId(default=None, description="The milestone of the initiative this wave informs."),
    purpose=String(max_length=waves.MAX_PURPOSE, blank=True, multiline=True, default=""),
)
LINKS_FIELDS = Fields(
    group_id=Integer(minimum=1, description="One of the wave's groups."),
    count=Integer(minimum=1, maximum=invitations.MAX_BATCH, description="How many single-use links."),
)

SURVEY = component(
    "Survey",
    {
        "type": "object",
        "description": "A survey definition, with its items in order.",
        "properties": {
            "key": {"type": "string"},
            "title": {"type": "string"},
            "items": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "id": {"type": "string"},
                        "type": {"type": "string"},
                        "element": {"type": ["string", "null"]},
                        "required": {"type": "boolean"},
                        "text": {"type": "string"},
                    },
                    "required": ["id", "type", "element", "required", "text"],
                    "additionalProperties": False,
                },
            },
        },
        "required": ["key", "title", "items"],
        "additionalProperties": False,
    },
)
WAVE_GROUP = component(
    "WaveGroup",
    {
        "type": "object",
        "description": "A group in a wave: invitations issued, responses received, their ratio (null when "
        "nobody was invited). An open link counts the group's headcount as invited; imports count as "
        "responses only. Responded is published plus held: answers are held, sealed, until k of one kind "
        "(personal, open link, import) can be published together, so scores never move by one person.",
        "properties": {
            "group_id": ID,
            "name": {"type": "string"},
            "invited": {"type": "integer", "minimum": 0},
            "responded": {"type": "integer", "minimum": 0},
            "published": {"type": "integer", "minimum": 0},
            "held": {"type": "integer", "minimum": 0},
            "response_rate": SHARE_OR_NULL,
        },
        "required": ["group_id", "name", "invited", "responded", "published", "held", "response_rate"],
        "additionalProperties": False,
    },
)
WAVE = component(
    "Wave",
    {
        "type": "object",
        "description": "A survey wave: one survey sent to some groups between two dates.",
        "properties": {
            "id": ID,
            "initiative_id": ID,
            "name": {"type": "string"},
            "survey": {"type": "string"},
            "purpose": {"type": "string"},
            "opens_on": DATE,
            "closes_on": DATE,
            "group_ids": {"type": "array", "items": ID},
            "milestone_id": {"type": ["integer", "null"], "minimum": 1, "maximum": MAX_ID},
            "status": {"enum": ["scheduled", "open", "closed"]},
            "groups": {"type": "array", "items": WAVE_GROUP},
            "url": {"type": "string", "description": "A path on this server"},
        },
        "required": [
            "id",
            "initiative_id",
            "name",
            "survey",
            "purpose",
            "opens_on",
            "closes_on",
            "group_ids",
            "milestone_id",
            "status",
            "groups",
            "url",
        ],
        "additionalProperties": False,
    },
)
LINKS = component(
    "PersonalLinks",
    {
        "type": "object",
        "description": "New single-use survey links, absolute URLs. They are not stored: keep them now.",
        "properties": {"links": {"type": "array", "items": {"type": "string", "format": "uri"}}},
        "required": ["links"],
        "additionalProperties": False,
    },
)


def _lang() -> str:
    return (request.args.get("lang") or "en")[:20]


def wave_json(wave: Wave) -> dict:
    return {
        "id": wave.id,
        "initiative_id": wave.initiative_id,
        "name": wave.name,
        "survey": wave.survey_key,
        "purpose": wave.purpose,
        "opens_on": wave.opens_on.isoformat(),
        "closes_on": wave.closes_on.isoformat(),
        "group_ids": [wg.group_id for wg in wave.wave_groups],
        "milestone_id": wave.milestone_id,
        "status": waves.wave_status(wave),
        "groups": [g.as_dict() for g in waves.wave_progress(wave)],
        "url": url_for("api.get_wave", wave_id=wave.id),
    }


# --- surveys ------------------------------------------------------------------------------------------


@bp.get("/surveys")
@operation(
    summary="The surveys this installation offers",
    tag=TAG,
    responses={200: list_of(SURVEY)},
    description=LANG_NOTE,
)
def list_surveys():
    lang = _lang()
    return items(registry.definitions().values(), lambda definition: to_api_dict(definition, lang))


@bp.get("/surveys/<key>")
@operation(summary="One survey with its items", tag=TAG, responses={200: SURVEY}, description=LANG_NOTE)
def get_survey(key: str):
    definition = registry.get(key)
    if definition is None:
        abort(404, f"There is no survey {key!r}.")
    return json_response(to_api_dict(definition, _lang()))


# --- waves ----------------------------------------------------------------------------------------------


@bp.get("/initiatives/<id:initiative_id>/waves")
@operation(summary="The initiative's survey waves, by opening date", tag=TAG, responses={200: list_of(WAVE)})
def list_waves(initiative_id: int):
    return items(waves.initiative_waves(load_initiative(api_user(), initiative_id)), wave_json)


@bp.post("/initiatives/<id:initiative_id>/waves")
@create_operation(
    summary="Plan a survey wave",
    tag=TAG,
    fields=WAVE_FIELDS,
    schema=WAVE,
    description="Groups and the milestone must belong to the initiative. Practitioners and admins of the "
    "initiative only; sponsors get 403.",
)
def create_wave(initiative_id: int):
    user = api_user()
    initiative = load_initiative(user, initiative_id, write=True)
    values = read_body(WAVE_FIELDS)
    wave = waves.create_wave(
        initiative=initiative,
        actor=user,
        name=values["name"],
        survey_key=values["survey"],
        opens_on=values["opens_on"],
        closes_on=values["closes_on"],
        group_ids=values["group_ids"],
        milestone_id=values["milestone_id"],
        purpose=values["purpose"],
    )
    return created(wave_json(wave))


@bp.get("/waves/<id:wave_id>")
@operation(summary="One wave, with invitations and responses per group", tag=TAG, responses={200: WAVE})
def get_wave(wave_id: int):
    return json_response(wave_json(api_record(Wave, wave_id)))


@bp.post("/waves/<id:wave_id>/invitations")
@operation(
    summary="Create single-use personal links for a group",
    tag=TAG,
    body=LINKS_FIELDS.schema(),
    responses={201: LINKS},
    errors=WRITE_ERRORS,
    description="Each link works once and counts as one invitation of the group. Only a hash of each link is "
    "kept, so this answer is the one chance to read them. A closed wave refuses (400).",
)
def create_links(wave_id: int):
    user = api_user()
    wave = api_record(Wave, wave_id, write=True)
    values = read_body(LINKS_FIELDS)
    tokens = invitations.issue_links(
        wave=wave, group_id=values["group_id"], count=values["count"], actor=user
    )
    return json_response({"links": [invitations.personal_url(t) for t in tokens]}, 201)
