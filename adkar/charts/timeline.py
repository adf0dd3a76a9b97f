"""The plan timeline: milestones on a date axis, coloured by the element people must have reached.

A pure builder returning a plotly figure dict (drawn in the browser by static/js/charts.js). Colour is
doubled by a marker shape per element, so the chart reads without colour vision too.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta
from typing import Any

import pandas as pd

from ..elements import ELEMENT_COLOURS, ELEMENT_LABELS, ELEMENTS
from .common import shifted

ELEMENT_SYMBOLS = {
    "awareness": "circle",
    "desire": "diamond",
    "knowledge": "square",
    "ability": "triangle-up",
    "reinforcement": "star",
}
TODAY_COLOUR = "#595959"
GO_LIVE_COLOUR = "#1a1a1a"
LEVELS = (1.0, 2.0, 3.0)  # labels alternate between heights so neighbours do not overprint
LABEL_LENGTH = 28


def _as_date(value: Any) -> date:
    if isinstance(value, pd.Timestamp | datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _records(milestones: pd.DataFrame | Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    rows = (
        milestones.to_dict("records")
        if isinstance(milestones, pd.DataFrame)
        else [dict(m) for m in milestones]
    )
    for row in rows:
        row["due"] = _as_date(row["due"])
    return sorted(rows, key=lambda r: r["due"])


def _short(name: str) -> str:
    name = " ".join(str(name).split())
    return name if len(name) <= LABEL_LENGTH else name[: LABEL_LENGTH - 1] + "…"


def _text(value: str) -> str:
    """plotly reads <b>, <br>, <a> in text as markup; escape so names show literally."""
    return html.escape(value, quote=False)


def _element_traces(rows: list[dict[str, Any]]) -> list[dict]:
    for index, row in enumerate(rows):
        row["level"] = LEVELS[index % len(LEVELS)]
    traces = []
    for element in ELEMENTS:
        mine = [r for r in rows if r["target_element"] == element]
        if not mine:
            continue
        traces.append(
            {
                "type": "scatter",
                "mode": "markers+text",
                "name": ELEMENT_LABELS[element],
                "legendgroup": element,
                "x": [r["due"].isoformat() for r in mine],
                "y": [r["level"] for r in mine],
                "text": [_text(_short(r["name"])) for r in mine],
                "customdata": [[_text(str(r["name"])), _text(str(r.get("kind_label") or ""))] for r in mine],
                "textposition": "top center",
                "textfont": {"size": 12, "color": "#1a1a1a"},
                "cliponaxis": False,
                "marker": {
                    "size": 14,
                    "color": ELEMENT_COLOURS[element],
                    "symbol": ELEMENT_SYMBOLS[element],
                    "line": {"width": 1, "color": "#1a1a1a"},
                },
                "hovertemplate": (
                    "%{customdata[0]}<br>%{customdata[1]}<br>%{x|%d %b %Y}<br>"
                    f"Target: {ELEMENT_LABELS[element]}<extra></extra>"
                ),
            }
        )
    return traces


WAVE_LEVEL = 0.35
WAVE_COLOUR = "#555555"


def _wave_spans(waves: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    spans = [
        {"name": str(w["name"]), "opens_on": _as_date(w["opens_on"]), "closes_on": _as_date(w["closes_on"])}
        for w in waves
    ]
    return sorted(spans, key=lambda w: (w["opens_on"], w["closes_on"]))


def _wave_trace(spans: list[dict[str, Any]]) -> dict:
    """Each wave as a thick segment from opening to closing day, one trace with gaps between them."""
    x: list[str | None] = []
    y: list[float | None] = []
    text: list[str | None] = []
    for span in spans:
        label = f"{_text(span['name'])}<br>{span['opens_on']:%d %b} – {span['closes_on']:%d %b %Y}"
        x += [span["opens_on"].isoformat(), span["closes_on"].isoformat(), None]
        y += [WAVE_LEVEL, WAVE_LEVEL, None]
        text += [label, label, None]
    return {
        "type": "scatter",
        "mode": "lines",
        "name": "Survey waves",
        "x": x,
        "y": y,
        "text": text,
        "line": {"color": WAVE_COLOUR, "width": 10},
        "hovertemplate": "Survey wave: %{text}<extra></extra>",
    }


def _stems(rows: list[dict[str, Any]]) -> dict:
    """Thin vertical lines from the axis to each marker, one trace with gaps between them."""
    x: list[str | None] = []
    y: list[float | None] = []
    for row in rows:
        x += [row["due"].isoformat(), row["due"].isoformat(), None]
        y += [0, row["level"], None]
    return {
        "type": "scatter",
        "mode": "lines",
        "name": "stems",
        "x": x,
        "y": y,
        "line": {"color": "#b3b3b3", "width": 1},
        "hoverinfo": "skip",
        "showlegend": False,
    }


def _marker_line(name: str, when: date, colour: str, width: float, dash: str) -> dict:
    return {
        "type": "line",
        "name": name,
        "xref": "x",
        "yref": "paper",
        "x0": when.isoformat(),
        "x1": when.isoformat(),
        "y0": 0,
        "y1": 1,
        "line": {"color": colour, "width": width, "dash": dash},
        "layer": "below",
    }


def _label(text: str, when: date, colour: str, *, row: int, x_range: list[str]) -> dict:
    """A line's label in the top margin, on whichever side of the line keeps it inside the chart."""
    low, high = date.fromisoformat(x_range[0]), date.fromisoformat(x_range[1])
    right_side = (when - low) / max(high - low, timedelta(days=1)) < 0.6
    return {
        "x": when.isoformat(),
        "xref": "x",
        "y": 1,
        "yref": "paper",
        "yanchor": "bottom",
        "yshift": 4 + 20 * row,
        "text": text,
        "showarrow": False,
        "xanchor": "left" if right_side else "right",
        "xshift": 5 if right_side else -5,
        "font": {"color": colour, "size": 12, "weight": 600},
    }


