"""Projection and pace (readiness spec, "Projection" and "Pace"), checked against lines worked out by hand."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pandas as pd
import pytest

from adkar.analytics.projection import NO_PROJECTION, project

D0 = date(2025, 1, 1)


def day(n: int) -> date:
    return D0 + timedelta(days=n)


def points(*pairs: tuple[int, float]) -> list[tuple[date, float]]:
    return [(day(n), value) for n, value in pairs]


def test_two_points_extend_their_line_from_the_last_point():
    # slope (0.4 - 0.2) / 10 = 0.02 a day; from 0.4 on day 10, 10 days on: 0.6.
    result = project(points((0, 0.2), (10, 0.4)), at=day(20))
    assert result.projected == pytest.approx(0.6)
    assert result.slope == pytest.approx(0.02)
    assert result.pace == pytest.approx(0.14)


def test_the_line_starts_at_the_last_point_not_at_the_fitted_one():
    # x = 0, 10, 20; y = 0.1, 0.5, 0.3: least-squares slope 0.01 a day (fitted value at day 20 would be 0.4).
    # From the last point, 0.3 + 0.01 * 10 = 0.4 at day 30 (an all-points fit through the mean gives 0.5).
    result = project(points((0, 0.1), (10, 0.5), (20, 0.3)), at=day(30))
    assert result.projected == pytest.approx(0.4)
    assert result.slope == pytest.approx(0.01)


def test_only_the_last_three_points_set_the_slope():
    # The old waves (high, then a crash) are ignored: the last three rise 0.1 every 10 days.
    recent = [(30, 0.3), (40, 0.4), (50, 0.5)]
    result = project(points((0, 0.9), (10, 0.0), *recent), at=day(60))
    assert result.projected == pytest.approx(0.6)
    assert result == project(points(*recent), at=day(60))


def test_a_rising_trend_is_never_drawn_falling():
    # The demo's case: adoption rising to 60% over the last waves after an early dip; an all-points
    # fit through the mean drew it falling to 50%. From the last point with the recent slope it rises.
    result = project(points((0, 0.5), (14, 0.3), (28, 0.45), (42, 0.6)), at=day(70))
    # last three: x 14, 28, 42; y 0.3, 0.45, 0.6 -> slope 0.15 / 14 a day; 28 days on: 0.6 + 0.3 = 0.9.
    assert result.projected == pytest.approx(0.9)
    assert result.projected > 0.6


def test_order_given_does_not_matter_across_dates():
    assert project(points((10, 0.4), (0, 0.2)), at=day(15)).projected == pytest.approx(0.5)


def test_one_point_per_closing_date_the_later_given_wins():
    # Two waves close on day 10: the later one (0.6) stands for that date; 0.2 -> 0.6 over 10 days.
    result = project(points((0, 0.2), (10, 0.3), (10, 0.6)), at=day(15))
    assert result.projected == pytest.approx(0.8)
    assert project(points((3, 0.4), (3, 0.6)), at=day(5)).projected is None


def test_clipped_to_zero_and_one():
    assert project(points((0, 0.5), (10, 0.9)), at=day(30)).projected == 1.0
    assert project(points((0, 0.5), (10, 0.1)), at=day(30)).projected == 0.0


def test_fewer_than_two_points_give_no_line():
    assert project([], at=day(5)) == NO_PROJECTION
    single = project(points((3, 0.5)), at=day(5))
    assert (single.projected, single.slope, single.pace) == (None, None, None)


def test_required_pace_is_the_gap_over_the_days_left_in_weeks():
    # From 0.5 on day 10 to 0.8 by day 31: 0.3 over 21 days = 0.1 a week.
    result = project(points((0, 0.3), (10, 0.5)), at=day(31), threshold=0.8)
    assert result.required_pace == pytest.approx(0.1)
    assert result.pace == pytest.approx(0.14)
    # A single point has no pace of its own but still shows what is needed.
    assert project(points((10, 0.5)), at=day(31), threshold=0.8).required_pace == pytest.approx(0.1)


def test_required_pace_is_none_when_met_or_no_day_remains_or_no_threshold():
    assert project(points((0, 0.3), (10, 0.8)), at=day(31), threshold=0.8).required_pace is None
    assert project(points((0, 0.3), (10, 0.5)), at=day(10), threshold=0.8).required_pace is None
    assert project(points((0, 0.3), (10, 0.5)), at=day(31)).required_pace is None


def test_accepts_datetimes_and_timestamps():
    result = project([(datetime(2025, 1, 1), 0.2), (pd.Timestamp("2025-01-11"), 0.4)], at=day(20))
    assert result.projected == pytest.approx(0.6)


def test_refuses_missing_values():
    with pytest.raises(ValueError, match="finite"):
        project(points((0, 0.2), (1, float("nan"))), at=day(2))


def test_without_clipping_a_measure_that_is_not_a_share_projects_past_one_and_below_zero():
    # Ticket hours 40 -> 30 -> 20 every 10 days: slope -1 a day; from 20 on day 20, 30 days on: -10.
    falling = points((0, 40.0), (10, 30.0), (20, 20.0))
    assert project(falling, at=day(50), clip=False).projected == pytest.approx(-10.0)
    assert project(falling, at=day(50)).projected == 0.0  # a share stays clipped, as the spec says
    assert project(points((0, 0.5), (10, 0.9)), at=day(20), clip=False).projected == pytest.approx(1.3)
