"""Where people stop: each group's respondents split by barrier point, as one 100% bar per group.

The barrier point is the first ADKAR element scoring 3.0 or lower, so the segments read left to
right in the order people move through the change; "No barrier" closes each bar.
"""

from __future__ import annotations

import pandas as pd

from adkar.charts.common import (
    BARRIER_COLOURS,
    BARRIER_LABELS,
    LEGEND_BELOW,
    LEGEND_MARGIN,
    MUTED_COLOUR,
    ChartSpec,
    base_layout,
    chart_spec,
    fewer_than,
    hidden_note,
    is_overall,
    number,
    pct,
    plot_text,
    records,
    sentence,
    unique_labels,
)
from adkar.elements import BARRIER_CHOICES, ELEMENTS, NONE

TITLE = "Barrier points by group"
MIN_LABELLED = 0.07  # narrower segments keep their share in the hover text only


def barrier_chart(readiness: pd.DataFrame, *, k: int, chart_id: str = "barrier-points") -> ChartSpec:
    """One stacked bar per readiness row (Overall first, then the given order); hidden groups keep a
    labelled empty row with no value."""
    rows = sorted(records(readiness), key=lambda r: not is_overall(r))  # Overall first, as everywhere
    names = unique_labels(plot_text(r["name"]) for r in rows)
    data = []
    for choice in BARRIER_CHOICES:
        shares = [None if r["suppressed"] else number(r[f"barrier_{choice}"]) for r in rows]
        data.append(
            {
                "type": "bar",
                "orientation": "h",
                "name": BARRIER_LABELS[choice],
                "x": shares,
                "y": names,
                "marker": {"color": BARRIER_COLOURS[choice], "line": {"color": "#ffffff", "width": 1}},
                "text": [pct(s) if s is not None and s >= MIN_LABELLED else "" for s in shares],
                "textposition": "inside",
                "insidetextanchor": "middle",
                "textangle": 0,
                "hovertext": [
                    _hover(name, choice, s, r) for name, s, r in zip(names, shares, rows, strict=True)
                ],
                "hovertemplate": "%{hovertext}<extra></extra>",
            }
        )
    notes = [
        {
            "x": 0.5,
            "y": name,
            "xref": "x",
            "yref": "y",
            "text": f"hidden: {fewer_than(k)}",
            "showarrow": False,
            "font": {"color": MUTED_COLOUR},
        }
        for name, r in zip(names, rows, strict=True)
        if r["suppressed"]
    ]
    layout = base_layout(
        TITLE,
        x_title="Share of respondents by barrier point",
        y_title="Stakeholder group",
        xaxis={"range": [0, 1], "tickformat": ".0%"},
        yaxis={"type": "category", "autorange": "reversed"},
        barmode="stack",
        legend=LEGEND_BELOW,
        margin=LEGEND_MARGIN,
        height=210 + 40 * max(len(rows), 1),
        annotations=notes,
        uniformtext={"mode": "hide", "minsize": 10},
    )
    caption = sentence(_finding(rows), hidden_note([str(r["name"]) for r in rows if r["suppressed"]], k))
    return chart_spec(chart_id, TITLE, caption, data, layout)


def _hover(name: str, choice: str, share: float | None, row: dict) -> str:
    if share is None:
        return f"{name}: hidden for anonymity"
    where = "no barrier point" if choice == NONE else f"barrier point {BARRIER_LABELS[choice]}"
    return f"{name}: {where} for {pct(share)} of respondents (n = {int(row['n'])})"


def _finding(rows: list[dict]) -> str:
    shown = [r for r in rows if not r["suppressed"] and number(r[f"barrier_{NONE}"]) is not None]
    if not shown:
        return "No group has enough responses to show barrier points."
    parts = []
    overall = next((r for r in shown if is_overall(r)), None)
    if overall is not None:
        top = max(ELEMENTS, key=lambda e: (number(overall[f"barrier_{e}"]) or 0.0, -ELEMENTS.index(e)))
        parts.append(
            f"Overall, the most common barrier point is {BARRIER_LABELS[top]} "
            f"({pct(overall[f'barrier_{top}'])}) and {pct(overall[f'barrier_{NONE}'])} have no barrier."
        )
    groups = [r for r in shown if not is_overall(r)]
    if groups:
        share, name, element = max(
            ((number(r[f"barrier_{e}"]) or 0.0, str(r["name"]), e) for r in groups for e in ELEMENTS),
            key=lambda c: (c[0], -ELEMENTS.index(c[2])),
        )
        if share > 0:
            parts.append(
                f"The largest single barrier is {BARRIER_LABELS[element]} for {pct(share)} of {name}."
            )
        else:
            parts.append("No respondent in the groups shown has a barrier point.")
    return sentence(*parts)
