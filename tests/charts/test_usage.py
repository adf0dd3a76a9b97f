"""The usage chart: utilisation beside survey adoption and resistance, the target line, go-live."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date

import pandas as pd

from adkar.adoption.metrics import GroupInfo, empty_figures, usage_frame
from adkar.charts.render import figure_json
from adkar.charts.usage import usage_chart

from . import frames
from .test_all_charts import plain_json_types

GROUPS = [
    GroupInfo(1, "Sales", 10),
    GroupInfo(2, "Support", 8),
    GroupInfo(3, "Finance", 3),
    GroupInfo(4, "Legal", 3),
]
FIGURES = pd.DataFrame(
    [
        (1, date(2025, 5, 20), 2),  # a pilot
        (1, date(2025, 6, 8), 6),
        (2, date(2025, 6, 8), 4),
        (1, date(2025, 6, 22), 9),
        (2, date(2025, 6, 22), 8),
    ],
    columns=["group_id", "day", "active_users"],
)


def chart(**overrides):
    args = {
        "target": 0.75,
        "go_live": frames.GO_LIVE,
        "today": date(2025, 6, 25),
        "reached_on": date(2025, 6, 22),
    } | overrides
    return usage_chart(usage_frame(FIGURES, GROUPS), frames.trend(), **args)


def test_the_figure_is_plain_json_with_labels():
    spec = chart()
    assert spec["id"] == "usage-adoption" and spec["title"]
    plain_json_types(spec["figure"])
    json.dumps(spec, allow_nan=False)
    assert json.loads(str(figure_json(spec["figure"]))) == spec["figure"]
    layout = spec["figure"]["layout"]
    assert layout["xaxis"]["type"] == "date" and layout["yaxis"]["tickformat"] == ".0%"


def test_target_go_live_and_today_are_drawn():
    layout = chart()["figure"]["layout"]
    shapes = {s["name"]: s for s in layout["shapes"]}
    assert shapes["target-line"]["y0"] == shapes["target-line"]["y1"] == 0.75
    assert shapes["target-line"]["xref"] == "paper"
    assert shapes["go-live"]["x0"] == "2025-06-01" and shapes["today"]["x0"] == "2025-06-25"
    assert "Target utilisation 75%" in [a["text"] for a in layout["annotations"]]


def test_overall_first_then_each_group_in_a_dropdown():
    spec = chart()
    data = spec["figure"]["data"]
    overall = [t for t in data if t["visible"]]
    assert [t["name"] for t in overall] == ["Utilisation (usage)", "Survey adoption", "Survey resistance"]
    usage = overall[0]
    # Overall headcount 24: 2, 2, 6 + 4 (carried) ... each day's sum of latest figures
    assert usage["x"] == ["2025-05-20", "2025-06-08", "2025-06-22"]
    assert usage["y"] == [2 / 24, 10 / 24, 17 / 24]
    menu = spec["figure"]["layout"]["updatemenus"][0]
    assert [b["label"] for b in menu["buttons"]] == ["Overall", "Sales", "Support"]
    assert all(len(b["args"][0]["visible"]) == len(data) for b in menu["buttons"])


def test_hidden_survey_points_are_gaps_never_values():
    spec = chart()
    assert "Finance" not in json.dumps(spec["figure"])  # hidden in every wave and no usage: not offered
    assert "too few survey responses to show: Finance, Legal." in spec["caption"]
    with_usage = pd.concat([FIGURES, pd.DataFrame([(3, date(2025, 6, 8), 2)], columns=FIGURES.columns)])
    data = usage_chart(
        usage_frame(with_usage, GROUPS),
        frames.trend(),
        target=0.75,
        go_live=frames.GO_LIVE,
        today=frames.TODAY,
    )["figure"]["data"]
    finance = [t for t in data if "Finance" in json.dumps(t.get("text", []))]
    usage = next(t for t in finance if t["name"] == "Utilisation (usage)")
    assert usage["y"] == [2 / 3]
    adoption = next(t for t in finance if t["name"] == "Survey adoption")
    assert adoption["y"] == [None, None, None]
    assert all("hidden for anonymity" in text for text in adoption["text"])


def test_caption_says_when_the_target_was_reached():
    assert "The target was reached on 22 June 2025, 21 days after go-live." in chart()["caption"]
    assert "utilisation is 71% on 22 June 2025, against a target of 75%" in chart()["caption"]
    assert "not reached yet, 24 days after go-live" in chart(reached_on=None)["caption"]
    early = chart(reached_on=None, today=date(2025, 5, 25))["caption"]
    assert "Go-live is on 1 June 2025; figures before it come from pilots" in early


def test_without_figures_the_chart_still_shows_the_survey_and_the_target():
    spec = usage_chart(
        usage_frame(empty_figures(), GROUPS),
        frames.trend(),
        target=0.8,
        go_live=frames.GO_LIVE,
        today=frames.TODAY,
    )
    assert "no usage figures yet" in spec["caption"]
    assert any(s["name"] == "target-line" for s in spec["figure"]["layout"]["shapes"])
    empty = usage_chart(
        usage_frame(empty_figures(), []),
        frames.trend().iloc[:0],
        target=0.8,
        go_live=frames.GO_LIVE,
        today=frames.TODAY,
    )
    assert [t["name"] for t in empty["figure"]["data"]] == [
        "Utilisation (usage)",
        "Survey adoption",
        "Survey resistance",
    ]


def test_group_names_are_escaped_for_plotly():
    groups = [GroupInfo(1, "<b>Sales</b>", 10)]
    spec = usage_chart(
        usage_frame(FIGURES[FIGURES["group_id"] == 1], groups),
        frames.trend().iloc[:0],
        target=0.8,
        go_live=frames.GO_LIVE,
        today=frames.TODAY,
    )
    text = json.dumps(spec["figure"])
    assert "<b>Sales" not in text and "&lt;b&gt;Sales" in text


def test_the_module_does_not_import_plotly():
    code = "import sys, adkar.charts.usage, adkar.charts.portfolio\nprint([m for m in sys.modules if m.startswith('plotly')])"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
