"""Hand-computed readiness for one wave."""

from __future__ import annotations

import json
import math

import pandas as pd
import pytest

from adkar.analytics.counts import counts_from_scores
from adkar.analytics.readiness import READINESS_COLUMNS, SCORE_COLUMNS, readiness_to_api, wave_readiness
from adkar.elements import BARRIER_CHOICES, ELEMENTS

from .builders import counts_for_sizes, respondent, scores_frame, uniform_group


def test_shares_from_hand_computed_group():
    rows = [
        respondent(4, 4, 4, 4, 4),  # none
        respondent(4, 4, 4, 3, 5),  # ability
        respondent(2, 5, 5, 5, 5),  # awareness
        respondent(4, 3.5, 2, 1, 1),  # knowledge: the first low element, not the lowest (ability)
        respondent(5, 3, 4, 4, 2),  # desire
    ]
    result = wave_readiness(counts_from_scores(scores_frame(rows)), k=5)
    g = result.groups.iloc[0]
    assert not g["suppressed"]
    assert g["mean_awareness"] == pytest.approx(19 / 5)
    assert g["favorable_awareness"] == pytest.approx(4 / 5)
    assert g["favorable_desire"] == pytest.approx(3 / 5)
    barrier = {b: g[f"barrier_{b}"] for b in BARRIER_CHOICES}
    assert barrier == pytest.approx(
        {"awareness": 0.2, "desire": 0.2, "knowledge": 0.2, "ability": 0.2, "reinforcement": 0.0, "none": 0.2}
    )
    reached = [g[f"reached_count_{e}"] for e in ELEMENTS]
    assert reached == [4, 3, 2, 1, 1]
    assert g["reached_ability"] == pytest.approx(0.2)
    assert g["adoption"] == g["reached_ability"]
    assert g["resistance"] == pytest.approx(0.4)
    assert list(result.groups.columns) == list(READINESS_COLUMNS)


def test_suppressed_rows_keep_n_invited_rate_and_drop_scores():
    result = wave_readiness(counts_for_sizes({1: 4, 2: 30}), k=5)
    groups = result.groups.set_index("group_id")
    small = groups.loc[1]
    assert small["suppressed"]
    assert (small["n"], small["invited"], small["response_rate"]) == (4, 8, 0.5)
    assert all(pd.isna(small[c]) for c in SCORE_COLUMNS)
    # 4 hidden responses would be revealed by overall minus the 30, so the 30 is hidden too.
    assert groups.loc[2, "suppressed"]
    assert not result.overall["suppressed"]
    assert result.overall["n"] == 34
    assert result.overall["mean_desire"] == 4.0


def test_complementary_suppression_in_a_wave():
    groups = wave_readiness(counts_for_sizes({1: 3, 2: 8, 3: 20}), k=5).groups.set_index("group_id")
    assert groups["suppressed"].to_dict() == {1: True, 2: True, 3: False}
    assert groups.loc[3, "reached_reinforcement"] == 1.0


def test_overall_pools_everything_and_hides_below_k():
    result = wave_readiness(counts_for_sizes({1: 2, 2: 2}), k=5)
    assert result.overall["suppressed"]
    assert result.overall["n"] == 4
    assert result.overall["invited"] == 8
    assert pd.isna(result.overall["group_id"])
    assert result.overall["name"] == "Overall"
    assert all(pd.isna(result.overall[c]) for c in SCORE_COLUMNS)


def test_response_rate_is_null_when_nobody_was_invited():
    roster = pd.DataFrame(
        {"wave_id": [1, 1], "group_id": [1, 2], "group_name": ["A", "B"], "invited": [0, 6]}
    )
    rows = uniform_group(6, 4, 4, 4, 4, 4, group_id=1) + uniform_group(6, 4, 4, 4, 4, 4, group_id=2)
    result = wave_readiness(counts_from_scores(scores_frame(rows), roster), k=5)
    groups = result.groups.set_index("group_id")
    assert pd.isna(groups.loc[1, "response_rate"])
    assert groups.loc[2, "response_rate"] == 1.0
    assert result.overall["response_rate"] == 2.0  # imported responses do not change invited
    assert readiness_to_api(result.groups.iloc[0])["response_rate"] is None


def test_zero_response_group_is_hidden_but_hides_nobody_else():
    roster = pd.DataFrame(
        {"wave_id": [1, 1], "group_id": [1, 2], "group_name": ["A", "B"], "invited": [5, 7]}
    )
    rows = uniform_group(7, 4, 4, 4, 4, 4, group_id=2)
    groups = wave_readiness(counts_from_scores(scores_frame(rows), roster), k=5).groups.set_index("group_id")
    assert groups["suppressed"].to_dict() == {1: True, 2: False}
    assert groups.loc[1, "response_rate"] == 0.0


def test_k_is_checked_and_one_wave_only():
    counts = counts_for_sizes({1: 6})
    with pytest.raises(ValueError, match="below 3"):
        wave_readiness(counts, k=2)
    with pytest.raises(ValueError, match="one wave"):
        wave_readiness(pd.concat([counts, counts_for_sizes({1: 6}, wave_id=2)]), k=5)


def test_empty_wave_has_a_hidden_overall_row():
    result = wave_readiness(counts_for_sizes({}), k=5)
    assert result.groups.empty
    assert result.overall["n"] == 0
    assert result.overall["suppressed"]


def test_api_shape_for_group_and_overall():
    result = wave_readiness(counts_for_sizes({1: 3, 2: 8, 3: 20}), k=5)
    visible = readiness_to_api(result.groups.iloc[2])
    assert list(visible) == [
        "group_id",
        "name",
        "n",
        "invited",
        "response_rate",
        "suppressed",
        "mean",
        "favorable",
        "barrier",
        "reached",
        "adoption",
        "resistance",
    ]
    assert type(visible["group_id"]) is int
    assert type(visible["n"]) is int
    assert type(visible["mean"]["awareness"]) is float
    assert list(visible["barrier"]) == list(BARRIER_CHOICES)
    assert visible["reached"]["reinforcement"] == 1.0
    assert readiness_to_api(result.groups.iloc[2].to_dict()) == visible
    hidden = readiness_to_api(result.groups.iloc[0])
    assert hidden["suppressed"] is True
    assert hidden["mean"] == dict.fromkeys(ELEMENTS)
    assert hidden["adoption"] is None
    overall = readiness_to_api(result.overall)
    assert "group_id" not in overall
    assert "name" not in overall
    assert overall["n"] == 31
    text = json.dumps([visible, hidden, overall], allow_nan=False)
    assert not math.isnan(json.loads(text)[2]["mean"]["desire"])
