"""Declarations of readiness per wave, the initiative's trend and milestone gates (suppression applied)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import Field

from ...elements import BARRIER_CHOICES, ELEMENTS
from ..fields import ELEMENT, OneOf
from .base import Answer, list_of
from .common import Count

Share = Annotated[float, Field(ge=0, le=1)] | None
Mean = Annotated[float, Field(ge=1, le=5)] | None
GateStatus = Annotated[str, OneOf(("ready", "not_ready", "no_data"))]


class ElementMeans(Answer):
    """Per ADKAR element: the mean score from 1 to 5 (null when suppressed or unanswered)."""

    awareness: Mean
    desire: Mean
    knowledge: Mean
    ability: Mean
    reinforcement: Mean


class ElementShares(Answer):
    """Per ADKAR element: a share of the respondents (null when suppressed or unanswered)."""

    awareness: Share
    desire: Share
    knowledge: Share
    ability: Share
    reinforcement: Share


class BarrierShares(ElementShares):
    """Per barrier point (the first element at or below 3, or none): a share of the respondents."""

    none: Share


if tuple(ElementShares.model_fields) != ELEMENTS or tuple(BarrierShares.model_fields) != BARRIER_CHOICES:
    raise RuntimeError(
        "the readiness answers must name every ADKAR element of adkar.elements"
    )  # pragma: no cover


class ReadinessOverall(Answer):
    n: Count
    invited: Count
    response_rate: Annotated[float, Field(ge=0)] | None
    suppressed: Annotated[bool, Field(description="True when fewer than k people (or complementary).")]
    mean: ElementMeans
    favorable: ElementShares
    barrier: BarrierShares
    reached: ElementShares
    adoption: Share
    resistance: Share


class ReadinessGroup(ReadinessOverall):
    group_id: int
    name: str


class WaveSummary(Answer):
    id: int
    name: str
    opens_on: date
    closes_on: date


class WaveReadiness(Answer):
    """Readiness of one wave per group and overall."""

    wave: WaveSummary
    min_group_size: Annotated[int, Field(ge=3)]
    groups: list[ReadinessGroup]
    overall: ReadinessOverall


class TrendPoint(ReadinessOverall):
    wave_id: int
    wave_name: str
    closes_on: date
    group_id: Annotated[int | None, Field(description="null for the wave's overall point")]
    name: str


class GateOverride(Answer):
    """The latest override of a gate: who passed it, when, why, and what it computed then."""

    by: str
    at: str
    justification: str
    computed_status: str


class GroupGate(Answer):
    group_id: int
    status: GateStatus
    value: Share
    wave_id: int | None
    projected: Share
    pace: float | None = Field(description="Share per week the recent trend is going (readiness spec, Pace).")
    required_pace: float | None = Field(
        description="Share per week reaching the threshold by the milestone date needs; null when met or past."
    )


class Gate(Answer):
    """The readiness gate of a milestone, per impacted group."""

    milestone_id: int
    status: GateStatus
    target_element: Annotated[str, ELEMENT]
    threshold: float
    overridden: bool
    override: GateOverride | None
    groups: list[GroupGate]


TrendPointList = list_of(TrendPoint)
