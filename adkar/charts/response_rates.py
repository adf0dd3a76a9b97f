"""Response rates per wave and group: how far each figure can be trusted.

Response counts are not scores, so every group shows here, hidden ones included (the spec keeps n,
invited and response_rate visible when scores are suppressed).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from adkar.charts.common import (
    GROUP_COLOURS,
    GROUP_PATTERNS,
    LEGEND_BELOW,
    LEGEND_MARGIN,
    OVERALL_COLOUR,
    ChartSpec,
    base_layout,
    chart_spec,
    is_overall,
    number,
    pct,
    plot_text,
    records,
    sentence,
    unique_labels,
)

TITLE = "Response rate by wave and group"


def response_rate_chart(trend: pd.DataFrame, *, chart_id: str = "response-rates") -> ChartSpec:
    """Grouped bars from `initiative_trend(...)` rows: x = wave (in the frame's order), one bar per group."""
    rows = records(trend)
    wave_ids = list(dict.fromkeys(int(r["wave_id"]) for r in rows))
    wave_names = {int(r["wave_id"]): str(r["wave_name"]) for r in rows}
    labels = unique_labels(plot_text(wave_names[w]) for w in wave_ids)
    column = dict(zip(wave_ids, labels, strict=True))

    series: dict[str | int, list[dict]] = {}
    for row in rows:
        series.setdefault("overall" if is_overall(row) else int(row["group_id"]), []).append(row)
    keys = (["overall"] if "overall" in series else []) + sorted(k for k in series if isinstance(k, int))

    data: list[dict[str, Any]] = []
    for i, key in enumerate(keys):
        by_wave = {int(r["wave_id"]): r for r in series[key]}
        name = "Overall" if key == "overall" else str(series[key][-1]["name"])
        rates = [number(by_wave[w]["response_rate"]) if w in by_wave else None for w in wave_ids]
        g = i - 1 if "overall" in series else i
        colour = OVERALL_COLOUR if key == "overall" else GROUP_COLOURS[g % len(GROUP_COLOURS)]
        pattern = "" if key == "overall" else GROUP_PATTERNS[g // len(GROUP_COLOURS) % len(GROUP_PATTERNS)]
        data.append(
            {
                "type": "bar",
                "name": plot_text(name),
                "x": labels,
                "y": rates,
                "text": [pct(r) if r is not None else "" for r in rates],
                "textposition": "outside",
                "cliponaxis": False,
                "marker": {
                    "color": colour,
                    "line": {"color": "#1a1a1a", "width": 0.5},
                    "pattern": {"shape": pattern},
                },
                "hovertext": [_hover(name, column[w], by_wave.get(w)) for w in wave_ids],
                "hovertemplate": "%{hovertext}<extra></extra>",
            }
        )
    top = max([r for t in data for r in t["y"] if r is not None], default=1.0)
    layout = base_layout(
        TITLE,
        x_title="Survey wave",
        y_title="Response rate (responses ÷ invited)",
        xaxis={"type": "category", "categoryorder": "array", "categoryarray": labels},
        yaxis={"range": [0, max(1.0, top) * 1.12], "tickformat": ".0%"},
        barmode="group",
        legend=LEGEND_BELOW,
        margin=LEGEND_MARGIN,
        height=440,
        uniformtext={"mode": "hide", "minsize": 9},
    )
    return chart_spec(chart_id, TITLE, _caption(rows, wave_ids, wave_names), data, layout)


def _hover(name: str, wave: str, row: dict | None) -> str:
    if row is None:
        return f"{plot_text(name)} · {wave}: not surveyed"
    n, invited = int(row["n"]), int(row["invited"])
    if invited == 0:
        return f"{plot_text(name)} · {wave}: {n} responses, nobody invited"
    return f"{plot_text(name)} · {wave}<br>{n} of {invited} invited responded ({pct(row['response_rate'])})"


def _caption(rows: list[dict], wave_ids: list[int], wave_names: dict[int, str]) -> str:
    if not rows:
        return "No survey wave yet."
    last = wave_ids[-1]
    latest = [r for r in rows if int(r["wave_id"]) == last]
    parts = []
    overall = next((r for r in latest if is_overall(r)), None)
    if overall is not None and number(overall["response_rate"]) is not None:
        parts.append(
            f"In {wave_names[last]}, {pct(overall['response_rate'])} of invited people responded "
            f"({int(overall['n'])} of {int(overall['invited'])})."
        )
    groups = [r for r in latest if not is_overall(r) and number(r["response_rate"]) is not None]
    if len(groups) > 1:
        low = min(groups, key=lambda r: (number(r["response_rate"]), int(r["group_id"])))
        high = max(groups, key=lambda r: (number(r["response_rate"]), -int(r["group_id"])))
        parts.append(
            f"Lowest: {low['name']} at {pct(low['response_rate'])}; highest: {high['name']} at {pct(high['response_rate'])}."
        )
    overall_rates = [
        (int(r["wave_id"]), number(r["response_rate"]))
        for r in rows
        if is_overall(r) and number(r["response_rate"]) is not None
    ]
    if len(overall_rates) > 1:
        (w0, r0), (w1, r1) = overall_rates[0], overall_rates[-1]
        change = f"held at {pct(r1)}" if pct(r0) == pct(r1) else f"went from {pct(r0)} to {pct(r1)}"
        parts.append(f"Overall the rate {change} between {wave_names[w0]} and {wave_names[w1]}.")
    return sentence(*parts) or "No invitations issued yet."
