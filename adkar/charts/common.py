"""What every chart shares: the ChartSpec shape, layout pieces (date and share axes, date lines, the series
dropdown), fonts, margins, colours and number/date wording.

Charts are plain dicts (a plotly figure is built in the browser from JSON), so nothing here imports
plotly; every value placed in a figure goes through `number`/`iso_day` so figures hold no NaN,
numpy or pandas types.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from typing import Any, Protocol, TypedDict

from adkar.analytics.gates import NO_DATA, NOT_READY, READY
from adkar.analytics.rows import is_overall as is_overall
from adkar.analytics.rows import number as number
from adkar.analytics.rows import records as records
from adkar.analytics.rows import to_day as to_day
from adkar.elements import ELEMENT_COLOURS, ELEMENT_LABELS, NONE
from adkar.rules import formatting

FONT_FAMILY = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif'
TEXT_COLOUR = "#1f2933"
GRID_COLOUR = "#e4e7eb"
MUTED_COLOUR = "#52606d"
HIDDEN_FILL = "#eef0f2"

ADOPTION_COLOUR = "#009E73"
RESISTANCE_COLOUR = "#D55E00"
OVERALL_COLOUR = "#333333"
# Okabe-Ito again, for groups (not elements); patterns tell groups apart past eight.
GROUP_COLOURS: tuple[str, ...] = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#CC79A7",
    "#56B4E9",
    "#D55E00",
    "#F0E442",
    "#000000",
)
GROUP_PATTERNS: tuple[str, ...] = ("", "/", ".", "x", "\\", "+")

BARRIER_LABELS: dict[str, str] = {**ELEMENT_LABELS, NONE: "No barrier"}
BARRIER_COLOURS: dict[str, str] = dict(ELEMENT_COLOURS)

# status -> (symbol, words, light fill that keeps black text above WCAG AA contrast)
STATUS_STYLE: dict[str, tuple[str, str, str]] = {
    READY: ("✓", "ready", "#8fd6bd"),
    NOT_READY: ("✗", "not ready", "#f4b98f"),
    NO_DATA: ("–", "no data", "#d9dde1"),
}


# Below the plot, anchored to the figure's bottom edge so a legend that wraps on a phone grows into
# the bottom margin instead of over the axis title or the chart title.
LEGEND_BELOW: dict[str, Any] = {
    "orientation": "h",
    "x": 0,
    "xanchor": "left",
    "yref": "container",
    "y": 0,
    "yanchor": "bottom",
    "traceorder": "normal",
}
LEGEND_MARGIN = {"l": 64, "r": 24, "t": 72, "b": 128}


class ChartSpec(TypedDict):
    """A chart as the pages embed it: `caption` is the plain-language finding, also the aria-label."""

    id: str
    title: str
    caption: str
    figure: dict[str, Any]


def chart_spec(chart_id: str, title: str, caption: str, data: list[dict], layout: dict) -> ChartSpec:
    return {"id": chart_id, "title": title, "caption": caption, "figure": {"data": data, "layout": layout}}


def base_layout(title: str, *, x_title: str, y_title: str, **extra: Any) -> dict[str, Any]:
    """Title, axis titles, font and margins every chart uses; `extra` overrides or adds layout keys."""
    layout: dict[str, Any] = {
        "title": {
            "text": title,
            "xref": "container",
            "x": 0,
            "xanchor": "left",
            "pad": {"l": 12},
            "font": {"size": 17},
        },
        "font": {"family": FONT_FAMILY, "size": 13, "color": TEXT_COLOUR},
        "margin": {"l": 64, "r": 24, "t": 72, "b": 56},
        "paper_bgcolor": "#ffffff",
        "plot_bgcolor": "#ffffff",
        "hoverlabel": {"font": {"family": FONT_FAMILY, "size": 13}},
        # An explicit standoff: without it plotly can draw the title over long tick labels.
        "xaxis": {"title": {"text": x_title, "standoff": 12}, "gridcolor": GRID_COLOUR, "automargin": True},
        "yaxis": {"title": {"text": y_title, "standoff": 12}, "gridcolor": GRID_COLOUR, "automargin": True},
    }
    for key, value in extra.items():
        if key in ("xaxis", "yaxis"):
            layout[key] = {**layout[key], **value}
        else:
            layout[key] = value
    return layout


def dropdown(labels: Sequence[str], visible: Sequence[Sequence[bool]], **layout_updates: Any) -> dict:
    """An updatemenu choosing one series: button i shows the traces flagged in visible[i].

    `layout_updates` maps a layout path (e.g. "title.text") to one value per button.
    """
    buttons = []
    for i, label in enumerate(labels):
        relayout = {path: values[i] for path, values in layout_updates.items()}
        buttons.append(
            {"label": label, "method": "update", "args": [{"visible": list(visible[i])}, relayout]}
        )
    return {
        "type": "dropdown",
        "active": 0,
        "showactive": True,
        "buttons": buttons,
        "x": 1,
        "xanchor": "right",
        "y": 1.02,
        "yanchor": "bottom",
        "pad": {"r": 0, "t": 0},
        "bgcolor": "#ffffff",
        "bordercolor": MUTED_COLOUR,
    }


class Series(Protocol):
    """One choice of a chart's dropdown (Overall or a group): its name and its traces."""

    name: str

    def traces(self, *, shown: bool) -> list[dict]: ...


