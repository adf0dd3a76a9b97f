"""The ADKAR profile of a group: its five element means against the 3.0 barrier line.

The highlighted bar is the group's most common barrier point (the element with the largest
`barrier_<e>` share; ties go to the earlier element), not the first mean at or below 3.0: barrier
points are counted per respondent, so they say where most people stop, which a group mean can hide.
"""

from __future__ import annotations

import pandas as pd

from adkar.analytics.rows import modal_barrier
from adkar.charts.common import (
    TEXT_COLOUR,
    ChartSpec,
    base_layout,
    chart_spec,
    dropdown,
    hidden_note,
    is_overall,
    number,
    pct,
    plot_text,
    records,
    score,
    sentence,
)
from adkar.elements import (
    BARRIER_AT_OR_BELOW,
    ELEMENT_COLOURS,
    ELEMENT_LABELS,
    ELEMENTS,
    LIKERT_MAX,
    LIKERT_MIN,
)

TITLE = "ADKAR profile"
CATEGORIES = [ELEMENT_LABELS[e] for e in ELEMENTS]  # full names: plotly merges equal labels


def profile_chart(readiness: pd.DataFrame, *, k: int, chart_id: str = "adkar-profile") -> ChartSpec:
    """Element means of one wave's rows (`wave_readiness(...).groups`, the overall row may be added).

    Overall shows first when present; suppressed groups get no trace and are named in the caption.
    """
    rows = records(readiness)
    if len({number(r["wave_id"]) for r in rows}) > 1:
        raise ValueError("profile_chart takes the rows of one wave")
    rows.sort(key=lambda r: not is_overall(r))
    shown = [r for r in rows if not r["suppressed"] and number(r["mean_awareness"]) is not None]
    hidden = [str(r["name"]) for r in rows if r["suppressed"]]

    data = [_trace(row, visible=i == 0) for i, row in enumerate(shown)]
    first = f"{TITLE}: {plot_text(shown[0]['name'])}" if shown else TITLE
    layout = base_layout(
        first,
        x_title="ADKAR element",
        y_title="Mean score (1–5)",
        xaxis={"type": "category", "categoryorder": "array", "categoryarray": CATEGORIES},
        yaxis={"range": [LIKERT_MIN, LIKERT_MAX + 0.6], "tickvals": list(range(LIKERT_MIN, LIKERT_MAX + 1))},
        showlegend=False,
        height=440,
        shapes=[
            {
                "type": "line",
                "name": "barrier-line",
                "xref": "paper",
                "x0": 0,
                "x1": 1,
                "yref": "y",
                "y0": BARRIER_AT_OR_BELOW,
                "y1": BARRIER_AT_OR_BELOW,
                "line": {"color": TEXT_COLOUR, "width": 2, "dash": "dash"},
            }
        ],
        annotations=_annotations(shown[0] if shown else None),
    )
    if len(shown) > 1:
        labels = [plot_text(r["name"]) for r in shown]
        visible = [[i == j for j in range(len(shown))] for i in range(len(shown))]
        titles = [f"{TITLE}: {label}" for label in labels]
        notes = [_annotations(r) for r in shown]
        layout["updatemenus"] = [dropdown(labels, visible, **{"title.text": titles, "annotations": notes})]
    caption = sentence(
        _finding(shown[0]) if shown else "No group has enough responses to show its profile.",
        "Choose a group in the menu to see its profile." if len(shown) > 1 else "",
        hidden_note(hidden, k),
    )
    return chart_spec(chart_id, f"{TITLE} by group", caption, data, layout)


def _trace(row: dict, *, visible: bool) -> dict:
    name = plot_text(row["name"])
    barrier = modal_barrier(row)
    means = [number(row[f"mean_{e}"]) for e in ELEMENTS]
    hover = [
        f"{name} · {ELEMENT_LABELS[e]}<br>Mean {score(row[f'mean_{e}'])} of {LIKERT_MAX}"
        f"<br>Favourable (4 or 5): {pct(row[f'favorable_{e}'])}"
        f"<br>Barrier point for {pct(row[f'barrier_{e}'])} of respondents"
        for e in ELEMENTS
    ]
    return {
        "type": "bar",
        "name": name,
        "visible": visible,
        "x": CATEGORIES,
        "y": means,
        "text": [score(m) for m in means],
        "textposition": "outside",
        "cliponaxis": False,
        "hovertext": hover,
        "hovertemplate": "%{hovertext}<extra></extra>",
        "marker": {
            "color": [ELEMENT_COLOURS[e] for e in ELEMENTS],
            "line": {"color": TEXT_COLOUR, "width": [3 if e == barrier else 0.5 for e in ELEMENTS]},
            "pattern": {
                "shape": ["/" if e == barrier else "" for e in ELEMENTS],
                "fillmode": "overlay",
                "fgcolor": TEXT_COLOUR,
                "fgopacity": 0.45,
            },
        },
    }


def _annotations(row: dict | None) -> list[dict]:
    """The barrier line's label and, above the highlighted bar, what the highlight means."""
    notes = [
        {
            "xref": "paper",
            "x": 1,
            "xanchor": "right",
            "yref": "y",
            "y": BARRIER_AT_OR_BELOW,
            "yanchor": "bottom",
            "text": f"Barrier ({BARRIER_AT_OR_BELOW:.1f})",
            "showarrow": False,
            "bgcolor": "rgba(255,255,255,0.85)",
        }
    ]
    barrier = modal_barrier(row) if row is not None else None
    if row is not None and barrier is not None:
        notes.append(
            {
                "xref": "x",
                "x": ELEMENT_LABELS[barrier],
                "yref": "y",
                "y": number(row[f"mean_{barrier}"]),
                "yanchor": "bottom",
                "yshift": 20,
                "text": f"most common barrier ({pct(row[f'barrier_{barrier}'])})",
                "showarrow": False,
                "font": {"size": 12, "weight": 700},
            }
        )
    return notes


def _finding(row: dict) -> str:
    name = str(row["name"])
    barrier = modal_barrier(row)
    means = {e: number(row[f"mean_{e}"]) or 0.0 for e in ELEMENTS}
    lowest = min(ELEMENTS, key=lambda e: means[e])
    low = [ELEMENT_LABELS[e] for e in ELEMENTS if means[e] <= BARRIER_AT_OR_BELOW]
    if barrier is None:
        stop = "nobody has a barrier point"
    else:
        stop = (
            f"the most common barrier point is {ELEMENT_LABELS[barrier]} "
            f"({pct(row[f'barrier_{barrier}'])} of respondents stop there first)"
        )
    return sentence(
        f"{name}: {stop}; the lowest mean is {ELEMENT_LABELS[lowest]} at {score(means[lowest])} of {LIKERT_MAX}.",
        f"At or below the {BARRIER_AT_OR_BELOW:.1f} barrier line: {', '.join(low)}." if low else "",
    )
