"""Declarations of ADKAR action plans, the resistance log and the action library."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import Field

from ...actions import services
from ...actions.models import ACTION_STATUSES, RESISTANCE_REASONS, RESISTANCE_STATUSES
from ...actions.seed import DESCRIPTION_MAX, TITLE_MAX
from ..fields import ELEMENT, Day, IdText, OneOf, OptionalId, Text, Whole
from .base import Answer, Body, Query, changes_of, list_of
from .common import Id, Moment, Url

Mean = Annotated[float, Field(ge=1, le=5)]
GROUP_ID = Field(description="A stakeholder group of the initiative.")

# --- answers ---------------------------------------------------------------------------------------------


class EffectBefore(Answer):
    wave: str
    closes_on: date
    mean: Mean


class EffectAfter(Answer):
    wave: str
    opens_on: date
    mean: Mean


class ActionEffect(Answer):
    """The group's mean for the action's element in the last visible wave closing on or before the start date
    and the first visible wave opening on or after it."""

    element: Annotated[str, ELEMENT]
    before: EffectBefore
    after: EffectAfter
    change: float
    direction: Annotated[
        str, OneOf(("up", "down", "flat")), Field(description="Judged on one-decimal means.")
    ]


class Action(Answer):
    """A step of a group's ADKAR action plan."""

    id: Id
    group_id: Id
    element: Annotated[str, ELEMENT]
    what: str
    owner: str
    starts_on: date
    due_on: date
    status: Annotated[str, OneOf(ACTION_STATUSES)]
    library_entry_id: Id | None
    effect: Annotated[
        ActionEffect | None,
        Field(description="The measured effect; null when a wave before or after is missing."),
    ]
    created_at: Moment
    updated_at: Moment
    url: Url


class ResistanceEntry(Answer):
    """Resistance seen in a group: what, why, by how many, and the response."""

    id: Id
    group_id: Id
    what: str
    reason: Annotated[str, OneOf(RESISTANCE_REASONS)]
    people: Annotated[int, Field(ge=1)]
    response: str
    status: Annotated[str, OneOf(RESISTANCE_STATUSES)]
    logged_on: date
    created_at: Moment
    updated_at: Moment
    url: Url


class LibraryEntry(Answer):
    """A suggested action for an ADKAR element, shared by every initiative."""

    id: Id
    element: Annotated[str, ELEMENT]
    title: str
    description: str
    url: Url


ActionList = list_of(Action)
ResistanceList = list_of(ResistanceEntry)
LibraryEntryList = list_of(LibraryEntry)

# --- bodies ----------------------------------------------------------------------------------------------


class ActionIn(Body):
    """A new step of a group's action plan."""

    group_id: Annotated[int, Whole(minimum=1), GROUP_ID]
    element: Annotated[str, ELEMENT, Field(description="The ADKAR element the action helps people reach.")]
    what: Annotated[
        str, Text(max_length=services.WHAT_MAX, multiline=True), Field(description="What will be done.")
    ]
    owner: Annotated[
        str, Text(max_length=services.OWNER_MAX), Field(description="Who is accountable (a name, free text).")
    ]
    starts_on: Annotated[date, Day()]
    due_on: Annotated[date, Day(), Field(description="Not before starts_on.")]
    status: Annotated[str, OneOf(ACTION_STATUSES)] = "planned"
    library_entry_id: Annotated[
        int | None, OptionalId(), Field(description="The library entry the action comes from, if any.")
    ] = None


class ResistanceIn(Body):
    """Resistance noticed in a group."""

    group_id: Annotated[int, Whole(minimum=1), GROUP_ID]
    what: Annotated[
        str, Text(max_length=services.WHAT_MAX, multiline=True), Field(description="What people resist.")
    ]
    reason: Annotated[
        str,
        OneOf(RESISTANCE_REASONS),
        Field(description="Why, in Prosci's common sources of resistance."),
    ]
    people: Annotated[
        int,
        Whole(minimum=1, maximum=10_000_000),
        Field(description="How many people; at most the group's headcount."),
    ]
    response: Annotated[str, Text(max_length=services.RESPONSE_MAX, blank=True, multiline=True)] = ""
    status: Annotated[str, OneOf(RESISTANCE_STATUSES)] = "open"
    logged_on: Annotated[date, Day(), Field(description="When it was noticed.")]


class LibraryEntryIn(Body):
    """A new suggested action for an element."""

    element: Annotated[str, ELEMENT]
    title: Annotated[
        str, Text(max_length=TITLE_MAX), Field(description="Unique within its element (ignoring case).")
    ]
    description: Annotated[str, Text(max_length=DESCRIPTION_MAX, blank=True, multiline=True)] = ""


class GroupFilter(Query):
    group_id: Annotated[int | None, IdText(), Field(description="Only this group of the initiative.")] = None


class ElementFilter(Query):
    element: Annotated[str | None, ELEMENT, Field(description="Only this ADKAR element.")] = None


ActionChanges = changes_of(ActionIn, "ActionChanges", leave_out=("group_id", "library_entry_id"))
ResistanceChanges = changes_of(ResistanceIn, "ResistanceChanges", leave_out=("group_id",))
LibraryEntryChanges = changes_of(LibraryEntryIn, "LibraryEntryChanges")
