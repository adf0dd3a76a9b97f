"""The dashboard's headline: KPI tiles and groups at risk, read from an initiative's readiness frames.

Pure functions over `InitiativeReadiness` (no database, no Flask), so the figures a sponsor sees are
the analytics' own numbers, only rounded for display.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

import pandas as pd

from ..analytics.gates import DEFAULT_THRESHOLD
from ..analytics.rows import is_overall, modal_barrier, number
from ..charts.common import pct
from ..readiness.figures import InitiativeReadiness
from ..rules.thresholds import reaches

Direction = Literal["up", "down", "flat"]
GO_LIVE_KIND = "go-live"


def whole_percent(share: float) -> int:
    """The share as the whole percentage the pages show (the same rounding as charts.common.pct)."""
    return int(f"{share * 100:.0f}")


@dataclass(frozen=True)
class Change:
    """A change between two waves in percentage points of the displayed (rounded) values.

    Working from the displayed values keeps the tile consistent: 39% then 46% reads "up 7 pts".
    """

    points: int
    since: str

    @property
    def direction(self) -> Direction:
        return "up" if self.points > 0 else "down" if self.points < 0 else "flat"

    @property
    def arrow(self) -> str:
        return {"up": "▲", "down": "▼", "flat": "▶"}[self.direction]

    @property
    def words(self) -> str:
        if self.direction == "flat":
            return "no change"
        unit = "pt" if abs(self.points) == 1 else "pts"
        return f"{self.direction} {abs(self.points)} {unit}"


@dataclass(frozen=True)
class Kpi:
    key: str
    label: str
    value: float | None
    note: str
    change: Change | None = None
    better: Direction = "up"  # which way is good news, for the colour of the change

    @property
    def display(self) -> str:
        return pct(self.value) if self.value is not None else "Not shown"

    @property
    def change_is_good(self) -> bool | None:
        if self.change is None or self.change.direction == "flat":
            return None
        return self.change.direction == self.better


@dataclass(frozen=True)
class AtRisk:
    group_id: int
    name: str
    n: int
    adoption: float
    barrier: str | None  # the element most of the group stops at first; None when nobody has a barrier


@dataclass(frozen=True)
class Headline:
    kpis: list[Kpi]
    at_risk: list[AtRisk]
    threshold: float
    threshold_source: str  # the go-live milestone's name, or why the default applies
    reporting_wave_id: int | None  # the latest wave with a visible overall figure
    reporting_wave_name: str | None
    visible_groups: int  # groups shown in the reporting wave (for the "no group at risk" wording)


def wave_order(trend: pd.DataFrame) -> list[int]:
    """Wave ids in the trend's time order."""
    return list(dict.fromkeys(int(w) for w in trend["wave_id"]))


def overall_rows(trend: pd.DataFrame) -> dict[int, dict[str, Any]]:
    """wave_id -> the wave's overall row."""
    overall = trend[trend["group_id"].isna()] if "group_id" in trend.columns else trend
    return {int(r["wave_id"]): r for r in overall.to_dict("records") if is_overall(r)}


def reporting_waves(trend: pd.DataFrame) -> list[int]:
    """Waves, oldest first, whose overall figure is visible (at least k responses)."""
    overall = overall_rows(trend)
    return [w for w in wave_order(trend) if w in overall and not overall[w]["suppressed"]]


def latest_opened_wave(waves: pd.DataFrame, today: date) -> int | None:
    """The last wave, in closing order, that has opened by today (the one whose response rate counts)."""
    opened = [int(w) for w, opens in zip(waves["wave_id"], waves["opens_on"], strict=True) if opens <= today]
    return opened[-1] if opened else None


def go_live_threshold(milestones: Sequence[Mapping[str, Any]], go_live: date) -> tuple[float, str]:
    """The go-live milestone's threshold (the one due nearest the go-live date), else the default 0.8."""
    candidates = [m for m in milestones if m["kind"] == GO_LIVE_KIND]
    if not candidates:
        return DEFAULT_THRESHOLD, "the default threshold (the plan has no go-live milestone)"
    chosen = min(candidates, key=lambda m: (abs((m["due"] - go_live).days), m["due"], m["id"]))
    threshold = chosen["threshold"] if chosen["threshold"] is not None else DEFAULT_THRESHOLD
    return float(threshold), f"the {chosen['name']} threshold"


def headline(
    report: InitiativeReadiness,
    *,
    milestones: Sequence[Mapping[str, Any]],
    go_live: date,
    today: date,
) -> Headline:
    """KPI tiles (adoption, resistance, response rate) and the groups below the go-live threshold."""
    trend = report.trend
    overall = overall_rows(trend)
    shown = reporting_waves(trend)
    latest = shown[-1] if shown else None
    previous = shown[-2] if len(shown) > 1 else None
    threshold, source = go_live_threshold(milestones, go_live)

    kpis = [
        _share_kpi("adoption", "Adoption", overall, latest, previous, report.k, better="up"),
        _share_kpi("resistance", "Resistance", overall, latest, previous, report.k, better="down"),
        _rate_kpi(overall, latest_opened_wave(report.waves, today)),
    ]
    rows = trend[trend["wave_id"] == latest].to_dict("records") if latest is not None else []
    groups = [r for r in rows if not is_overall(r) and not r["suppressed"]]
    return Headline(
        kpis=kpis,
        at_risk=at_risk(groups, threshold),
        threshold=threshold,
        threshold_source=source,
        reporting_wave_id=latest,
        reporting_wave_name=str(overall[latest]["wave_name"]) if latest is not None else None,
        visible_groups=len(groups),
    )


def at_risk(groups: Sequence[Mapping[str, Any]], threshold: float) -> list[AtRisk]:
    """Visible groups whose adoption is below the threshold, compared exactly on counts (4 of 5 meets 0.8)."""
    result = []
    for row in groups:
        reached, n = int(row["reached_count_ability"]), int(row["n"])
        if n == 0 or reaches(reached, n, threshold):
            continue
        result.append(
            AtRisk(
                group_id=int(row["group_id"]),
                name=str(row["name"]),
                n=n,
                adoption=reached / n,
                barrier=modal_barrier(dict(row)),
            )
        )
    return sorted(result, key=lambda g: (g.adoption, g.name.casefold(), g.group_id))


def _share_kpi(
    key: str,
    label: str,
    overall: Mapping[int, Mapping[str, Any]],
    latest: int | None,
    previous: int | None,
    k: int,
    *,
    better: Direction,
) -> Kpi:
    if latest is None:
        return Kpi(key, label, None, f"Shown once a wave has at least {k} responses.", better=better)
    row = overall[latest]
    value = number(row[key])
    change = None
    if previous is not None and value is not None and number(overall[previous][key]) is not None:
        before = number(overall[previous][key])
        assert before is not None
        change = Change(whole_percent(value) - whole_percent(before), str(overall[previous]["wave_name"]))
    note = f"{row['wave_name']}, {int(row['n']):,} responses"
    return Kpi(key, label, value, note, change, better)


def _rate_kpi(overall: Mapping[int, Mapping[str, Any]], wave_id: int | None) -> Kpi:
    label = "Response rate"
    if wave_id is None or wave_id not in overall:
        return Kpi("response_rate", label, None, "No survey wave has opened yet.")
    row = overall[wave_id]
    rate = number(row["response_rate"])
    if rate is None:
        note = f"{row['wave_name']}: {int(row['n']):,} responses, no invitations recorded"
    else:
        note = f"{row['wave_name']}: {int(row['n']):,} of {int(row['invited']):,} invited"
    return Kpi("response_rate", label, rate, note)
