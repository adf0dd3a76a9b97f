"""The least-squares projection, checked against lines worked out by hand."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pandas as pd
import pytest

from adkar.analytics.projection import projected_share

D0 = date(2025, 1, 1)


def day(n: int) -> date:
    return D0 + timedelta(days=n)


def test_two_points_extend_their_line():
    assert projected_share([day(0), day(10)], [0.2, 0.4], day(20)) == pytest.approx(0.6)


def test_least_squares_through_three_points():
    # x = 0, 10, 20; y = 0.1, 0.5, 0.3 -> slope 0.01/day, intercept 0.2; at day 30: 0.5.
    assert projected_share([day(0), day(10), day(20)], [0.1, 0.5, 0.3], day(30)) == pytest.approx(0.5)


def test_order_of_points_does_not_matter():
    assert projected_share([day(10), day(0)], [0.4, 0.2], day(5)) == pytest.approx(0.3)


def test_clipped_to_zero_and_one():
    assert projected_share([day(0), day(10)], [0.5, 0.9], day(30)) == 1.0
    assert projected_share([day(0), day(10)], [0.5, 0.1], day(30)) == 0.0


def test_fewer_than_two_distinct_dates_give_none():
    assert projected_share([], [], day(5)) is None
    assert projected_share([day(3)], [0.5], day(5)) is None
    assert projected_share([day(3), day(3)], [0.4, 0.6], day(5)) is None


def test_repeated_dates_still_fit_a_line():
    # x = 0, 0, 10; y = 0.2, 0.4, 0.5 -> mean x 10/3, slope = 0.02, at day 10: 0.3 + 0.02*(10-0) = 0.5.
    value = projected_share([day(0), day(0), day(10)], [0.2, 0.4, 0.5], day(10))
    assert value == pytest.approx(0.5)


def test_accepts_datetimes_and_timestamps():
    value = projected_share([datetime(2025, 1, 1), pd.Timestamp("2025-01-11")], [0.2, 0.4], day(20))
    assert value == pytest.approx(0.6)


def test_refuses_missing_values():
    with pytest.raises(ValueError, match="finite"):
        projected_share([day(0), day(1)], [0.2, float("nan")], day(2))
