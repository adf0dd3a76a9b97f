"""Did an action move its element? Pure functions over the readiness trend (no database, no Flask).

An action's effect compares the group's mean for the targeted element in the nearest wave that closed on
or before the action started with the nearest wave that opened on or after it, both with the group
visible (at least k responses). Waves that straddle the start date belong to neither side.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

import pandas as pd

from ..analytics.rows import is_overall, modal_barrier, number, records, to_day
from ..elements import check_element

Direction = Literal["up", "down", "flat"]


@dataclass(frozen=True)
class Barrier:
    """A group's most common barrier point in the latest wave where it is visible."""

    element: str | None  # None: nobody in the group has a barrier point
    wave_id: int
    wave_name: str


@dataclass(frozen=True)
class Effect:
    element: str
    before_wave: str
    before_closes_on: date
    before_mean: float
    after_wave: str
    after_opens_on: date
    after_mean: float

    @property
    def change(self) -> float:
        return self.after_mean - self.before_mean

    @property
    def direction(self) -> Direction:
        """Judged on the one-decimal means the pages show, so "3.2 → 3.2" never reads as a rise."""
        step = round(self.after_mean, 1) - round(self.before_mean, 1)
        return "up" if step > 0.05 else "down" if step < -0.05 else "flat"

    @property
    def words(self) -> str:
        verb = {"up": "rose", "down": "fell", "flat": "held"}[self.direction]
        if self.direction == "flat":
            return f"held at {self.after_mean:.1f}"
        return f"{verb} from {self.before_mean:.1f} to {self.after_mean:.1f}"


def _visible_rows(trend: pd.DataFrame, group_id: int) -> list[dict[str, Any]]:
    """The group's rows in wave order where its scores are shown."""
    return [
        row
        for row in records(trend)
        if not is_overall(row)
        and int(row["group_id"]) == group_id
        and not row["suppressed"]
        and int(row["n"]) > 0
    ]


def group_barriers(trend: pd.DataFrame) -> dict[int, Barrier]:
    """group_id -> its barrier point from its latest visible wave (groups never visible are absent)."""
    result: dict[int, Barrier] = {}
    for row in records(trend):  # wave order: later rows replace earlier ones
        if is_overall(row) or row["suppressed"] or int(row["n"]) == 0:
            continue
        result[int(row["group_id"])] = Barrier(modal_barrier(row), int(row["wave_id"]), str(row["wave_name"]))
    return result


def action_effect(
    trend: pd.DataFrame, waves: pd.DataFrame, *, group_id: int, element: str, starts_on: date
) -> Effect | None:
    """The element's mean change across the action's start, or None when either side has no visible wave.

    trend: `initiative_trend(...)` rows; waves: the initiative's waves frame (wave_id, opens_on).
    """
    element = check_element(element)
    opens = {int(w): to_day(o) for w, o in zip(waves["wave_id"], waves["opens_on"], strict=True)}
    before = after = None
    for row in _visible_rows(trend, group_id):
        mean = number(row[f"mean_{element}"])
        wave_id = int(row["wave_id"])
        if mean is None or wave_id not in opens:
            continue
        if to_day(row["closes_on"]) <= starts_on:
            before = (row, mean)
        elif opens[wave_id] >= starts_on and after is None:
            after = (row, mean)
    if before is None or after is None:
        return None
    return Effect(
        element=element,
        before_wave=str(before[0]["wave_name"]),
        before_closes_on=to_day(before[0]["closes_on"]),
        before_mean=before[1],
        after_wave=str(after[0]["wave_name"]),
        after_opens_on=opens[int(after[0]["wave_id"])],
        after_mean=after[1],
    )
