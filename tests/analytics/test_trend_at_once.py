"""The trend shaped for every wave at once (trend._all_waves, what a 1,000-group dashboard needs) equals
the wave-by-wave definition exactly: the same rows, order, dtypes and suppression."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from adkar.analytics import trend
from adkar.analytics.counts import counts_from_scores

from .builders import scores_frame, uniform_group, waves_frame

SCORES = st.tuples(*(st.sampled_from([1.0, 2.5, 3.0, 4.0, 5.0]) for _ in range(5)))


def ordered(waves: pd.DataFrame) -> pd.DataFrame:
    """The `order` frame initiative_trend builds before shaping."""
    return pd.DataFrame(
        {
            "wave_id": waves["wave_id"].astype("int64"),
            "wave_name": waves["name"].astype("str"),
            "closes_on": waves["closes_on"],
            "close_key": pd.to_datetime(waves["closes_on"]),
            "create_key": pd.to_datetime(waves["created_at"]),
        }
    ).sort_values(["close_key", "create_key", "wave_id"], ignore_index=True)


@settings(max_examples=60, deadline=None)
@given(
    cells=st.lists(
        st.tuples(st.integers(0, 3), st.integers(1, 6), st.integers(0, 12), SCORES), min_size=1, max_size=14
    ),
    closes=st.lists(st.integers(0, 3), min_size=4, max_size=4),
    k=st.integers(3, 6),
)
def test_all_waves_at_once_equals_wave_by_wave(cells, closes, k):
    waves = waves_frame(
        [
            (100 + w, date(2025, 1, 1) + timedelta(days=7 * closes[w]), datetime(2025, 1, 1, w), [1, 2, 3])
            for w in range(4)
        ]
    )
    rows = [r for w, g, n, s in cells for r in uniform_group(n, *s, wave_id=100 + w, group_id=g)]
    counts = counts_from_scores(scores_frame(rows))
    if counts.empty:
        return
    order = ordered(waves)
    expected = trend._per_wave(counts, order, k)
    found = trend._all_waves(counts, order, k)
    pd.testing.assert_frame_equal(found, expected)
    assert trend.initiative_trend(counts, waves, k).equals(expected)
