"""Adoption and resistance over the waves, against the plan's milestones, today and go-live.

One figure holds every series (Overall and each group); a dropdown switches which one is visible, so
the page embeds one JSON blob. Points of a wave where the group is hidden for anonymity are gaps.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

import pandas as pd

from adkar.analytics.projection import project
from adkar.charts.common import (
    ADOPTION_COLOUR,
    LEGEND_BELOW,
    LEGEND_MARGIN,
    MUTED_COLOUR,
    RESISTANCE_COLOUR,
    TEXT_COLOUR,
    ChartSpec,
    base_layout,
    chart_spec,
    date_axis,
    is_overall,
    iso_day,
    long_date,
    number,
    padded_span,
    pct,
    plot_text,
    records,
    sentence,
    share_axis,
    short_date,
    switchable,
    to_day,
    vline,
    vline_label,
)

TITLE = "Adoption and resistance against go-live"
LABEL_CHARS = 28


def readiness_trend_chart(
    trend: pd.DataFrame,
    *,
    milestones: pd.DataFrame | Sequence[Mapping[str, Any]],
    go_live: date,
    today: date,
    chart_id: str = "readiness-trend",
) -> ChartSpec:
    """The trend chart from `initiative_trend(...)` rows and milestones (name, due, kind).

    Overall shows by default (the first group when the frame has no overall rows). The adoption
    projection runs from the last visible wave to go-live with the slope of the last three (`project`);
    there is none with fewer than two distinct closing dates or once that wave is past go-live.
    """
    go_live, today = to_day(go_live), to_day(today)
    offered: list[_Series] = []
    empty: list[_Series] = []
    for name, rows in _series(trend):
        series = _Series(name, rows, go_live)
        (offered if series.visible else empty).append(series)

    data, menus = switchable(offered)
    span = _x_range(trend, milestones, go_live, today)
    layout = base_layout(
        TITLE,
        x_title="Survey wave closing date",
        y_title="Share of respondents",
        xaxis=date_axis(span),
        yaxis=share_axis(1.16),
        legend=LEGEND_BELOW,
        margin=LEGEND_MARGIN,
        height=500,
    )
    shapes, notes = _markers(milestones, go_live, today, span)
    layout["shapes"], layout["annotations"] = shapes, notes
    if menus:
        layout["updatemenus"] = menus
    caption = sentence(
        offered[0].caption(today)
        if offered
        else "No survey wave has enough responses yet to show readiness.",
        "Choose a group in the menu to see its own trend." if len(offered) > 1 else "",
        f"Too few responses in every wave to show: {', '.join(s.name for s in empty)}." if empty else "",
    )
    return chart_spec(chart_id, TITLE, caption, data, layout)


def _series(trend: pd.DataFrame) -> list[tuple[str, list[dict]]]:
    """(name, rows in wave order) for Overall, then each group by group_id; a group keeps its latest name."""
    rows = records(trend)
    overall = [r for r in rows if is_overall(r)]
    by_group: dict[int, list[dict]] = {}
    for row in rows:
        if not is_overall(row):
            by_group.setdefault(int(row["group_id"]), []).append(row)
    series = [("Overall", overall)] if overall else []
    return series + [(str(by_group[g][-1]["name"]), by_group[g]) for g in sorted(by_group)]


class _Series:
    """One series' points; hidden waves keep their x with y None, so the line breaks there."""

    def __init__(self, name: str, rows: list[dict], go_live: date) -> None:
        self.name, self.go_live = name, go_live
        self.x = [iso_day(r["closes_on"]) for r in rows]
        self.adoption = [None if r["suppressed"] else number(r["adoption"]) for r in rows]
        self.resistance = [None if r["suppressed"] else number(r["resistance"]) for r in rows]
        self.waves = [f"{r['wave_name']} (closed {short_date(r['closes_on'])})" for r in rows]
        self.labels = [plot_text(f"{name} · {wave}") for wave in self.waves]
        self.n = [int(r["n"]) for r in rows]
        self.visible = [i for i, value in enumerate(self.adoption) if value is not None]
        self.projected = self._projection()

    def _projection(self) -> float | None:
        if not self.visible or to_day(self.x[self.visible[-1]]) >= self.go_live:
            return None
        points = [
            (to_day(x), share) for x, share in zip(self.x, self.adoption, strict=True) if share is not None
        ]
        return project(points, at=self.go_live).projected

    def _hover(self, measure: str, values: list[float | None]) -> list[str]:
        return [
            f"{label}<br>{measure}: {pct(v)} (n={n})" if v is not None else f"{label}<br>hidden for anonymity"
            for label, v, n in zip(self.labels, values, self.n, strict=True)
        ]

    def traces(self, *, shown: bool) -> list[dict]:
        common = {
            "type": "scatter",
            "mode": "lines+markers",
            "x": self.x,
            "connectgaps": False,
            "visible": shown,
        }
        traces = [
            {
                **common,
                "name": "Adoption",
                "y": self.adoption,
                "line": {"color": ADOPTION_COLOUR, "width": 3},
                "marker": {"symbol": "circle", "size": 9},
                "text": self._hover("Adoption", self.adoption),
                "hovertemplate": "%{text}<extra></extra>",
            },
            {
                **common,
                "name": "Resistance",
                "y": self.resistance,
                "line": {"color": RESISTANCE_COLOUR, "width": 2.5, "dash": "dot"},
                "marker": {"symbol": "diamond", "size": 9},
                "text": self._hover("Resistance", self.resistance),
                "hovertemplate": "%{text}<extra></extra>",
            },
        ]
        if self.projected is not None:
            last = self.visible[-1]
            traces.append(
                {
                    **common,
                    "name": "Projected adoption",
                    "x": [self.x[last], self.go_live.isoformat()],
                    "y": [self.adoption[last], self.projected],
                    "line": {"color": ADOPTION_COLOUR, "width": 2, "dash": "dash"},
                    "marker": {"symbol": ["circle", "circle-open"], "size": [0, 11]},
                    "text": [
                        self._hover("Adoption", self.adoption)[last],
                        f"{plot_text(self.name)} · go-live ({short_date(self.go_live)})<br>"
                        f"Adoption projected from the trend: {pct(self.projected)}",
                    ],
                    "hovertemplate": "%{text}<extra></extra>",
                }
            )
        return traces

    def caption(self, today: date) -> str:
        prefix = "" if self.name == "Overall" else f"{self.name}: "
        if not self.visible:
            return f"{prefix}no wave has enough responses yet to show readiness."
        first, last = self.visible[0], self.visible[-1]
        if first == last:
            text = (
                f"{prefix}after {self.waves[last]}, adoption is "
                f"{pct(self.adoption[last])} and resistance {pct(self.resistance[last])}."
            )
        else:
            text = (
                f"{prefix}adoption {_change(self.adoption[first], self.adoption[last])} over "
                f"{len(self.visible)} waves; resistance {_change(self.resistance[first], self.resistance[last])}."
            )
        text = text if prefix else text[0].upper() + text[1:]
        if self.projected is not None and today <= self.go_live:
            text += f" At this pace adoption would reach {pct(self.projected)} by go-live on {long_date(self.go_live)}."
        return text


