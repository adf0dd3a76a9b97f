"""Outcome KPIs over time against go-live: is the change delivering what it promised?

One figure holds every KPI (their units differ, so one shows at a time, chosen in a dropdown): the
measurements, the baseline and the target as dashed lines, with go-live and today as vertical lines.
A pure dict builder: the page hands it plain values.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from adkar.charts.common import (
    LEGEND_BELOW,
    LEGEND_MARGIN,
    MUTED_COLOUR,
    TEXT_COLOUR,
    ChartSpec,
    base_layout,
    chart_spec,
    date_axis,
    dropdown,
    iso_day,
    long_date,
    padded_span,
    plot_text,
    sentence,
    vline,
    vline_label,
)

TITLE = "Outcome KPIs against go-live"
MEASURED_COLOUR = "#0072B2"
TARGET_COLOUR = "#1f2933"
BASELINE_COLOUR = "#52606d"


@dataclass(frozen=True)
class KpiLine:
    """One KPI as the chart draws it; `status` is its label ("On track"), `points` (day, value) by date."""

    name: str
    unit: str
    baseline: float
    target: float | None
    status: str
    points: Sequence[tuple[date, float]] = field(default_factory=tuple)

    @property
    def axis_title(self) -> str:
        return plot_text(f"{self.name} ({self.unit})" if self.unit else self.name)


def value_text(value: float, unit: str = "") -> str:
    """12.5 → "12.5", 1200.0 → "1,200", with the unit after it."""
    text = (
        f"{value:,.0f}"
        if float(value).is_integer()
        else f"{value:,.4g}"
        if abs(value) < 1000
        else f"{value:,.1f}"
    )
    return f"{text} {unit}".strip()


def _level(name: str, value: float, span: tuple[date, date], colour: str, shown: bool, unit: str) -> dict:
    """A horizontal line as a trace (not a shape), so the dropdown hides it with its KPI."""
    return {
        "type": "scatter",
        "mode": "lines",
        "name": name,
        "x": [iso_day(span[0]), iso_day(span[1])],
        "y": [float(value), float(value)],
        "visible": shown,
        "line": {"color": colour, "width": 2, "dash": "longdash" if name == "Target" else "dot"},
        "hovertemplate": f"{name}: {plot_text(value_text(value, unit))}<extra></extra>",
    }


def _traces(line: KpiLine, span: tuple[date, date], *, shown: bool) -> list[dict]:
    label = plot_text(line.name)
    traces = [
        {
            "type": "scatter",
            "mode": "lines+markers",
            "name": "Measured",
            "x": [iso_day(day) for day, _ in line.points],
            "y": [float(value) for _, value in line.points],
            "visible": shown,
            "line": {"color": MEASURED_COLOUR, "width": 3},
            "marker": {"symbol": "square", "size": 8},
            "text": [
                f"{label} · {long_date(day)}: {plot_text(value_text(v, line.unit))}" for day, v in line.points
            ],
            "hovertemplate": "%{text}<extra></extra>",
        },
        _level("Baseline", line.baseline, span, BASELINE_COLOUR, shown, line.unit),
    ]
    if line.target is not None:
        traces.append(_level("Target", line.target, span, TARGET_COLOUR, shown, line.unit))
    return traces


def _caption(line: KpiLine) -> str:
    if line.points:
        day, value = line.points[-1]
        latest = f"{line.name}: {value_text(value, line.unit)} on {long_date(day)}"
    else:
        latest = f"{line.name}: no measurements yet"
    against = f"baseline {value_text(line.baseline, line.unit)}"
    if line.target is not None:
        against += f", target {value_text(line.target, line.unit)}"
    return f"{latest} ({against}); {line.status.lower()}."


def kpi_chart(
    lines: Sequence[KpiLine], *, go_live: date, today: date, chart_id: str = "kpi-trend"
) -> ChartSpec:
    """Every KPI's measurements, baseline and target; the first KPI shows, a dropdown chooses another."""
    days = [go_live, today] + [day for line in lines for day, _ in line.points]
    span = padded_span(days)
    data: list[dict] = []
    owners: list[int] = []
    for i, line in enumerate(lines):
        traces = _traces(line, span, shown=i == 0)
        data += traces
        owners += [i] * len(traces)
    layout = base_layout(
        TITLE,
        x_title="Date",
        y_title=lines[0].axis_title if lines else "Value",
        xaxis=date_axis(span),
        legend=LEGEND_BELOW,
        margin=LEGEND_MARGIN,
        height=440,
    )
    layout["shapes"] = [
        vline(go_live, "go-live", TEXT_COLOUR, 3.5, "solid"),
        vline(today, "today", "#000000", 1.5, "dash"),
    ]
    layout["annotations"] = [
        vline_label(go_live, "Go-live", span, y=1, colour=TEXT_COLOUR),
        vline_label(today, "Today", span, y=0.94, colour=MUTED_COLOUR),
    ]
    if len(lines) > 1:
        visible = [[owner == i for owner in owners] for i in range(len(lines))]
        layout["updatemenus"] = [
            dropdown(
                [plot_text(line.name) for line in lines],
                visible,
                **{"yaxis.title.text": [line.axis_title for line in lines]},
            )
        ]
    caption = sentence(
        _caption(lines[0]) if lines else "No KPIs yet.",
        "Choose a KPI in the menu to see its own measurements." if len(lines) > 1 else "",
    )
    return chart_spec(chart_id, TITLE, caption, data, layout)
