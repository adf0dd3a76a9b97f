"""Invariants over random respondents: aggregate like the database, then check what must always hold."""

from __future__ import annotations

import itertools
import json
import math
from datetime import date, timedelta

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from adkar.analytics.counts import counts_from_scores
from adkar.analytics.projection import project
from adkar.analytics.readiness import (
    BARRIER_COLUMNS,
    FAVORABLE_COLUMNS,
    MEAN_COLUMNS,
    REACHED_COLUMNS,
    SCORE_COLUMNS,
    readiness_to_api,
    wave_readiness,
)
from adkar.elements import ELEMENTS, LIKERT_MAX, LIKERT_MIN, barrier_point

SETTINGS = settings(max_examples=40, deadline=None)

# Element scores are means of 1-5 answers: quarters and thirds cover 3.0 and 4.0 and their neighbours.
score = st.one_of(st.integers(4, 20).map(lambda q: q / 4), st.integers(3, 15).map(lambda t: t / 3))
person = st.tuples(*[score] * len(ELEMENTS))
group = st.tuples(st.lists(person, max_size=14), st.integers(0, 30))
wave = st.lists(group, min_size=1, max_size=6)
k_values = st.integers(3, 12)


def aggregate(groups: list[tuple[list[tuple[float, ...]], int]]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(respondent rows, counts frame) for one wave; group ids 1..len."""
    rows = [
        {"wave_id": 1, "group_id": g, **dict(zip(ELEMENTS, p, strict=True))}
        for g, (people, _) in enumerate(groups, start=1)
        for p in people
    ]
    scores = pd.DataFrame(rows, columns=["wave_id", "group_id", *ELEMENTS])
    roster = pd.DataFrame(
        {
            "wave_id": 1,
            "group_id": range(1, len(groups) + 1),
            "group_name": [f"G{g}" for g in range(1, len(groups) + 1)],
            "invited": [invited for _, invited in groups],
        }
    )
    return scores, counts_from_scores(scores, roster)


@SETTINGS
@given(wave, k_values)
def test_visible_groups_have_coherent_shares(groups, k):
    _, counts = aggregate(groups)
    result = wave_readiness(counts, k)
    rows = [*(r for _, r in result.groups.iterrows()), result.overall]
    for row in rows:
        if row["suppressed"]:
            assert all(pd.isna(row[c]) for c in SCORE_COLUMNS)
            continue
        assert row["n"] >= k
        assert not any(pd.isna(row[c]) for c in SCORE_COLUMNS)
        assert math.isclose(sum(row[c] for c in BARRIER_COLUMNS), 1.0)
        reached = [row[c] for c in REACHED_COLUMNS]
        assert all(a >= b for a, b in itertools.pairwise(reached))
        assert all(LIKERT_MIN - 1e-9 <= row[c] <= LIKERT_MAX + 1e-9 for c in MEAN_COLUMNS)
        assert all(0 <= row[c] <= 1 for c in (*FAVORABLE_COLUMNS, *BARRIER_COLUMNS, *REACHED_COLUMNS))
        assert row["adoption"] == row["reached_ability"]
        assert math.isclose(row["resistance"], row["barrier_awareness"] + row["barrier_desire"])
        assert math.isclose(row["reached_reinforcement"], row["barrier_none"])


@SETTINGS
@given(wave, k_values)
def test_hidden_responses_cannot_be_recovered_by_subtraction(groups, k):
    _, counts = aggregate(groups)
    result = wave_readiness(counts, k)
    g = result.groups
    hidden_total = int(g.loc[g["suppressed"], "n"].sum())
    if g["suppressed"].all() and hidden_total < k:
        # Every group hidden and the wave is too small: the overall row is hidden as well.
        assert result.overall["suppressed"]
    else:
        assert hidden_total == 0 or hidden_total >= k
    assert (g.loc[g["n"] < k, "suppressed"]).all()
    assert bool(result.overall["suppressed"]) == (int(g["n"].sum()) < k)


@SETTINGS
@given(wave, k_values)
def test_complementary_suppression_hides_at_most_the_smallest_visible_group(groups, k):
    _, counts = aggregate(groups)
    g = wave_readiness(counts, k).groups
    extra = g[g["suppressed"] & (g["n"] >= k)]
    assert len(extra) <= 1
    if len(extra) == 1:
        primary = int(g.loc[g["n"] < k, "n"].sum())
        assert 1 <= primary < k
        candidates = g[g["n"] >= k].sort_values(["n", "group_id"])
        assert int(candidates["group_id"].iloc[0]) == int(extra["group_id"].iloc[0])


@SETTINGS
@given(wave, k_values)
def test_shares_match_direct_per_respondent_computation(groups, k):
    scores, counts = aggregate(groups)
    result = wave_readiness(counts, k)
    points = [barrier_point(dict(zip(ELEMENTS, p, strict=True))) for p in scores[list(ELEMENTS)].to_numpy()]
    order = {b: i for i, b in enumerate(ELEMENTS)}
    position = pd.Series([order.get(b, len(ELEMENTS)) for b in points], index=scores.index)
    overall = result.overall
    if overall["suppressed"]:
        return
    for i, e in enumerate(ELEMENTS):
        assert int(overall[f"reached_count_{e}"]) == int((position > i).sum())
        assert math.isclose(overall[f"mean_{e}"], scores[e].mean())
        assert math.isclose(overall[f"favorable_{e}"], (scores[e] >= 4.0).mean())
    for row in result.groups[~result.groups["suppressed"]].itertuples():
        mine = scores["group_id"] == row.group_id
        assert int(row.reached_count_ability) == int((position[mine] > order["ability"]).sum())


@SETTINGS
@given(wave, k_values)
def test_api_dicts_are_plain_json(groups, k):
    _, counts = aggregate(groups)
    result = wave_readiness(counts, k)
    payload = [readiness_to_api(r) for _, r in result.groups.iterrows()] + [readiness_to_api(result.overall)]
    text = json.dumps(payload, allow_nan=False)
    assert json.loads(text) == payload

    def plain(value):
        if isinstance(value, dict):
            return all(plain(v) for v in value.values())
        return value is None or type(value) in (int, float, bool, str)

    assert all(plain(item) for item in payload)
    for item, (_, row) in zip(payload, result.groups.iterrows(), strict=False):
        assert (item["response_rate"] is None) == (row["invited"] == 0)
        assert (item["adoption"] is None) == bool(row["suppressed"])


@SETTINGS
@given(
    st.lists(st.integers(0, 400), min_size=2, max_size=6, unique=True),
    st.floats(0.0, 1.0),
    st.floats(-0.002, 0.002),
    st.integers(0, 500),
)
def test_projection_recovers_a_line_and_stays_in_bounds(days, intercept, slope, target):
    start = date(2025, 1, 1)
    values = [intercept + slope * d for d in days]
    dates = [start + timedelta(days=d) for d in days]
    value = project(zip(dates, values, strict=True), at=start + timedelta(days=target)).projected
    assert value is not None
    assert 0.0 <= value <= 1.0
    assert math.isclose(value, min(1.0, max(0.0, intercept + slope * target)), abs_tol=1e-9)


@SETTINGS
@given(
    st.lists(
        st.tuples(st.integers(0, 400), st.floats(0.0, 1.0)), min_size=3, max_size=8, unique_by=lambda p: p[0]
    ),
    st.lists(st.tuples(st.integers(-400, -1), st.floats(0.0, 1.0)), max_size=4, unique_by=lambda p: p[0]),
    st.integers(0, 200),
)
def test_projection_starts_at_the_last_point_and_old_waves_stop_pulling_it(recent, older, ahead):
    start = date(2025, 1, 1)
    recent = sorted(recent)
    last_day, last_value = recent[-1]
    at = start + timedelta(days=last_day + ahead)
    as_points = [(start + timedelta(days=d), v) for d, v in recent]
    result = project(as_points, at=at)
    assert result.projected is not None and result.slope is not None
    # Rising over the last three points: never below the last value; falling: never above it.
    if result.slope >= 0:
        assert result.projected >= last_value - 1e-12
    else:
        assert result.projected <= last_value + 1e-12
    assert math.isclose(result.pace, result.slope * 7)
    # Waves before the last three change nothing.
    earlier = [(start + timedelta(days=d), v) for d, v in older]
    assert project(earlier + as_points[-3:], at=at) == project(as_points[-3:], at=at)
