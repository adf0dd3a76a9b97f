"""Declarations of a stakeholder group's roster: its participants, and replacing them all at once."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field

from ...plan.roster.models import DEFAULT_LANGUAGE, EMAIL_MAX, LANGUAGES, NAME_MAX
from ...plan.roster.services import ATTRIBUTE_KEY_MAX, ATTRIBUTE_VALUE_MAX, MAX_ATTRIBUTES, MAX_PARTICIPANTS
from ..fields import OneOf, Rows, Text, TextMap
from .base import Answer, Body, list_of
from .common import Count, Id, Moment

LANGUAGE = OneOf(LANGUAGES)
ATTRIBUTES = TextMap(max_items=MAX_ATTRIBUTES, key_max=ATTRIBUTE_KEY_MAX, value_max=ATTRIBUTE_VALUE_MAX)

# --- answers ---------------------------------------------------------------------------------------------


class Participant(Answer):
    """A person on a group's roster, whom the group's invitations go to."""

    id: Id
    email: Annotated[str, Field(description="Lower-case; unique within the group.")]
    name: str
    language: Annotated[str, LANGUAGE]
    attributes: Annotated[
        dict[str, str], Field(description="The roster's other columns for this person (department, ...).")
    ]
    created_at: Moment
    updated_at: Moment


ParticipantList = list_of(Participant)


class RosterChange(Answer):
    """What replacing the roster did."""

    participants: Annotated[Count, Field(description="People on the roster now.")]
    added: Count
    updated: Annotated[Count, Field(description="People kept whose name, language or attributes changed.")]
    removed: Count
    headcount: Annotated[
        int, Field(ge=1, description="The group's headcount now (the roster's size when it follows it).")
    ]


# --- bodies ----------------------------------------------------------------------------------------------


class ParticipantIn(Body):
    """One person of the roster."""

    email: Annotated[
        str,
        Text(max_length=EMAIL_MAX),
        Field(description="An e-mail address (internationalised ones too); stored lower-case."),
    ]
    name: Annotated[str, Text(max_length=NAME_MAX, blank=True)] = ""
    language: Annotated[str, LANGUAGE, Field(description="The language of their invitation and survey.")] = (
        DEFAULT_LANGUAGE
    )
    attributes: Annotated[
        dict[str, str],
        ATTRIBUTES,
        Field(description="Other facts about them; names are lower-cased, empty values left out."),
    ] = Field(default={})


PARTICIPANT_SHAPE = '{"email", "name"?, "language"?, "attributes"?}'


class RosterIn(Body):
    """The whole roster of a group: whoever is not listed leaves it."""

    participants: Annotated[
        list[Any],
        Rows(
            row=ParticipantIn,
            noun="participants",
            max_rows=MAX_PARTICIPANTS,
            shape=PARTICIPANT_SHAPE,
            min_rows=0,
        ),
        Field(description="Each address once; all are stored or none. An empty list empties the roster."),
    ]
