"""Declarations of milestones' IT change records, their import, and the "change ahead of its people" risk."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from pydantic import Field, RootModel

from ...changes import services
from ...changes.models import CHANGE_STATES, CHANGE_TYPES
from ..fields import OneOf, Rows, Text, Whole
from .base import Answer, Body, list_of
from .common import Count, Id, Moment

# --- answers ---------------------------------------------------------------------------------------------


class ChangeRecord(Answer):
    """The IT change record that delivers a milestone."""

    milestone_id: Id
    number: str
    type: Annotated[str, OneOf(CHANGE_TYPES)]
    state: Annotated[str, OneOf(CHANGE_STATES)]
    url: Annotated[str, Field(description="An http(s) link, or empty.")]
    updated_at: Moment


class MaybeChangeRecord(RootModel[ChangeRecord | None]):
    """A milestone's change record, or null when it has none."""


class ChangeRisk(Answer):
    """A milestone's change record beside its readiness gate. `risk` is true when the change is scheduled or
    implementing while the gate is not ready (not_ready or no_data)."""

    milestone_id: Id
    milestone: str
    due: date
    gate_status: Annotated[str, OneOf(("ready", "not_ready", "no_data"))]
    overridden: Annotated[bool, Field(description="The gate was passed with a written justification.")]
    risk: bool
    change_record: ChangeRecord | None


class ChangeRecordImportResult(Answer):
    created: Count
    updated: Count


ChangeRiskList = list_of(ChangeRisk)

# --- bodies ----------------------------------------------------------------------------------------------


class ChangeRecordFields(Body):
    """A milestone's change record, as the ITSM tool knows it."""

    number: Annotated[
        str,
        Text(max_length=40, pattern=f"^{services.NUMBER.pattern}$"),
        Field(description="The change's number in the ITSM tool, e.g. CHG0031234."),
    ]
    type: Annotated[str, OneOf(CHANGE_TYPES)]
    state: Annotated[str, OneOf(CHANGE_STATES)]
    url: Annotated[
        str,
        Text(max_length=services.URL_MAX, blank=True, pattern=services.URL_SHAPE),
        Field(description="A link to the record (https:// or http://), or empty."),
    ] = ""


class ChangeRecordIn(ChangeRecordFields):
    """One row of an import: the change record of one milestone."""

    milestone_id: Annotated[int, Whole(minimum=1), Field(description="A milestone of the initiative.")]


class ChangeRecordImport(Body):
    """Change records for several milestones."""

    records: Annotated[
        list[Any],
        Rows(row=ChangeRecordIn, noun="change records", max_rows=services.MAX_ROWS),
        Field(description="Each replaces the milestone's record, if it has one; all or none."),
    ]
