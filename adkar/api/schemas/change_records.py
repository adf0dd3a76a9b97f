"""Declarations of milestones' IT change records, their import, the "change ahead of its people" risk, and the
deployment gate pipelines ask."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from pydantic import Field, RootModel

from ...changes import services
from ...changes.models import (
    CAB_LABELS,
    CHANGE_STATES,
    CHANGE_TYPES,
    IMPACT_LABELS,
    RESULT_LABELS,
    RISK_LABELS,
)
from ..fields import ELEMENT, OneOf, OptionalMoment, Rows, Text, Whole
from .base import Answer, Body, Query, list_of
from .common import Count, Id, Moment
from .readiness import GateOverride, GateStatus, Share

# --- answers ---------------------------------------------------------------------------------------------


Impact = Annotated[str, OneOf(tuple(IMPACT_LABELS)), Field(description="Empty: not assessed yet.")]
Risk = Annotated[str, OneOf(tuple(RISK_LABELS)), Field(description="Empty: not assessed yet.")]
Cab = Annotated[str, OneOf(tuple(CAB_LABELS)), Field(description="The CAB's decision; empty: pending.")]
Result = Annotated[str, OneOf(tuple(RESULT_LABELS)), Field(description="Empty: not implemented yet.")]
MaybeMoment = Annotated[datetime | None, OptionalMoment()]


class ChangeRecord(Answer):
    """An IT change record that delivers a milestone (a milestone may have several), with its lifecycle."""

    id: Id
    milestone_id: Id
    number: str
    type: Annotated[str, OneOf(CHANGE_TYPES)]
    state: Annotated[str, OneOf(CHANGE_STATES)]
    url: Annotated[str, Field(description="An http(s) link, or empty.")]
    description: str
    reason: str
    affected_services: str
    impact: Impact
    risk: Risk
    requested_at: MaybeMoment
    planned_start: MaybeMoment
    planned_end: MaybeMoment
    cab_decision: Cab
    result: Result
    implemented_at: MaybeMoment
    review_notes: str
    updated_at: Moment


class MaybeChangeRecord(RootModel[ChangeRecord | None]):
    """A milestone's change record, or null when it has none."""


class ChangeRisk(Answer):
    """A milestone's change records beside its readiness gate. `risk` is true when one of them is scheduled or
    implementing while the gate is not ready (not_ready or no_data)."""

    milestone_id: Id
    milestone: str
    due: date
    gate_status: Annotated[str, OneOf(("ready", "not_ready", "no_data"))]
    overridden: Annotated[bool, Field(description="The gate was passed with a written justification.")]
    risk: bool
    change_record: Annotated[
        ChangeRecord | None,
        Field(description="The record that decides `risk`: the first committed one, else the latest."),
    ]
    change_records: Annotated[
        list[ChangeRecord], Field(description="Every change record of the milestone, oldest first.")
    ]


class ChangeRecordImportResult(Answer):
    created: Count
    updated: Count


ChangeRiskList = list_of(ChangeRisk)

# --- bodies ----------------------------------------------------------------------------------------------


class ChangeRecordBasics(Body):
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


def _long_text(description: str, limit: int = services.TEXT_MAX) -> Any:
    return Annotated[str, Text(max_length=limit, blank=True, multiline=True), Field(description=description)]


class ChangeRecordFields(ChangeRecordBasics):
    """A milestone's change record with its lifecycle; a field left out is stored empty (null for times)."""

    description: _long_text("The request: what changes.") = ""  # type: ignore[valid-type]
    reason: _long_text("Why.") = ""  # type: ignore[valid-type]
    affected_services: _long_text("Systems and services affected.", services.SERVICES_MAX) = ""  # type: ignore[valid-type]
    impact: Impact = ""
    risk: Risk = ""
    requested_at: Annotated[MaybeMoment, Field(description="When it was requested (lead time starts).")] = (
        None
    )
    planned_start: Annotated[MaybeMoment, Field(description="The planned window's start.")] = None
    planned_end: Annotated[
        MaybeMoment, Field(description="The planned window's end, not before its start.")
    ] = None
    cab_decision: Cab = ""
    result: Result = ""
    implemented_at: Annotated[MaybeMoment, Field(description="When it was implemented.")] = None
    review_notes: _long_text("The post-implementation review.") = ""  # type: ignore[valid-type]


class ChangeRecordIn(ChangeRecordBasics):
    """One row of an import: the change record of one milestone."""

    milestone_id: Annotated[int, Whole(minimum=1), Field(description="A milestone of the initiative.")]


class ChangeRecordImport(Body):
    """Change records for several milestones."""

    records: Annotated[
        list[Any],
        Rows(row=ChangeRecordIn, noun="change records", max_rows=services.MAX_ROWS),
        Field(description="Each replaces the milestone's record, if it has one; all or none."),
    ]


# --- the deployment gate ---------------------------------------------------------------------------------


class ChangeNumber(Query):
    """Which change the pipeline is about to deploy."""

    change: Annotated[
        str,
        Field(
            min_length=1, max_length=40, description="The change's number in the ITSM tool, e.g. CHG0031234."
        ),
    ]


class GateChange(Answer):
    id: Id
    number: str
    type: Annotated[str, OneOf(CHANGE_TYPES)]
    state: Annotated[str, OneOf(CHANGE_STATES)]
    url: str


class GateMilestone(Answer):
    """The milestone the change delivers, and its people gate as the gate board computes it."""

    id: Id
    name: str
    due: date
    initiative_id: Id
    initiative: str
    gate_status: GateStatus
    target_element: Annotated[str, ELEMENT]
    threshold: float
    overridden: bool
    override: GateOverride | None


class GateGroup(Answer):
    """An impacted group. `value` (the share that reached the target element) is null whenever fewer than k
    people answered: the gate never shows a smaller group's figures."""

    group_id: Id
    name: str
    status: GateStatus
    value: Share
    wave_id: int | None


class DeploymentGate(Answer):
    """Whether a pipeline may deploy this change now, and why."""

    decision: Annotated[str, OneOf(("pass", "fail"))]
    reasons: list[str]
    change: GateChange
    milestone: GateMilestone
    groups: list[GateGroup]
    retrospective_review_due: Annotated[
        date | None,
        Field(
            description="Emergency changes: the retrospective people review is due by this day; else null."
        ),
    ]


# --- the inbound sync ------------------------------------------------------------------------------------


class ServiceNowRecords(Body):
    """Table API JSON as ServiceNow writes it: {"result": record} or {"result": [records]} (up to 500), each a
    change_request or incident record (told apart by sys_class_name, else ?table=); a bare record is read too."""

    result: Annotated[
        dict[str, Any] | list[dict[str, Any]],
        Field(
            description="Records with their fields as the Table API names them (number, sys_id, state, ...)."
        ),
    ]


class JsmWebhook(Body):
    """A Jira webhook's JSON (jira:issue_created / jira:issue_updated); other keys Jira adds are read too."""

    webhookEvent: str = ""
    timestamp: int | None = None
    issue: Annotated[
        dict[str, Any],
        Field(description='{"id", "key", "fields": {"status": {"name"}, "updated", "summary", ...}}'),
    ]


class SyncOutcome(Answer):
    kind: Annotated[str, OneOf(("change", "incident"))]
    number: str
    status: Annotated[
        str,
        OneOf(("created", "updated", "unchanged", "stale")),
        Field(description="unchanged: a replay of the stored update; stale: older than it. Neither stored."),
    ]


class SyncResult(Answer):
    """What happened to each record, in the order sent."""

    results: list[SyncOutcome]
