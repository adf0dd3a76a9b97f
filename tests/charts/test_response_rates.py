"""Response rates: grouped bars per wave, every group shown (counts are not scores), overall first."""

from __future__ import annotations

import pandas as pd
import pytest

from adkar.analytics.counts import counts_from_scores
from adkar.analytics.trend import initiative_trend
from adkar.charts.common import GROUP_COLOURS, OVERALL_COLOUR
from adkar.charts.response_rates import response_rate_chart
from adkar.elements import ELEMENTS

from . import frames


def test_one_bar_series_per_group_including_hidden_ones():
    trend = frames.trend()
    figure = response_rate_chart(trend)["figure"]
    assert [t["name"] for t in figure["data"]] == ["Overall", "Sales", "Support", "Finance", "Legal"]
    assert figure["data"][0]["marker"]["color"] == OVERALL_COLOUR
    assert [t["marker"]["color"] for t in figure["data"][1:]] == list(GROUP_COLOURS[:4])
    for trace in figure["data"]:
        assert trace["x"] == ["Baseline", "Pulse 2", "Pulse 3"]
    finance = trend[trend["name"] == "Finance"]
    assert figure["data"][3]["y"] == pytest.approx((finance["n"] / finance["invited"]).tolist())
    assert figure["data"][3]["hovertext"][0] == "Finance · Baseline<br>3 of 7 invited responded (43%)"
    assert figure["layout"]["barmode"] == "group"


def test_axis_is_a_percentage_from_zero_and_fits_rates_above_one():
    layout = response_rate_chart(frames.trend())["figure"]["layout"]
    assert layout["yaxis"]["tickformat"] == ".0%" and layout["yaxis"]["range"][0] == 0
    assert layout["yaxis"]["range"][1] >= 1
    scores = pd.DataFrame(
        [frames.person("none", 1, 1) for _ in range(6)], columns=["wave_id", "group_id", *ELEMENTS]
    )
    roster = pd.DataFrame({"wave_id": [1], "group_id": [1], "group_name": ["Open link"], "invited": [4]})
    trend = initiative_trend(counts_from_scores(scores, roster), frames.WAVES.iloc[:1], 5)
    layout = response_rate_chart(trend)["figure"]["layout"]
    assert layout["yaxis"]["range"][1] >= 1.5


def test_nobody_invited_and_not_surveyed():
    scores = pd.DataFrame(
        [frames.person("none", w, 1) for w in (1, 2) for _ in range(5)],
        columns=["wave_id", "group_id", *ELEMENTS],
    )
    roster = pd.DataFrame(
        {
            "wave_id": [1, 2, 2],
            "group_id": [1, 1, 2],
            "group_name": ["Sales", "Sales", "Ops"],
            "invited": [10, 0, 0],
        }
    )
    trend = initiative_trend(counts_from_scores(scores, roster), frames.WAVES.iloc[:2], 5)
    figure = response_rate_chart(trend)["figure"]
    sales, ops = figure["data"][1], figure["data"][2]
    assert sales["y"] == [0.5, None]
    assert sales["hovertext"][1] == "Sales · Pulse 2: 5 responses, nobody invited"
    assert ops["y"] == [None, None] and ops["hovertext"][0] == "Ops · Baseline: not surveyed"


def test_caption_reports_the_latest_wave_and_the_spread():
    trend = frames.trend()
    last = trend[trend["wave_id"] == 3]
    overall = last[last["group_id"].isna()].iloc[0]
    caption = response_rate_chart(trend)["caption"]
    assert caption.startswith(
        f"In Pulse 3, {overall['response_rate']:.0%} of invited people responded "
        f"({overall['n']} of {overall['invited']})."
    )
    assert "Lowest: Finance at 43%; highest: Sales at 48%." in caption  # Legal ties Finance: first created
    assert "Overall the rate held at" in caption
