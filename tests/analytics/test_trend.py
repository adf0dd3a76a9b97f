"""The initiative trend stacks waves in time order with suppression applied per wave."""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd
import pytest

from adkar.analytics.counts import counts_from_scores
from adkar.analytics.gates import milestone_gate
from adkar.analytics.trend import TREND_COLUMNS, initiative_trend

from .builders import scores_frame, uniform_group, waves_frame

WAVES = waves_frame(
    [
        (10, date(2025, 4, 1), datetime(2025, 3, 2), [1, 2]),
        (11, date(2025, 3, 1), datetime(2025, 2, 1), [1, 2]),
        (12, date(2025, 4, 1), datetime(2025, 3, 1), [1, 2]),
        (13, date(2025, 5, 1), datetime(2025, 4, 1), [1, 2]),  # no responses yet
    ]
)


def counts() -> pd.DataFrame:
    rows = (
        uniform_group(6, 4, 4, 4, 4, 4, wave_id=10, group_id=1)
        + uniform_group(6, 2, 4, 4, 4, 4, wave_id=10, group_id=2)
        + uniform_group(3, 4, 4, 4, 4, 4, wave_id=11, group_id=1)  # hidden, and hides group 2
        + uniform_group(9, 4, 4, 4, 4, 4, wave_id=11, group_id=2)
        + uniform_group(7, 4, 4, 4, 4, 4, wave_id=12, group_id=2)
    )
    return counts_from_scores(scores_frame(rows))


def test_rows_in_wave_order_with_overall_last():
    trend = initiative_trend(counts(), WAVES, k=5)
    assert list(trend.columns) == list(TREND_COLUMNS)
    keys = [
        (int(w), None if pd.isna(g) else int(g))
        for w, g in zip(trend["wave_id"], trend["group_id"], strict=True)
    ]
    assert keys == [
        (11, 1),
        (11, 2),
        (11, None),
        (12, 2),
        (12, None),
        (10, 1),
        (10, 2),
        (10, None),
        (13, None),
    ]
    assert trend.loc[trend["group_id"].isna(), "name"].eq("Overall").all()
    assert list(trend["closes_on"].iloc[:3]) == [date(2025, 3, 1)] * 3
    assert trend["wave_name"].iloc[0] == "Wave 11"


def test_suppression_per_wave():
    trend = initiative_trend(counts(), WAVES, k=5).set_index(["wave_id", "name"])
    assert trend.loc[(11, "Group 1"), "suppressed"]
    assert trend.loc[(11, "Group 2"), "suppressed"]  # complementary
    assert not trend.loc[(11, "Overall"), "suppressed"]
    assert trend.loc[(11, "Overall"), "n"] == 12
    assert not trend.loc[(10, "Group 2"), "suppressed"]
    assert trend.loc[(10, "Group 2"), "barrier_awareness"] == 1.0
    assert trend.loc[(10, "Overall"), "resistance"] == 0.5
    assert trend.loc[(13, "Overall"), "suppressed"]
    assert pd.isna(trend.loc[(11, "Group 1"), "mean_awareness"])


def test_gate_reads_the_trend_frame():
    trend = initiative_trend(counts(), WAVES, k=5)
    milestone = {
        "id": 1,
        "due": date(2025, 4, 1),
        "target_element": "desire",
        "threshold": 0.8,
        "group_ids": [],
    }
    result = milestone_gate(milestone, group_ids=[1, 2], waves=WAVES, readiness=trend)
    groups = {g["group_id"]: g for g in result["groups"]}
    assert (groups[1]["wave_id"], groups[1]["status"], groups[1]["value"]) == (10, "ready", 1.0)
    assert (groups[2]["wave_id"], groups[2]["status"], groups[2]["value"]) == (10, "not_ready", 0.0)
    # Group 2 visible in waves 12 (Apr 1, 1.0) and 10 (Apr 1, 0.0): one distinct date -> no projection.
    assert groups[2]["projected"] is None


def test_no_waves_gives_an_empty_frame_with_columns():
    empty = initiative_trend(counts().iloc[:0], WAVES.iloc[:0], k=5)
    assert empty.empty
    assert list(empty.columns) == list(TREND_COLUMNS)


def test_counts_for_unknown_waves_are_refused():
    with pytest.raises(ValueError, match="missing from the waves frame"):
        initiative_trend(counts(), WAVES[WAVES["wave_id"] != 10], k=5)
