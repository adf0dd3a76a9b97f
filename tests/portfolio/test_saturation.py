"""Counting changes per group and month across initiatives (pure)."""

from __future__ import annotations

from datetime import date

import pytest

from adkar.portfolio.saturation import Change, months_from, saturation

MONTHS = months_from(date(2026, 5, 17), 3)  # May, June, July 2026


def change(initiative: int, group: str, day: date, name: str = "Milestone", go_live: bool = False) -> Change:
    return Change(initiative, f"Initiative {initiative}", group, day, name, go_live)


def test_months_run_across_the_year_end():
    assert months_from(date(2026, 11, 30), 4) == [
        date(2026, 11, 1),
        date(2026, 12, 1),
        date(2027, 1, 1),
        date(2027, 2, 1),
    ]
    with pytest.raises(ValueError):
        months_from(date(2026, 1, 1), 25)


def test_groups_match_by_name_ignoring_case_and_spaces():
    view = saturation(
        [
            change(1, "Service desk", date(2026, 5, 3)),
            change(2, "  SERVICE DESK ", date(2026, 5, 20), "Go-live", go_live=True),
            change(2, "service desk", date(2026, 7, 1)),
            change(1, "Finance", date(2026, 6, 9)),
            change(1, "Finance", date(2026, 8, 1)),  # outside the window
            change(3, "Legal", date(2026, 4, 30)),  # outside: no row at all
        ],
        months=MONTHS,
    )
    assert [r.name for r in view.rows] == ["Service desk", "Finance"]  # busiest first; first spelling on ties
    desk = view.rows[0]
    assert desk.initiatives == ["Initiative 1", "Initiative 2"]
    assert [c.count for c in desk.cells] == [2, 0, 1]
    assert [c.go_lives for c in desk.cells] == [1, 0, 0]
    assert [c.initiatives for c in desk.cells] == [2, 0, 1]
    assert (desk.total, desk.peak) == (3, 2)
    assert [c.count for c in view.rows[1].cells] == [0, 1, 0]
    assert view.overlaps == 1
    row, cell = view.busiest
    assert (row.name, cell.month, cell.count) == ("Service desk", date(2026, 5, 1), 2)


def test_the_most_used_spelling_names_the_row():
    changes = [
        change(1, "HR", date(2026, 5, 1)),
        change(2, "hr", date(2026, 5, 2)),
        change(3, "hr ", date(2026, 6, 2)),
    ]
    assert saturation(changes, months=MONTHS).rows[0].name == "hr"


def test_ties_sort_by_peak_then_name():
    view = saturation(
        [
            change(1, "b", date(2026, 5, 1)),
            change(1, "b", date(2026, 6, 1)),
            change(1, "a", date(2026, 5, 1)),
            change(1, "a", date(2026, 6, 1)),
            change(1, "c", date(2026, 7, 1)),
            change(1, "c", date(2026, 7, 2)),
        ],
        months=MONTHS,
    )
    assert [r.name for r in view.rows] == ["c", "a", "b"]


def test_nothing_in_the_window():
    view = saturation([change(1, "x", date(2027, 1, 1))], months=MONTHS)
    assert view.rows == [] and view.busiest is None and view.overlaps == 0
