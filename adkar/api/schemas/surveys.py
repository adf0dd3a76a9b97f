"""Declarations of survey definitions, waves and personal links."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import Field

from ...surveys.invitations import sending
from ...surveys.invitations import services as invitations
from ...surveys.waves import services as waves
from ..fields import Day, Ids, OneOf, OptionalId, Text, Whole
from .base import Answer, Body, Query, list_of, page_of
from .common import Count, Id, Url

# --- answers ---------------------------------------------------------------------------------------------


class SurveyItem(Answer):
    id: str
    type: str
    element: str | None
    required: bool
    text: str


class Survey(Answer):
    """A survey definition, with its items in order."""

    key: str
    title: str
    items: list[SurveyItem]


class WaveGroup(Answer):
    """A group in a wave: invitations issued, responses received, their ratio (null when nobody was invited).
    An open link counts the group's headcount as invited; imports count as responses only. Responded is
    published plus held: answers are held, sealed, until k of one kind (personal, open link, import) can be
    published together, so scores never move by one person."""

    group_id: Id
    name: str
    invited: Count
    responded: Count
    published: Count
    held: Count
    response_rate: Annotated[float, Field(ge=0)] | None


class Wave(Answer):
    """A survey wave: one survey sent to some groups between two dates."""

    id: Id
    initiative_id: Id
    name: str
    survey: str
    purpose: str
    opens_on: date
    closes_on: date
    group_ids: list[Id]
    milestone_id: Id | None
    status: Annotated[str, OneOf(("scheduled", "open", "closed"))]
    groups: list[WaveGroup]
    reminder_days: list[int] = Field(
        description="Days after opening on which e-mailed non-responders are reminded automatically."
    )
    url: Url


class PersonalLinks(Answer):
    """New single-use survey links, absolute URLs. They are not stored: keep them now."""

    links: list[Annotated[str, Field(json_schema_extra={"format": "uri"})]]


SurveyList = list_of(Survey)
WaveList = page_of(Wave)


class Language(Query):
    lang: Annotated[
        str, Field(description="A language the survey has (e.g. fr, de, fr-CA); English when it has not.")
    ] = "en"


# --- bodies ----------------------------------------------------------------------------------------------


class WaveIn(Body):
    """A new survey wave of the initiative."""

    name: Annotated[str, Text(max_length=waves.MAX_NAME)]
    survey: Annotated[str, Text(max_length=80), Field(description="A survey key from GET /api/v1/surveys.")]
    opens_on: Annotated[date, Day(), Field(description="The first day people can answer.")]
    closes_on: Annotated[
        date, Day(), Field(description="The last day people can answer (included); not before opens_on.")
    ]
    group_ids: Annotated[
        list[int], Ids(), Field(description="At least one stakeholder group of the initiative.")
    ]
    milestone_id: Annotated[
        int | None, OptionalId(), Field(description="The milestone of the initiative this wave informs.")
    ] = None
    purpose: Annotated[str, Text(max_length=waves.MAX_PURPOSE, blank=True, multiline=True)] = ""


class ReminderScheduleIn(Body):
    """The days after opening (1 to the wave's length, at most five) on which non-responders are reminded;
    an empty list stops automatic reminders."""

    days: Annotated[list[int], Field(max_length=10)]


class RecipientIn(Body):
    """One person to e-mail: the address, optionally the name (in the To header and the greeting) and the
    language of the e-mail (a survey language; English otherwise)."""

    email: Annotated[str, Text(max_length=254)]
    name: Annotated[str, Text(max_length=200, blank=True)] = ""
    language: Annotated[str, Text(max_length=12, blank=True)] = ""


class InvitationsIn(Body):
    """Personal links for a group: `send: "links"` answers 201 with `count` new links; `send: "email"`
    queues an e-mail with its own link to each of `recipients` and answers 202 with the job."""

    group_id: Annotated[int, Whole(minimum=1), Field(description="One of the wave's groups.")]
    send: Annotated[str, OneOf(("links", "email"))] = "links"
    count: Annotated[
        int | None,
        Field(
            default=None,
            ge=1,
            le=invitations.MAX_BATCH,
            description="With send=links: how many single-use links.",
        ),
    ] = None
    recipients: Annotated[
        list[RecipientIn] | None,
        Field(max_length=sending.MAX_EMAIL_BATCH, description="With send=email: who to e-mail."),
    ] = None
    roster: Annotated[
        bool,
        Field(
            description="With send=email and no recipients: e-mail the group's roster (GET /groups/{id}/participants)."
        ),
    ] = False
    send_when: Annotated[
        str,
        OneOf(("now", "open")),
        Field(description="With send=email: now, or on the opening day of a wave that has not opened."),
    ] = "now"
    language: Annotated[
        str,
        Text(max_length=12, blank=True),
        Field(
            description="With send=email: the language of recipients who name none, one of the wave's "
            "survey's languages (GET /surveys/{key}); en when not given."
        ),
    ] = ""
