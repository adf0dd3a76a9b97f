"""API endpoints: survey definitions, waves and personal links (thin: read, call a service, answer)."""

from __future__ import annotations

from flask import abort, url_for
from sqlalchemy import select

from ..access import load_initiative
from ..extensions import db
from ..jobs.models import Job
from ..surveys.definitions import registry
from ..surveys.definitions.survey import to_api_dict
from ..surveys.invitations import schedule as reminder_schedule
from ..surveys.invitations import sending
from ..surveys.invitations import services as invitations
from ..surveys.models import Wave
from ..surveys.waves import services as waves
from ..validation import ValidationFailed
from . import bp
from .auth import api_user
from .crud import WRITE_ERRORS, api_record, create_operation, items
from .http import created, json_response
from .jobs import job_json
from .openapi import operation
from .pages import PAGED, paged
from .payload import read_body, read_query
from .schemas import jobs as jobs_schema
from .schemas import surveys as schema
from .schemas.base import Page

TAG = "surveys"
LANG_NOTE = "Texts are in English unless `?lang=` names another language the survey has (e.g. fr, de, fr-CA)."


def _lang() -> str:
    return (read_query(schema.Language).lang or "en")[:20]


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
        "reminder_days": list(wave.reminder_days or []),
        "url": url_for("api.get_wave", wave_id=wave.id),
    }


# --- surveys ------------------------------------------------------------------------------------------


@bp.get("/surveys")
@operation(
    summary="The surveys this installation offers",
    tag=TAG,
    responses={200: schema.SurveyList},
    query=schema.Language,
    description=LANG_NOTE,
)
def list_surveys():
    lang = _lang()
    return items(registry.definitions().values(), lambda definition: to_api_dict(definition, lang))


@bp.get("/surveys/<key>")
@operation(
    summary="One survey with its items",
    tag=TAG,
    responses={200: schema.Survey},
    query=schema.Language,
    description=LANG_NOTE,
)
def get_survey(key: str):
    definition = registry.get(key)
    if definition is None:
        abort(404, f"There is no survey {key!r}.")
    return json_response(to_api_dict(definition, _lang()))


# --- waves ----------------------------------------------------------------------------------------------


@bp.get("/initiatives/<id:initiative_id>/waves")
@operation(
    summary="The initiative's survey waves, by opening date",
    tag=TAG,
    responses={200: schema.WaveList},
    query=Page,
    errors=(400,),
    description=PAGED,
)
def list_waves(initiative_id: int):
    initiative = load_initiative(api_user(), initiative_id)
    query = select(Wave).where(Wave.initiative_id == initiative.id)
    return paged(query, (Wave.opens_on, Wave.id), wave_json)


@bp.post("/initiatives/<id:initiative_id>/waves")
@create_operation(
    summary="Plan a survey wave",
    tag=TAG,
    body=schema.WaveIn,
    answer=schema.Wave,
    description="Groups and the milestone must belong to the initiative. Practitioners and admins of the "
    "initiative only; sponsors get 403.",
)
def create_wave(initiative_id: int):
    user = api_user()
    initiative = load_initiative(user, initiative_id, write=True)
    values = read_body(schema.WaveIn)
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
@operation(
    summary="One wave, with invitations and responses per group", tag=TAG, responses={200: schema.Wave}
)
def get_wave(wave_id: int):
    return json_response(wave_json(api_record(Wave, wave_id)))


@bp.put("/waves/<id:wave_id>/reminder-schedule")
@operation(
    summary="Set the days after opening on which non-responders are reminded by e-mail",
    tag=TAG,
    body=schema.ReminderScheduleIn,
    responses={200: schema.Wave},
    errors=WRITE_ERRORS,
    description="A background worker reminds, on each of these days, everyone e-mailed who has not answered "
    "(each with a new link). A day missed while no worker ran is caught up once.",
)
def set_reminder_schedule(wave_id: int):
    user = api_user()
    wave = api_record(Wave, wave_id, write=True)
    values = read_body(schema.ReminderScheduleIn)
    reminder_schedule.set_reminder_days(wave=wave, days=values["days"], actor=user)
    return json_response(wave_json(wave))


@bp.post("/waves/<id:wave_id>/invitations")
@operation(
    summary="Create single-use personal links for a group, or e-mail one to each recipient",
    tag=TAG,
    body=schema.InvitationsIn,
    responses={201: schema.PersonalLinks, 202: jobs_schema.Job},
    errors=WRITE_ERRORS,
    description="send=links: each link works once and counts as one invitation of the group; only a hash of "
    "each link is kept, so this answer is the one chance to read them. send=email: the e-mails go out from a "
    "background worker (202 with the job; GET /api/v1/jobs/{id} follows it); addresses already invited to "
    "the wave, or unsubscribed, are skipped. A closed wave refuses (400).",
)
def create_links(wave_id: int):
    user = api_user()
    wave = api_record(Wave, wave_id, write=True)
    values = read_body(schema.InvitationsIn)
    if values["send"] == "email":
        if values["recipients"] and values["roster"]:
            raise ValidationFailed.one("Give recipients or roster=true, not both.", "roster")
        if values["roster"]:
            people = sending.roster_of(values["group_id"])
            if not people:
                raise ValidationFailed.one("The group has no roster yet.", "roster")
        elif values["recipients"]:
            people = [sending.Recipient(r.email, r.name, r.language) for r in values["recipients"]]
        else:
            raise ValidationFailed.one("With send=email, give recipients or roster=true.", "recipients")
        queued = sending.queue_invitations(
            wave=wave,
            group_id=values["group_id"],
            recipients=people,
            actor=user,
            send_when=values["send_when"],
            language=values["language"],
        )
        if queued.job_id is None:
            raise ValidationFailed.one(
                "Every recipient was already invited to this wave or has unsubscribed.", "recipients"
            )
        return json_response(job_json(db.get_or_404(Job, queued.job_id)), 202)
    if values["count"] is None:
        raise ValidationFailed.one("With send=links, give count (how many links).", "count")
    tokens = invitations.issue_links(
        wave=wave, group_id=values["group_id"], count=values["count"], actor=user
    )
    return json_response({"links": [invitations.personal_url(t) for t in tokens]}, 201)
