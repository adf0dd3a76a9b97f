"""The gate board: is every impacted group ready for each milestone, and where is it heading?

Each cell states its status with a symbol and words as well as a fill colour (✓ ready, ✗ not ready,
– no data), then the value and the projection at the milestone date ("✗ 62% → 71%").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from adkar.charts.common import (
    NO_DATA,
    NOT_READY,
    READY,
    STATUS_STYLE,
    ChartSpec,
    base_layout,
    chart_spec,
    long_date,
    pct,
    plot_text,
    records,
    sentence,
    short_date,
    to_day,
    unique_labels,
)
from adkar.elements import ELEMENT_LABELS
from adkar.rules.formatting import pace_sentence

TITLE = "Milestone readiness gates"
CODES = {NOT_READY: 0, NO_DATA: 1, READY: 2}
# A stepped scale: each code gets one flat colour.
COLOURS = [
    [0, STATUS_STYLE[NOT_READY][2]],
    [1 / 3, STATUS_STYLE[NOT_READY][2]],
    [1 / 3, STATUS_STYLE[NO_DATA][2]],
    [2 / 3, STATUS_STYLE[NO_DATA][2]],
    [2 / 3, STATUS_STYLE[READY][2]],
    [1, STATUS_STYLE[READY][2]],
]
KEY = "✓ ready   ✗ not ready   – no data   → projected at the milestone date"


def gate_board_chart(
    gates: Sequence[Mapping[str, Any]],
    *,
    milestones: pd.DataFrame | Sequence[Mapping[str, Any]],
    groups: Mapping[int, str],
    chart_id: str = "gate-board",
) -> ChartSpec:
    """Rows: milestones (id, name, due, optional overridden) that have a gate, by date; columns: groups.

    gates: `milestone_gate(...)` results. groups: group id -> name in display order. A cell of a group
    the milestone does not impact stays blank.
    """
    by_id = {g["milestone_id"]: g for g in gates}
    groups = dict(groups)
    for gate in gates:
        for cell in gate["groups"]:
            groups.setdefault(cell["group_id"], f"Group {cell['group_id']}")
    plan = sorted(
        (m for m in records(milestones) if m["id"] in by_id), key=lambda m: (to_day(m["due"]), m["id"])
    )
    columns = unique_labels(plot_text(name) for name in groups.values())
    rows = unique_labels(_row_label(m, by_id[m["id"]]) for m in plan)
    z, hover, notes = [], [], []
    for milestone, row in zip(plan, rows, strict=True):
        gate = by_id[milestone["id"]]
        cells = {c["group_id"]: c for c in gate["groups"]}
        z_row: list[int | None] = []
        hover_row: list[str] = []
        for group_id, column in zip(groups, columns, strict=True):
            cell = cells.get(group_id)
            if cell is None:
                z_row.append(None)
                hover_row.append(f"{column}: not impacted by {plot_text(milestone['name'])}")
                continue
            z_row.append(CODES[cell["status"]])
            hover_row.append(_hover(column, milestone, gate, cell))
            notes.append(
                {"x": column, "y": row, "xref": "x", "yref": "y", "text": cell_text(cell), "showarrow": False}
            )
        z.append(z_row)
        hover.append(hover_row)
    notes.append(
        {
            "x": 0,
            "xref": "paper",
            "y": 0,
            "yref": "paper",
            "yshift": -40,
            "xanchor": "left",
            "yanchor": "top",
            "text": KEY,
            "showarrow": False,
        }
    )
    trace = {
        "type": "heatmap",
        "x": columns,
        "y": rows,
        "z": z,
        "zmin": 0,
        "zmax": 2,
        "colorscale": COLOURS,
        "showscale": False,
        "xgap": 3,
        "ygap": 3,
        "text": hover,
        "hovertemplate": "%{text}<extra></extra>",
    }
    layout = base_layout(
        TITLE,
        x_title="Stakeholder group",
        y_title="Milestone",
        xaxis={"type": "category", "side": "top", "showgrid": False},
        yaxis={"type": "category", "autorange": "reversed", "showgrid": False},
        margin={"l": 64, "r": 24, "t": 110, "b": 64},
        height=190 + 56 * max(len(rows), 1),
        annotations=notes,
    )
    return chart_spec(chart_id, TITLE, _caption(plan, by_id, groups), [trace], layout)


def cell_text(cell: Mapping[str, Any]) -> str:
    """'✓ 85%', '✗ 62% → 71%' or '– no data': the status symbol, the value and the projection."""
    symbol, words, _ = STATUS_STYLE[cell["status"]]
    text = f"{symbol} {pct(cell['value'])}" if cell["value"] is not None else f"{symbol} {words}"
    if cell["projected"] is not None:
        text += f" → {pct(cell['projected'])}"
    return text


def _row_label(milestone: Mapping[str, Any], gate: Mapping[str, Any]) -> str:
    symbol, words, _ = STATUS_STYLE[gate["status"]]
    status = f"{symbol} {words}" + (" · overridden" if milestone.get("overridden") else "")
    return f"{plot_text(milestone['name'])}<br>{short_date(milestone['due'])} · {status}"


def _hover(
    column: str, milestone: Mapping[str, Any], gate: Mapping[str, Any], cell: Mapping[str, Any]
) -> str:
    symbol, words, _ = STATUS_STYLE[cell["status"]]
    target = f"{ELEMENT_LABELS[gate['target_element']]} (target {pct(gate['threshold'])})"
    lines = [
        f"{column} · {plot_text(milestone['name'])}, {short_date(milestone['due'])}",
        f"{symbol} {words.capitalize()}",
    ]
    if cell["value"] is not None:
        lines.append(f"{pct(cell['value'])} have reached {target}")
    else:
        lines.append(f"No visible wave by this date; target {target}")
    if cell["projected"] is not None:
        lines.append(f"Projected at the milestone date: {pct(cell['projected'])}")
    pace = pace_sentence(cell.get("pace"), cell.get("required_pace"))
    if pace:
        lines.append(pace[0].upper() + pace[1:])
    return "<br>".join(lines)


def _caption(plan: list[dict], by_id: Mapping[Any, Mapping[str, Any]], groups: Mapping[int, str]) -> str:
    if not plan:
        return "No milestone has a readiness gate yet."
    counts = {s: sum(by_id[m["id"]]["status"] == s for m in plan) for s in CODES}
    total = f"{len(plan)} milestone{'s' if len(plan) != 1 else ''}"
    summary = (
        f"Of {total}, {counts[READY]} {'is' if counts[READY] == 1 else 'are'} ready, "
        f"{counts[NOT_READY]} not ready and {counts[NO_DATA]} without data."
    )
    behind = []
    for m in plan:
        gate = by_id[m["id"]]
        late = [
            f"{groups[c['group_id']]} {pct(c['value'])}" for c in gate["groups"] if c["status"] == NOT_READY
        ]
        if late:
            behind.append(
                f"{m['name']} ({long_date(m['due'])}, target {pct(gate['threshold'])}): {', '.join(late)}"
            )
    overridden = [str(m["name"]) for m in plan if m.get("overridden")]
    return sentence(
        summary,
        f"Not ready: {'; '.join(behind)}." if behind else "",
        f"Passed by override: {', '.join(overridden)}." if overridden else "",
    )