def _date_range(dates: list[date]) -> list[str]:
    """Room either side for the labels centred on the first and last markers."""
    first, last = min(dates), max(dates)
    pad = max(timedelta(days=10), (last - first) * 0.1)
    return [shifted(first, -pad).isoformat(), shifted(last, pad).isoformat()]


def timeline_figure(
    milestones: pd.DataFrame | Iterable[Mapping[str, Any]],
    *,
    go_live: date,
    today: date,
    title: str = "Plan timeline",
    waves: Iterable[Mapping[str, Any]] = (),
) -> dict:
    """Milestones (name, due, target_element, optional kind_label) as markers; today and go-live as lines.

    Survey waves (name, opens_on, closes_on) are drawn as bars along the bottom band.
    """
    rows = _records(milestones)
    spans = _wave_spans(waves)
    traces = _element_traces(rows)
    if rows:
        traces.insert(0, _stems(rows))
    if spans:
        traces.append(_wave_trace(spans))
    dates = (
        [r["due"] for r in rows]
        + [go_live, today]
        + [d for w in spans for d in (w["opens_on"], w["closes_on"])]
    )
    x_range = _date_range(dates)
    return {
        "data": traces,
        "layout": {
            "title": {"text": _text(title), "x": 0, "xanchor": "left", "y": 0.98, "yanchor": "top"},
            "height": 420,
            "margin": {"l": 24, "r": 24, "t": 96, "b": 104},
            "showlegend": bool(traces),
            "legend": {
                "orientation": "h",
                "x": 0,
                "y": 0,
                "yref": "container",
                "yanchor": "bottom",
                "title": {"text": "Target element:", "side": "top left"},
            },
            "xaxis": {
                "type": "date",
                "title": {"text": "Date"},
                "range": x_range,
                "showgrid": True,
                "gridcolor": "#e6e6e6",
                "zeroline": False,
            },
            "yaxis": {
                "title": {"text": ""},
                "range": [0 if not spans else WAVE_LEVEL - 0.3, LEVELS[-1] + 0.9],
                "visible": False,
                "fixedrange": True,
            },
            "shapes": [
                _marker_line("today", today, TODAY_COLOUR, 1.5, "dot"),
                _marker_line("go-live", go_live, GO_LIVE_COLOUR, 3, "solid"),
            ],
            "annotations": [
                _label("Today", today, TODAY_COLOUR, row=0, x_range=x_range),
                _label(
                    f"Go-live {go_live.strftime('%d %b %Y')}", go_live, GO_LIVE_COLOUR, row=1, x_range=x_range
                ),
            ],
            "hovermode": "closest",
            "plot_bgcolor": "#ffffff",
            "paper_bgcolor": "#ffffff",
            "font": {
                "family": "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif",
                "color": "#1a1a1a",
            },
        },
    }


def timeline_caption(
    milestones: pd.DataFrame | Iterable[Mapping[str, Any]],
    *,
    go_live: date,
    today: date,
    waves: Iterable[Mapping[str, Any]] = (),
) -> str:
    """A one-sentence text alternative for the chart."""
    rows = _records(milestones)
    when = f"go-live {go_live.strftime('%d %b %Y')}, today {today.strftime('%d %b %Y')}"
    spans = _wave_spans(waves)
    surveys = (
        f"; {len(spans)} survey wave{'s' if len(spans) != 1 else ''} drawn as grey bars" if spans else ""
    )
    if not rows:
        return f"Plan timeline with no milestones yet; {when}{surveys}."
    count = f"{len(rows)} milestone{'s' if len(rows) != 1 else ''}"
    span = f"from {rows[0]['due'].strftime('%d %b %Y')} to {rows[-1]['due'].strftime('%d %b %Y')}"
    return f"Plan timeline: {count} {span}; {when}{surveys}."
