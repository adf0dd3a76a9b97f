"""Groups by ADKAR elements on one grid: where in the sequence each group is strong or weak.

Colour (Cividis, readable with any colour vision) is fixed to the whole scale, not the data, so two
heatmaps can be compared. Hidden groups keep their row, greyed and labelled, without any value.
"""

from __future__ import annotations

from collections import Counter
from typing import Literal

import pandas as pd

from adkar.charts.common import (
    HIDDEN_FILL,
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
    score,
    sentence,
    unique_labels,
)
from adkar.elements import ELEMENT_LABELS, ELEMENTS, LIKERT_MAX, LIKERT_MIN

Measure = Literal["mean", "favorable"]
TITLE = {"mean": "Mean score by group and element", "favorable": "Favourable share by group and element"}
SCALE = {"mean": (LIKERT_MIN, LIKERT_MAX), "favorable": (0.0, 1.0)}
CATEGORIES = [ELEMENT_LABELS[e] for e in ELEMENTS]


def heatmap_chart(
    readiness: pd.DataFrame, *, k: int, measure: Measure = "mean", chart_id: str = "readiness-heatmap"
) -> ChartSpec:
    """One row per readiness row (Overall first, then the given order) and one column per element.

    measure "mean" colours the 1-5 means, "favorable" the share scoring 4 or more.
    """
    if measure not in SCALE:
        raise ValueError(f"measure must be 'mean' or 'favorable', got {measure!r}")
    rows = sorted(records(readiness), key=lambda r: not is_overall(r))  # Overall first, as everywhere
    names = unique_labels(plot_text(r["name"]) for r in rows)
    zmin, zmax = SCALE[measure]
    z: list[list[float | None]] = []
    hover: list[list[str]] = []
    notes: list[dict] = []
    for row, name in zip(rows, names, strict=True):
        if row["suppressed"]:
            z.append([None] * len(ELEMENTS))
            hover.append([f"{name} · {c}<br>hidden: {fewer_than(k)}" for c in CATEGORIES])
            notes.append(_note(ELEMENT_LABELS["knowledge"], name, f"hidden: {fewer_than(k)}", MUTED_COLOUR))
            continue
        values = [number(row[f"{measure}_{e}"]) for e in ELEMENTS]
        z.append(values)
        hover.append(
            [
                f"{name} · {ELEMENT_LABELS[e]}<br>Mean {score(row[f'mean_{e}'])} of {LIKERT_MAX}"
                f"<br>Favourable (4 or 5): {pct(row[f'favorable_{e}'])}<br>n = {int(row['n'])}"
                for e in ELEMENTS
            ]
        )
        for e, value in zip(ELEMENTS, values, strict=True):
            if value is not None:
                dark = (value - zmin) / (zmax - zmin) < 0.55
                label = score(value) if measure == "mean" else pct(value)
                notes.append(_note(ELEMENT_LABELS[e], name, label, "#ffffff" if dark else "#1a1a1a"))
    trace = {
        "type": "heatmap",
        "x": CATEGORIES,
        "y": names,
        "z": z,
        "zmin": zmin,
        "zmax": zmax,
        "colorscale": "Cividis",
        "xgap": 2,
        "ygap": 2,
        "hoverongaps": True,
        "text": hover,
        "hovertemplate": "%{text}<extra></extra>",
        # Values are written in the cells; plotly's colour bar sets inline styles the CSP blocks.
        "showscale": False,
    }
    layout = base_layout(
        TITLE[measure],
        x_title="ADKAR element",
        y_title="Stakeholder group",
        xaxis={"type": "category", "showgrid": False},
        yaxis={"type": "category", "autorange": "reversed", "showgrid": False},
        plot_bgcolor=HIDDEN_FILL,
        height=160 + 48 * max(len(rows), 1),
        annotations=notes,
    )
    caption = sentence(
        _finding(rows, measure), hidden_note([str(r["name"]) for r in rows if r["suppressed"]], k)
    )
    return chart_spec(chart_id, TITLE[measure], caption, [trace], layout)


def _note(x: str, y: str, text: str, colour: str) -> dict:
    return {
        "x": x,
        "y": y,
        "xref": "x",
        "yref": "y",
        "text": text,
        "showarrow": False,
        "font": {"color": colour},
    }


def _finding(rows: list[dict], measure: Measure) -> str:
    cells = [
        (value, str(r["name"]), e)
        for r in rows
        if not r["suppressed"]
        for e in ELEMENTS
        if (value := number(r[f"{measure}_{e}"])) is not None
    ]
    if not cells:
        return "No group has enough responses to show."
    shown = {name for _, name, _ in cells}
    weakest = Counter(min((c for c in cells if c[1] == name), key=lambda c: c[0])[2] for name in shown)
    element, count = max(weakest.items(), key=lambda item: (item[1], -ELEMENTS.index(item[0])))
    low, high = min(cells), max(cells)

    def say(cell: tuple[float, str, str]) -> str:
        value = f"{score(cell[0])} of {LIKERT_MAX}" if measure == "mean" else f"{pct(cell[0])} favourable"
        return f"{cell[1]}, {ELEMENT_LABELS[cell[2]]} at {value}"

    return (
        f"{ELEMENT_LABELS[element]} is the weakest element in {count} of {len(shown)} "
        f"row{'s' if len(shown) != 1 else ''} shown. Lowest: {say(low)}; highest: {say(high)}."
    )
