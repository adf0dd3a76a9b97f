"""Declarations of outcome KPIs and their measurements."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from pydantic import Field

from ...kpis.checks import NUMBER_LIMIT
from ...kpis.measurements import MAX_MEASUREMENTS
from ...kpis.models import NAME_MAX, OWNER_MAX, SOURCE_MAX, UNIT_MAX
from ...kpis.services import EXPLANATION_MAX
from ...kpis.status import DIRECTIONS, INCREASE, STATUS_LABELS
from ..fields import Day, Flag, Number, OneOf, OptionalDay, Rows, Text
from .base import Answer, Body, changes_of, list_of
from .common import Count, Id, Moment, Url

Value = Annotated[float, Number(limit=NUMBER_LIMIT)]

# --- answers ---------------------------------------------------------------------------------------------


class Measurement(Answer):
    """A KPI's value on a day (one per day)."""

    id: Id
    date: date
    value: float


class LatestMeasurement(Answer):
    date: date
    value: float


class Kpi(Answer):
    """An outcome KPI and the status its measurements give it. Met: the latest value reaches the target in
    the KPI's direction; on track: the projection at the due date (the last value continued with the slope
    of the last three) does; off track otherwise; no target and no data come first."""

    id: Id
    name: str
    unit: str
    direction: Annotated[str, OneOf(DIRECTIONS)]
    baseline: float
    target: float | None
    owner: str
    due_on: date | None
    source: str
    legacy: bool = Field(description="A measure of the old way of working that the change contradicts.")
    explanation: str = Field(description="Why a missed target is accepted.")
    status: Annotated[str, OneOf(tuple(STATUS_LABELS))]
    latest: LatestMeasurement | None
    projected: float | None = Field(description="The value projected at the due date, when computed.")
    measurements: Count
    created_at: Moment
    updated_at: Moment
    url: Url


class MeasurementImportResult(Answer):
    created: Annotated[int, Field(ge=0, description="Measurements for a new day.")]
    replaced: Annotated[int, Field(ge=0, description="Measurements that changed a stored one.")]
    kpi: Kpi


KpiList = list_of(Kpi)
MeasurementList = list_of(Measurement)

# --- bodies ----------------------------------------------------------------------------------------------


class KpiIn(Body):
    """A new outcome KPI of the initiative; names are unique per initiative."""

    name: Annotated[str, Text(max_length=NAME_MAX)]
    unit: Annotated[str, Text(max_length=UNIT_MAX, blank=True)] = ""
    direction: Annotated[str, OneOf(DIRECTIONS), Field(description="Which way is better.")] = INCREASE
    baseline: Value
    target: Annotated[float | None, Number(limit=NUMBER_LIMIT, nullable=True)] = None
    owner: Annotated[str, Text(max_length=OWNER_MAX, blank=True)] = ""
    due_on: Annotated[date | None, OptionalDay()] = None
    source: Annotated[str, Text(max_length=SOURCE_MAX, blank=True)] = ""
    legacy: Annotated[bool, Flag()] = False
    explanation: Annotated[str, Text(max_length=EXPLANATION_MAX, blank=True, multiline=True)] = ""


KpiChanges = changes_of(KpiIn, "KpiChanges")


class MeasurementIn(Body):
    """The KPI's value on one day."""

    date: Annotated[date, Day(), Field(description="The day measured; not in the future.")]
    value: Value


MEASUREMENT_SHAPE = '{"date", "value"}'


class MeasurementImport(Body):
    """Measurements of one KPI."""

    measurements: Annotated[
        list[Any],
        Rows(row=MeasurementIn, noun="measurements", max_rows=MAX_MEASUREMENTS, shape=MEASUREMENT_SHAPE),
        Field(description="All are stored or none; a day that is stored already is replaced."),
    ]
