"""The adoption/resistance trend: series and dropdown, milestone markers, today, go-live and projection."""

from __future__ import annotations

import json
from datetime import date, datetime

import pandas as pd
import pytest

from adkar.analytics.counts import counts_from_scores
from adkar.analytics.trend import initiative_trend
from adkar.charts.readiness_trend import readiness_trend_chart
from adkar.elements import ELEMENTS

from . import frames


def build(trend=None, **kwargs):
    options = {"milestones": frames.MILESTONES, "go_live": frames.GO_LIVE, "today": frames.TODAY} | kwargs
    return readiness_trend_chart(frames.trend() if trend is None else trend, **options)


def traces_named(figure, name, visible=True):
    return [t for t in figure["data"] if t["name"] == name and t["visible"] is visible]


def overall(trend: pd.DataFrame) -> pd.DataFrame:
    return trend[trend["group_id"].isna()]


def test_only_overall_shows_and_the_menu_offers_visible_groups():
    figure = build()["figure"]
    shown = [t for t in figure["data"] if t["visible"]]
    assert [t["name"] for t in shown] == ["Adoption", "Resistance", "Projected adoption"]
    expected = overall(frames.trend())
    assert shown[0]["y"] == pytest.approx(expected["adoption"].tolist())
    assert shown[1]["y"] == pytest.approx(expected["resistance"].tolist())
    assert shown[0]["x"] == ["2025-02-01", "2025-03-15", "2025-04-30"]

    (menu,) = figure["layout"]["updatemenus"]
    assert [b["label"] for b in menu["buttons"]] == ["Overall", "Sales", "Support"]
    for button in menu["buttons"]:
        visible = button["args"][0]["visible"]
        assert len(visible) == len(figure["data"])
        chosen = [t for t, v in zip(figure["data"], visible, strict=True) if v]
        assert [t["name"] for t in chosen] == ["Adoption", "Resistance", "Projected adoption"]
        assert all(button["label"] in t["text"][0] for t in chosen)


def test_hidden_groups_are_not_offered_and_named_in_the_caption():
    spec = build()
    assert "Too few responses in every wave to show: Finance, Legal." in spec["caption"]
    assert "Finance" not in json.dumps(spec["figure"]) and "Legal" not in json.dumps(spec["figure"])


def test_group_figures_do_not_depend_on_hidden_answers():
    """Without the overall rows (which pool everyone) nothing in the figure moves with hidden answers."""
    figures = [
        json.dumps(build(trend[trend["group_id"].notna()]), sort_keys=True)
        for trend in (frames.trend(), frames.trend(hidden_variant=True))
    ]
    assert figures[0] == figures[1]
    assert json.dumps(build(frames.trend(k=3))) != json.dumps(build(frames.trend(k=3, hidden_variant=True)))


def test_a_wave_hidden_for_one_group_is_a_gap_not_a_value():
    rows = [frames.person("none", w, 1) for w in (1, 2, 3) for _ in range(6)]
    rows += [frames.person("awareness", w, 2) for w in (1, 3) for _ in range(6)]
    rows += [frames.person("awareness", 2, 2) for _ in range(4)]  # hidden in wave 2
    rows += [frames.person("awareness", 2, 3) for _ in range(5)]
    scores = pd.DataFrame(rows, columns=["wave_id", "group_id", *ELEMENTS])
    trend = initiative_trend(counts_from_scores(scores), frames.WAVES, 5)
    figure = build(trend)["figure"]
    group_2 = [t for t in figure["data"] if t["text"][0].startswith("Group 2")]
    adoption, resistance = group_2[0], group_2[1]
    assert adoption["y"] == [0.0, None, 0.0] and resistance["y"] == [1.0, None, 1.0]
    assert adoption["connectgaps"] is False
    assert "hidden for anonymity" in adoption["text"][1] and "%" not in adoption["text"][1]


def test_one_marker_per_milestone_with_a_thicker_go_live_and_today():
    layout = build()["figure"]["layout"]
    milestones = [s for s in layout["shapes"] if s["name"] == "milestone"]
    (go_live,) = [s for s in layout["shapes"] if s["name"] == "go-live"]
    (today,) = [s for s in layout["shapes"] if s["name"] == "today"]
    others = [m for m in frames.MILESTONES if m["due"] != frames.GO_LIVE]
    assert sorted(s["x0"] for s in milestones) == sorted(m["due"].isoformat() for m in others)
    assert go_live["x0"] == go_live["x1"] == "2025-06-01"
    assert go_live["line"]["width"] > max(s["line"]["width"] for s in milestones)
    assert today["x0"] == "2025-05-05" and today["line"]["dash"] == "dash"
    labels = [a["text"] for a in layout["annotations"]]
    assert "Go-live" in labels and "Today" in labels
    for milestone in others:
        assert milestone["name"] in labels


