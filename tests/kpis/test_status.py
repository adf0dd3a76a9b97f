"""A KPI's status against hand-computed cases, and properties that hold for any measurements."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from adkar.kpis.status import kpi_status, reaches

D0 = date(2026, 1, 1)


def day(n: int) -> date:
    return D0 + timedelta(days=n)


def series(*values: float, every: int = 10) -> list[tuple[date, float]]:
    return [(day(i * every), v) for i, v in enumerate(values)]


def test_no_target_comes_before_no_data():
    assert kpi_status([], direction="increase", target=None, due=None).status == "no_target"
    assert kpi_status(series(5), direction="increase", target=None, due=None).status == "no_target"
    assert kpi_status([], direction="increase", target=90, due=day(30)).status == "no_data"


@pytest.mark.parametrize(
    ("direction", "latest", "status"),
    [
        ("increase", 90.0, "met"),  # exactly at target is met
        ("increase", 91.0, "met"),
        ("increase", 89.9, "off_track"),
        ("decrease", 90.0, "met"),
        ("decrease", 89.0, "met"),
        ("decrease", 90.1, "off_track"),
    ],
)
def test_met_reads_the_latest_measurement_in_the_kpis_direction(direction, latest, status):
    # One measurement: no projection, so not met is off track.
    assert kpi_status([(day(0), latest)], direction=direction, target=90, due=day(100)).status == status


def test_the_latest_by_date_counts_whatever_the_order_given():
    result = kpi_status([(day(20), 95.0), (day(0), 50.0)], direction="increase", target=90, due=None)
    assert result.status == "met" and result.latest == (day(20), 95.0)


def test_on_track_when_the_projection_reaches_the_target_by_the_due_date():
    # Resolution hours 40, 36, 32 every 10 days: slope -0.4 a day. From 32 on day 20 to day 50: 32 - 12 = 20.
    hours = series(40, 36, 32)
    on_time = kpi_status(hours, direction="decrease", target=20, due=day(50))
    assert on_time.status == "on_track" and on_time.projected == pytest.approx(20.0)
    too_late = kpi_status(hours, direction="decrease", target=20, due=day(49))  # 32 - 11.6 = 20.4
    assert too_late.status == "off_track" and too_late.projected == pytest.approx(20.4)


def test_the_projection_is_not_clipped_to_a_share():
    # Uptime in percent 99.0 -> 99.2 -> 99.4: slope 0.02 a day; at day 40: 99.8 (a share would stop at 1).
    assert kpi_status(series(99.0, 99.2, 99.4), direction="increase", target=99.8, due=day(40)).status == (
        "on_track"
    )


def test_only_the_last_three_measurements_set_the_slope():
    # 10, 10 then 20, 30, 40: the last three rise 1 a day; from 40 on day 40, 10 days on: 50.
    result = kpi_status(series(10, 10, 20, 30, 40), direction="increase", target=50, due=day(50))
    assert result.status == "on_track" and result.projected == pytest.approx(50.0)


def test_off_track_without_a_due_date_or_once_it_has_passed():
    rising = series(10, 20, 30)
    assert kpi_status(rising, direction="increase", target=50, due=None).status == "off_track"
    assert kpi_status(rising, direction="increase", target=50, due=day(20)).status == "off_track"
    assert kpi_status(rising, direction="increase", target=50, due=day(10)).status == "off_track"


def test_a_trend_moving_away_from_the_target_is_off_track():
    assert kpi_status(series(30, 20, 10), direction="increase", target=50, due=day(400)).status == "off_track"


def test_an_unknown_direction_is_refused():
    with pytest.raises(ValueError):
        reaches(1, 2, "sideways")


values = st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=1, max_size=8)
targets = st.floats(-1e6, 1e6, allow_nan=False)
due_days = st.none() | st.integers(0, 200)


@given(values, targets, due_days)
def test_decrease_is_increase_mirrored(measured, target, due):
    """Lower-is-better on the values is higher-is-better on their negatives: the same status."""
    due_on = None if due is None else day(due)
    up = kpi_status(series(*[-v for v in measured]), direction="increase", target=-target, due=due_on)
    down = kpi_status(series(*measured), direction="decrease", target=target, due=due_on)
    assert up.status == down.status


@given(values, targets, due_days, st.sampled_from(["increase", "decrease"]))
def test_met_exactly_when_the_latest_reaches_the_target(measured, target, due, direction):
    result = kpi_status(
        series(*measured), direction=direction, target=target, due=None if due is None else day(due)
    )
    assert (result.status == "met") == reaches(measured[-1], target, direction)
    assert result.status in {"met", "on_track", "off_track"}