def switchable(series: Sequence[Series]) -> tuple[list[dict], list[dict]]:
    """Every series' traces with the first series shown, and the layout's `updatemenus`: a dropdown choosing
    which series shows (none for a single series), so a page embeds one figure for every group."""
    data: list[dict] = []
    owners: list[int] = []
    for i, one in enumerate(series):
        traces = one.traces(shown=i == 0)
        data += traces
        owners += [i] * len(traces)
    if len(series) < 2:
        return data, []
    visible = [[owner == i for owner in owners] for i in range(len(series))]
    return data, [dropdown([plot_text(one.name) for one in series], visible)]


def padded_span(days: Iterable[date]) -> tuple[date, date]:
    """From the first day to the last with a little room either side, so no point sits on the plot's edge."""
    days = list(days)
    start, end = min(days), max(days)
    pad = timedelta(days=max(3, (end - start).days // 30))
    return shifted(start, -pad), shifted(end, pad)


def shifted(day: date, by: timedelta) -> date:
    """`day + by`, stopping at the calendar's ends: a date stored before adkar.dates' rule still draws."""
    try:
        return day + by
    except OverflowError:
        return date.max if by > timedelta(0) else date.min


def date_axis(span: tuple[date, date]) -> dict[str, Any]:
    """An x axis of dates over `span`; hover labels read like short_date ("1 Jun 2025")."""
    return {"type": "date", "range": [day.isoformat() for day in span], "hoverformat": "%-d %b %Y"}


def share_axis(top: float) -> dict[str, Any]:
    """A y axis of shares read as percentages; `top` above 1 leaves a band for labels over the 100% line."""
    return {"range": [0, top], "tickvals": [0, 0.2, 0.4, 0.6, 0.8, 1], "tickformat": ".0%"}


def vline(day: date, name: str, colour: str, width: float, dash: str) -> dict[str, Any]:
    """A named vertical line at `day` across the plot, behind the data (go-live, today, a milestone)."""
    return {
        "type": "line",
        "name": name,
        "xref": "x",
        "yref": "paper",
        "x0": day.isoformat(),
        "x1": day.isoformat(),
        "y0": 0,
        "y1": 1,
        "layer": "below",
        "line": {"color": colour, "width": width, "dash": dash},
    }


def vline_label(
    day: date,
    text: str,
    span: tuple[date, date],
    *,
    y: float,
    colour: str,
    hovertext: str | None = None,
    weight: int | None = None,
) -> dict[str, Any]:
    """A label at the top of a vertical line: right of it, or left of it near the right edge so it is not
    cut off. Hovering shows `hovertext`, by default the long date."""
    near_end = (day - span[0]).days / max((span[1] - span[0]).days, 1) > 0.8
    font: dict[str, Any] = {"size": 12, "color": colour}
    if weight is not None:
        font["weight"] = weight
    return {
        "x": day.isoformat(),
        "xref": "x",
        "yref": "paper",
        "y": y,
        "yanchor": "top",
        "xanchor": "right" if near_end else "left",
        "xshift": -3 if near_end else 3,
        "showarrow": False,
        "text": text,
        "hovertext": long_date(day) if hovertext is None else hovertext,
        "font": font,
    }


def pct(value: Any) -> str:
    """A share as a whole percentage ("46%") for captions and hover text (adkar.rules.formatting)."""
    return formatting.percent(value, missing="no data")


def score(value: Any) -> str:
    """A 1-5 mean with one decimal ("3.4") for captions and hover text (adkar.rules.formatting)."""
    return formatting.mean_score(value, missing="no data")


def iso_day(value: Any) -> str:
    return to_day(value).isoformat()


def long_date(value: Any) -> str:
    """ "1 June 2025": unambiguous in every locale, unlike 01/06/2025."""
    day = to_day(value)
    return f"{day.day} {day:%B %Y}"


def short_date(value: Any) -> str:
    day = to_day(value)
    return f"{day.day} {day:%b %Y}"


def plot_text(value: Any) -> str:
    """User text (group, wave, milestone names) for a figure: plotly renders tags such as <b> and <a>
    in labels, so <, > and & are escaped to entities, which it shows literally. Not for captions or
    titles of the ChartSpec: Jinja escapes those."""
    return html.escape(str(value), quote=False)


def fewer_than(k: int) -> str:
    return f"fewer than {k} responses"


def hidden_note(names: Iterable[str], k: int) -> str:
    """The caption sentence naming groups hidden for anonymity ('' when none are)."""
    names = list(names)
    if not names:
        return ""
    return f"Hidden for anonymity ({fewer_than(k)}): {', '.join(names)}."


def unique_labels(names: Iterable[str]) -> list[str]:
    """Category labels that are all distinct, since plotly draws equal categories on one spot."""
    seen: dict[str, int] = {}
    labels = []
    for name in names:
        label = str(name)
        count = seen.get(label, 0)
        seen[label] = count + 1
        labels.append(label if count == 0 else f"{label} ({count + 1})")
    return labels


def sentence(*parts: str) -> str:
    """Join caption sentences, skipping empty ones."""
    return " ".join(p for p in parts if p)