def test_go_live_is_marked_even_without_a_go_live_milestone():
    layout = build(milestones=[])["figure"]["layout"]
    assert [s["name"] for s in layout["shapes"]] == ["go-live", "today"]


def test_milestone_names_are_escaped_and_long_ones_shortened():
    milestones = [{"name": "<b>Cut-over</b> & a very long milestone name indeed", "due": date(2025, 3, 1)}]
    notes = build(milestones=milestones)["figure"]["layout"]["annotations"]
    note = next(n for n in notes if "Cut-over" in n["text"])
    assert note["text"].startswith("&lt;b&gt;Cut-over&lt;/b&gt; &amp;") and note["text"].endswith("…")
    assert "<b>" not in note["hovertext"]


def test_projection_is_a_dashed_line_to_go_live_from_the_visible_points():
    trend = frames.trend()
    figure = build(trend)["figure"]
    (projection,) = traces_named(figure, "Projected adoption")
    points = overall(trend)
    # Overall adoption 8/24, 11/24, 15/24 on days 0, 42, 88 (1 Feb, 15 Mar, 30 Apr): least-squares slope
    # 12.861 / 3874.67 = 0.0033193 a day; from 15/24 on 30 April, 32 days to go-live: 0.625 + 0.10622.
    expected = 0.73122
    assert projection["line"]["dash"] == "dash"
    assert projection["x"] == ["2025-04-30", "2025-06-01"]
    assert projection["y"] == pytest.approx([points["adoption"].iloc[-1], expected], abs=1e-5)
    assert f"{expected:.0%} by go-live on 1 June 2025" in build(trend)["caption"]


def test_no_projection_from_a_single_wave_or_past_go_live():
    single = frames.trend()
    single = single[single["wave_id"] == 1]
    spec = build(single)
    assert not traces_named(spec["figure"], "Projected adoption")
    assert spec["caption"].startswith("After Baseline (closed 1 Feb 2025), adoption is ")

    late = build(go_live=date(2025, 4, 1), today=date(2025, 5, 5))
    assert not [t for t in late["figure"]["data"] if t["name"] == "Projected adoption"]
    assert "go-live" not in late["caption"]


def test_caption_states_the_change_over_the_waves():
    points = overall(frames.trend())
    a, r = points["adoption"].tolist(), points["resistance"].tolist()
    caption = build()["caption"]
    assert caption.startswith(
        f"Adoption rose from {a[0]:.0%} to {a[-1]:.0%} over 3 waves; resistance fell from {r[0]:.0%} to {r[-1]:.0%}."
    )
    assert "Choose a group in the menu" in caption


def test_axes_span_every_date_and_read_as_percentages():
    layout = build()["figure"]["layout"]
    start, end = layout["xaxis"]["range"]
    assert layout["xaxis"]["type"] == "date"
    assert start < "2025-02-01" and end > "2025-07-13"
    assert layout["yaxis"]["tickformat"] == ".0%" and layout["yaxis"]["range"][0] == 0
    assert max(layout["yaxis"]["tickvals"]) == 1


def test_without_any_visible_wave():
    rows = [frames.person("none", 1, 1) for _ in range(2)]
    scores = pd.DataFrame(rows, columns=["wave_id", "group_id", *ELEMENTS])
    waves = pd.DataFrame(
        {
            "wave_id": [1],
            "name": ["Baseline"],
            "closes_on": [date(2025, 2, 1)],
            "created_at": [datetime(2025, 1, 1)],
        }
    )
    spec = build(initiative_trend(counts_from_scores(scores), waves, 5))
    assert spec["figure"]["data"] == []
    assert "updatemenus" not in spec["figure"]["layout"]
    assert spec["caption"].startswith("No survey wave has enough responses yet")
    assert "Group 1" in spec["caption"]


def test_milestones_on_the_go_live_date_join_its_label():
    milestones = [{"name": "Release 2", "due": frames.GO_LIVE}, {"name": "go-live", "due": frames.GO_LIVE}]
    layout = build(milestones=milestones)["figure"]["layout"]
    assert [s["name"] for s in layout["shapes"]] == ["go-live", "today"]
    note = next(a for a in layout["annotations"] if a["x"] == "2025-06-01")
    assert note["text"] == "Go-live; Release 2" and note["font"]["weight"] == 700
    assert note["hovertext"] == "Release 2<br>go-live<br>1 June 2025"
