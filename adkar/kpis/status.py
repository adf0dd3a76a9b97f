"""A KPI's status from its measurements: met, on track, off track, no target or no data.

Plain Python (no Flask, no database), so the rule can be checked against hand-computed cases. The projection
is the readiness spec's (adkar.analytics.projection): from the last measurement with the slope of the last
three, unclipped because a KPI is not a share.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from ..analytics.projection import project

INCREASE, DECREASE = "increase", "decrease"
DIRECTIONS = (INCREASE, DECREASE)
DIRECTION_LABELS = {INCREASE: "Higher is better", DECREASE: "Lower is better"}
MET, ON_TRACK, OFF_TRACK, NO_TARGET, NO_DATA = "met", "on_track", "off_track", "no_target", "no_data"
STATUS_LABELS = {
    MET: "Met",
    ON_TRACK: "On track",
    OFF_TRACK: "Off track",
    NO_TARGET: "No target",
    NO_DATA: "No data",
}


@dataclass(frozen=True)
class KpiStatus:
    """The status, the latest measurement it read, and the value projected at the due date (if any)."""

    status: str
    latest: tuple[date, float] | None
    projected: float | None


def reaches(value: float, target: float, direction: str) -> bool:
    """Whether `value` is at the target or beyond it in the KPI's direction (exactly at target counts)."""
    if direction not in DIRECTIONS:
        raise ValueError(f"unknown direction {direction!r}")
    return value >= target if direction == INCREASE else value <= target


def kpi_status(
    measurements: Sequence[tuple[date, float]],
    *,
    direction: str,
    target: float | None,
    due: date | None,
) -> KpiStatus:
    """Met when the latest measurement reaches the target; on track when the projection at the due date
    does; off track otherwise (also without a due date, with one measurement, or once the due date has
    passed the latest measurement). No target and no data come first, in that order."""
    ordered = sorted(measurements, key=lambda m: m[0])
    latest = (ordered[-1][0], float(ordered[-1][1])) if ordered else None
    if target is None:
        return KpiStatus(NO_TARGET, latest, None)
    if latest is None:
        return KpiStatus(NO_DATA, None, None)
    if reaches(latest[1], target, direction):
        return KpiStatus(MET, latest, None)
    if due is None or due <= latest[0]:
        return KpiStatus(OFF_TRACK, latest, None)
    projected = project(ordered, at=due, clip=False).projected
    if projected is not None and reaches(projected, target, direction):
        return KpiStatus(ON_TRACK, latest, projected)
    return KpiStatus(OFF_TRACK, latest, projected)
