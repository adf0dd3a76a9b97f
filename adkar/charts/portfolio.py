"""Change saturation: stakeholder groups by month, coloured by how many changes hit them, go-lives marked.

Built from `adkar.portfolio.saturation.Saturation` (plain dataclasses), so it stays a pure builder. The
colour scale (light yellow to dark red, readable with any colour vision) starts at 0 and runs to at least
4 so one busy month does not make every other month look calm. Every cell prints its count (the colour
only repeats it), and go-lives carry a ★ beside the count.
"""

from __future__ import annotations

from typing import Any

from adkar.charts.common import (
    ChartSpec,
    base_layout,
    chart_spec,
    plot_text,
    sentence,
    unique_labels,
)

TITLE = "Changes per group and month"
GO_LIVE_MARK = "★"
SCALE_MIN_TOP = 4
COLOURSCALE = [[0, "#fffbe6"], [0.25, "#fed976"], [0.5, "#fd8d3c"], [0.75, "#e31a1c"], [1, "#800026"]]


def month_label(month) -> str:
    return f"{month:%b %Y}"


def portfolio_chart(saturation: Any, *, chart_id: str = "portfolio-heatmap") -> ChartSpec:
    """One row per group (busiest first), one column per month; hover lists each change."""
    months = [month_label(m) for m in saturation.months]
    names = unique_labels(plot_text(r.name) for r in saturation.rows)
    top = max([SCALE_MIN_TOP, *(r.peak for r in saturation.rows)])
    z, hover, notes = [], [], []
    for row, name in zip(saturation.rows, names, strict=True):
        z.append([cell.count for cell in row.cells])
        hover.append([_hover(name, label, cell) for label, cell in zip(months, row.cells, strict=True)])
        for label, cell in zip(months, row.cells, strict=True):
            if cell.count:
                text = f"{cell.count}{' ' + GO_LIVE_MARK if cell.go_lives else ''}"
                dark = cell.count / top >= 0.5
                notes.append(
                    {
                        "x": label,
                        "y": name,
                        "xref": "x",
                        "yref": "y",
                        "text": text,
                        "showarrow": False,
                        "font": {"color": "#ffffff" if dark else "#1a1a1a"},
                    }
                )
    trace = {
        "type": "heatmap",
        "x": months,
        "y": names,
        "z": z,
        "zmin": 0,
        "zmax": top,
        "colorscale": COLOURSCALE,
        "xgap": 2,
        "ygap": 2,
        "text": hover,
        "hovertemplate": "%{text}<extra></extra>",
        # No colour bar: every cell prints its count, and plotly draws the bar's gradient with inline
        # style attributes, which the CSP blocks.
        "showscale": False,
    }
    layout = base_layout(
        TITLE,
        x_title="Month",
        y_title="Stakeholder group",
        xaxis={"type": "category", "showgrid": False, "side": "top"},
        yaxis={"type": "category", "autorange": "reversed", "showgrid": False},
        height=200 + 44 * max(len(saturation.rows), 1),
        annotations=notes,
    )
    return chart_spec(chart_id, TITLE, _caption(saturation), [trace], layout)


def _hover(name: str, month: str, cell: Any) -> str:
    if not cell.count:
        return f"{name} · {month}<br>no change"
    lines = [
        f"{plot_text(c.initiative)}: {plot_text(c.name)} ({c.day.day} {c.day:%b})"
        + (f" {GO_LIVE_MARK} go-live" if c.go_live else "")
        for c in cell.changes
    ]
    plural = "s" if cell.count != 1 else ""
    return f"{name} · {month}<br>{cell.count} change{plural}:<br>" + "<br>".join(lines)


def _caption(saturation: Any) -> str:
    busiest = saturation.busiest
    if busiest is None:
        first, last = saturation.months[0], saturation.months[-1]
        return f"No milestone or go-live hits any group between {month_label(first)} and {month_label(last)}."
    row, cell = busiest
    from_plans = f" from {cell.initiatives} initiatives" if cell.initiatives > 1 else ""
    overlaps = saturation.overlaps
    return sentence(
        f"Busiest: {row.name} in {cell.month:%B %Y} with {cell.count} change{'s' if cell.count != 1 else ''}"
        f"{from_plans}.",
        f"{overlaps} group-month{'s are' if overlaps != 1 else ' is'} hit by more than one initiative."
        if overlaps
        else "No group is hit by two initiatives in the same month.",
        f"{GO_LIVE_MARK} marks a month with a go-live.",
    )
