"""The dashboard's charts: the chart builders fed with one initiative report, ready to embed."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from markupsafe import Markup

from ..charts.barriers import barrier_chart
from ..charts.common import ChartSpec
from ..charts.gate_board import gate_board_chart
from ..charts.heatmap import heatmap_chart
from ..charts.profile import profile_chart
from ..charts.readiness_trend import readiness_trend_chart
from ..charts.render import figure_json
from ..charts.response_rates import response_rate_chart


@dataclass(frozen=True)
class ChartView:
    """A chart as the templates embed it: title, caption (also its accessible name) and safe JSON."""

    id: str
    title: str
    caption: str
    json: Markup


def view(spec: ChartSpec) -> ChartView:
    return ChartView(spec["id"], spec["title"], spec["caption"], figure_json(spec["figure"]))


def wave_charts(rows: Sequence[Mapping[str, Any]], *, k: int) -> dict[str, ChartView]:
    """Profile, heatmap and barrier points of one wave's readiness rows (groups and overall)."""
    rows = list(rows)
    return {
        "profile": view(profile_chart(rows, k=k)),  # the builders take records as well as frames
        "heatmap": view(heatmap_chart(rows, k=k)),
        "barriers": view(barrier_chart(rows, k=k)),
    }


def trend_charts(
    trend,
    *,
    milestones: Sequence[Mapping[str, Any]],
    go_live: date,
    today: date,
) -> dict[str, ChartView]:
    """Adoption and resistance over time, and response rates per wave."""
    return {
        "trend": view(readiness_trend_chart(trend, milestones=milestones, go_live=go_live, today=today)),
        "response_rates": view(response_rate_chart(trend)),
    }


def gates_chart(
    gates: Sequence[Mapping[str, Any]],
    *,
    milestones: Sequence[Mapping[str, Any]],
    groups: Mapping[int, str],
) -> ChartView:
    return view(gate_board_chart(gates, milestones=milestones, groups=groups))
