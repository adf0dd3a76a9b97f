"""Where a share is heading and how fast: the projection and pace of the readiness spec.

The line starts at the last point and follows the least-squares slope of the last three points (or the last
two), so a rising trend is never drawn falling and old waves stop pulling it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd

SLOPE_POINTS = 3
DAYS_PER_WEEK = 7
_SECONDS_PER_DAY = 86_400.0


@dataclass(frozen=True)
class Projection:
    """`projected` at the target date (clipped to [0, 1] unless asked not to); `slope` in share per day; paces in share per week.

    `projected`, `slope` and `pace` are None with fewer than two points; `required_pace` is None without a
    threshold, without points, when the last point already meets the threshold, or when no day remains.
    """

    projected: float | None
    slope: float | None
    pace: float | None
    required_pace: float | None


NO_PROJECTION = Projection(None, None, None, None)


def _days(value: date) -> float:
    """Days since 0001-01-01 (fractional for times); plain Python, as pandas costs ~1 ms a call here."""
    if isinstance(value, str):
        value = pd.Timestamp(value)
    if isinstance(value, datetime):
        seconds = value.hour * 3600 + value.minute * 60 + value.second + value.microsecond / 1e6
        return value.toordinal() + seconds / _SECONDS_PER_DAY
    return float(value.toordinal())


def _one_per_date(points: Iterable[tuple[date, float]]) -> list[tuple[float, float]]:
    """(day, value) in date order, one per date: of two points on one date the later given wins."""
    by_day: dict[float, float] = {}
    for when, value in points:
        value = float(value)
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError("a projection needs finite values; leave suppressed waves out")
        by_day[_days(when)] = value
    return sorted(by_day.items())


def _slope(points: list[tuple[float, float]]) -> float:
    """Least-squares slope through the given points (at least two distinct days)."""
    mean_x = sum(x for x, _ in points) / len(points)
    mean_y = sum(y for _, y in points) / len(points)
    spread = sum((x - mean_x) ** 2 for x, _ in points)
    return sum((x - mean_x) * (y - mean_y) for x, y in points) / spread


def project(
    points: Iterable[tuple[date, float]], *, at: date, threshold: float | None = None, clip: bool = True
) -> Projection:
    """Projection and pace of a share from (closing date, value) points, read at the date `at`.

    Give the points in wave order (closing date, then creation): of two on one date the later wins.
    `clip=False` leaves `projected` unclipped, for measures that are not shares (hours, counts, money).
    """
    line = _one_per_date(points)
    if not line:
        return NO_PROJECTION
    last_day, last_value = line[-1]
    days_left = _days(at) - last_day
    required_pace = None
    if threshold is not None and last_value < threshold and days_left > 0:
        required_pace = (threshold - last_value) / days_left * DAYS_PER_WEEK
    if len(line) < 2:
        return Projection(None, None, None, required_pace)
    slope = _slope(line[-SLOPE_POINTS:])
    projected = last_value + slope * days_left
    if clip:
        projected = min(1.0, max(0.0, projected))
    return Projection(projected, slope, slope * DAYS_PER_WEEK, required_pace)
