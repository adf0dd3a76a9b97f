"""Measured usage beside survey readiness: does "able" turn into "using"?

Utilisation (active users / headcount) from usage figures, survey adoption and resistance from the
waves, on one date axis against go-live, with the target utilisation as a horizontal line. One figure
holds every series (Overall and each group); a dropdown switches between them. Survey points where a
group is hidden for anonymity are gaps, as in the readiness trend.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

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

TITLE = "Usage against survey adoption"
USAGE_COLOUR = "#0072B2"
TARGET_COLOUR = "#1f2933"


class _Series:
    def __init__(self, name: str, usage: list[dict], survey: list[dict]) -> None:
        self.name = name
        self.usage_x = [iso_day(r["day"]) for r in usage]
        self.utilisation = [number(r["utilisation"]) for r in usage]
        self.active = [(int(r["active_users"]), int(r["headcount"])) for r in usage]
        self.survey_x = [iso_day(r["closes_on"]) for r in survey]
        self.adoption = [None if r["suppressed"] else number(r["adoption"]) for r in survey]
        self.resistance = [None if r["suppressed"] else number(r["resistance"]) for r in survey]
        self.waves = [str(r["wave_name"]) for r in survey]
        self.n = [int(r["n"]) for r in survey]

    @property
    def has_data(self) -> bool:
        return bool(self.usage_x) or any(v is not None for v in self.adoption)

    def traces(self, *, shown: bool) -> list[dict]:
        label = plot_text(self.name)
        usage_text = [
            f"{label} · {short_date(x)}<br>Utilisation {pct(u)} ({a:,} of {h:,} active)"
            for x, u, (a, h) in zip(self.usage_x, self.utilisation, self.active, strict=True)
        ]
        traces = [
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": "Utilisation (usage)",
                "x": self.usage_x,
                "y": self.utilisation,
                "visible": shown,
                "line": {"color": USAGE_COLOUR, "width": 3},
                "marker": {"symbol": "square", "size": 8},
                "text": usage_text,
                "hovertemplate": "%{text}<extra></extra>",
            }
        ]
        for measure, values, colour, dash, symbol in (
            ("Survey adoption", self.adoption, ADOPTION_COLOUR, "dash", "circle"),
            ("Survey resistance", self.resistance, RESISTANCE_COLOUR, "dot", "diamond"),
        ):
            traces.append(
                {
                    "type": "scatter",
                    "mode": "lines+markers",
                    "name": measure,
                    "x": self.survey_x,
                    "y": values,
                    "connectgaps": False,
                    "visible": shown,
                    "line": {"color": colour, "width": 2, "dash": dash},
                    "marker": {"symbol": symbol, "size": 8},
                    "text": [
                        f"{label} · {plot_text(w)}<br>{measure}: {pct(v)} (n={n})"
                        if v is not None
                        else f"{label} · {plot_text(w)}<br>hidden for anonymity"
                        for w, v, n in zip(self.waves, values, self.n, strict=True)
                    ],
                    "hovertemplate": "%{text}<extra></extra>",
                }
            )
        return traces

    def caption(self, *, target: float, go_live: date, today: date, reached_on: date | None) -> str:
        prefix = "Overall" if self.name == "Overall" else self.name
        if self.usage_x:
            latest = (
                f"{prefix}: utilisation is {pct(self.utilisation[-1])} on {long_date(self.usage_x[-1])}, "
                f"against a target of {pct(target)}."
            )
        else:
            latest = f"{prefix}: no usage figures yet; the target utilisation is {pct(target)}."
        shown = [i for i, v in enumerate(self.adoption) if v is not None]
        survey = (
            f"Survey adoption was {pct(self.adoption[shown[-1]])} in {self.waves[shown[-1]]}."
            if shown
            else "No survey wave shows this series' adoption yet."
        )
        if self.name != "Overall":
            progress = ""
        elif reached_on is not None:
            days = (reached_on - go_live).days
            progress = f"The target was reached on {long_date(reached_on)}, {days} day{'s' if days != 1 else ''} after go-live."
        elif today < go_live:
            progress = (
                f"Go-live is on {long_date(go_live)}; figures before it come from pilots and early users."
            )
        else:
            days = (today - go_live).days
            progress = f"The target is not reached yet, {days} day{'s' if days != 1 else ''} after go-live."
        return sentence(latest, survey, progress)


def _series(usage: pd.DataFrame, trend: pd.DataFrame) -> list[_Series]:
    """Overall first, then each group by id; a group keeps its latest name."""
    usage_rows, survey_rows = records(usage), records(trend)
    ids = sorted(
        {int(r["group_id"]) for r in usage_rows if not is_overall(r)}
        | {int(r["group_id"]) for r in survey_rows if not is_overall(r)}
    )
    series = [
        _Series(
            "Overall",
            [r for r in usage_rows if is_overall(r)],
            [r for r in survey_rows if is_overall(r)],
        )
    ]
    for group_id in ids:
        mine_usage = [r for r in usage_rows if not is_overall(r) and int(r["group_id"]) == group_id]
        mine_survey = [r for r in survey_rows if not is_overall(r) and int(r["group_id"]) == group_id]
        name = str((mine_usage or mine_survey)[-1]["name"])
        series.append(_Series(name, mine_usage, mine_survey))
    return series


def usage_chart(
    usage: pd.DataFrame,
    trend: pd.DataFrame,
    *,
    target: float,
    go_live: date,
    today: date,
    reached_on: date | None = None,
    chart_id: str = "usage-adoption",
) -> ChartSpec:
    """usage: `adoption.metrics.usage_frame(...)` rows (group_id <NA> for Overall, name, day,
    active_users, headcount, utilisation); trend: `initiative_trend(...)` rows. `reached_on` is the
    day overall utilisation first met the target after go-live (for the caption), if it has."""
    go_live, today = to_day(go_live), to_day(today)
    all_series = _series(usage, trend)
    offered = [s for s in all_series if s.has_data] or all_series[:1]
    empty = [s.name for s in all_series if s not in offered]
    data, menus = switchable(offered)
    span = _x_range(offered, go_live, today)
    layout = base_layout(
        TITLE,
        x_title="Date",
        y_title="Share of the group",
        xaxis=date_axis(span),
        yaxis=share_axis(1.12),
        legend=LEGEND_BELOW,
        margin=LEGEND_MARGIN,
        height=480,
    )
    layout["shapes"] = [
        {
            "type": "line",
            "name": "target-line",
            "xref": "paper",
            "x0": 0,
            "x1": 1,
            "yref": "y",
            "y0": target,
            "y1": target,
            "line": {"color": TARGET_COLOUR, "width": 2, "dash": "longdash"},
        },
        vline(go_live, "go-live", TEXT_COLOUR, 3.5, "solid"),
        vline(today, "today", "#000000", 1.5, "dash"),
    ]
    layout["annotations"] = [
        {
            "xref": "paper",
            "x": 0,
            "xanchor": "left",
            "yref": "y",
            "y": target,
            "yanchor": "bottom",
            "text": f"Target utilisation {pct(target)}",
            "showarrow": False,
            "bgcolor": "rgba(255,255,255,0.85)",
            "font": {"size": 12, "color": TARGET_COLOUR},
        },
        vline_label(
            go_live, "Go-live", span, y=1, colour=TEXT_COLOUR
        ),  # no <b>: plotly styles it inline (CSP)
        vline_label(today, "Today", span, y=0.94, colour=MUTED_COLOUR),
    ]
    if menus:
        layout["updatemenus"] = menus
    caption = sentence(
        offered[0].caption(target=target, go_live=go_live, today=today, reached_on=reached_on),
        "Choose a group in the menu to see its own usage." if len(offered) > 1 else "",
        f"No usage figures and too few survey responses to show: {', '.join(empty)}." if empty else "",
    )
    return chart_spec(chart_id, TITLE, caption, data, layout)


def _x_range(series: list[_Series], go_live: date, today: date) -> tuple[date, date]:
    days = [go_live, today]
    for s in series:
        days += [to_day(x) for x in s.usage_x + s.survey_x]
    return padded_span(days)