def _change(start: float | None, end: float | None) -> str:
    """'rose from 18% to 46%', 'fell from …', or 'held at 40%', judged on the rounded percentages."""
    a, b = pct(start), pct(end)
    if a == b:
        return f"held at {b}"
    assert start is not None and end is not None
    return f"{'rose' if end > start else 'fell'} from {a} to {b}"


def _markers(
    milestones: pd.DataFrame | Sequence[Mapping[str, Any]],
    go_live: date,
    today: date,
    span: tuple[date, date],
) -> tuple[list[dict], list[dict]]:
    """A labelled vertical line per milestone date (same-day milestones share one), go-live thicker, and today.

    Labels sit in the band above 100% on two alternating rows so neighbouring dates do not collide,
    right of their line, or left of it near the right edge so they are not cut off.
    """
    by_day: dict[date, list[str]] = {go_live: []}
    for milestone in records(milestones):
        by_day.setdefault(to_day(milestone["due"]), []).append(str(milestone["name"]))
    shapes, notes = [], []
    for row, (day, names) in enumerate(sorted(by_day.items())):
        live = day == go_live
        others = [n for n in names if n.strip().casefold() != "go-live"]
        label = "; ".join(["Go-live", *others] if live else names)
        if len(label) > LABEL_CHARS:
            label = label[: LABEL_CHARS - 1] + "…"
        hover = "<br>".join([plot_text(n) for n in names] or ["Go-live"]) + f"<br>{long_date(day)}"
        colour = TEXT_COLOUR if live else MUTED_COLOUR
        shapes.append(
            vline(
                day,
                "go-live" if live else "milestone",
                colour,
                3.5 if live else 1.2,
                "solid" if live else "dot",
            )
        )
        notes.append(  # bold by font weight, not <b>: plotly would style it inline, which the CSP blocks
            vline_label(
                day,
                plot_text(label),
                span,
                y=1 if row % 2 == 0 else 0.95,
                colour=colour,
                hovertext=hover,
                weight=700 if live else 400,
            )
        )
    shapes.append(vline(today, "today", "#000000", 1.5, "dash"))
    notes.append(
        {
            "x": today.isoformat(),
            "xref": "x",
            "yref": "paper",
            "y": 0,
            "yanchor": "bottom",
            "xanchor": "right",
            "xshift": -3,
            "showarrow": False,
            "text": "Today",
            "hovertext": long_date(today),
            "font": {"size": 12, "color": "#000000"},
        }
    )
    return shapes, notes


def _x_range(
    trend: pd.DataFrame, milestones: pd.DataFrame | Sequence[Mapping[str, Any]], go_live: date, today: date
) -> tuple[date, date]:
    """Every wave, milestone, today and go-live, with a little room either side."""
    days = [go_live, today]
    days += [to_day(d) for d in trend["closes_on"]] if len(trend) else []
    days += [to_day(m["due"]) for m in records(milestones)]
    return padded_span(days)
