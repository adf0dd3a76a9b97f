"""Utilisation, speed of adoption and ultimate utilisation, hand-computed (no database)."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from adkar.adoption.metrics import (
    GroupInfo,
    empty_figures,
    meets,
    overall_utilisation,
    summarise,
    usage_frame,
)

GO_LIVE = date(2026, 3, 1)
GROUPS = [GroupInfo(1, "Agents", 100), GroupInfo(2, "Leads", 50)]


def figures(*rows: tuple[int, date, int]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["group_id", "day", "active_users"])


FIGURES = figures(
    (1, date(2026, 2, 20), 10),  # a pilot before go-live
    (1, date(2026, 3, 5), 60),
    (2, date(2026, 3, 10), 40),
    (1, date(2026, 3, 20), 80),
    (2, date(2026, 3, 20), 40),
    (1, date(2026, 3, 31), 85),
)


def test_overall_carries_each_groups_latest_figure_over_all_headcount():
    overall = overall_utilisation(FIGURES, GROUPS)
    assert list(overall["day"]) == [
        date(2026, 2, 20),
        date(2026, 3, 5),
        date(2026, 3, 10),
        date(2026, 3, 20),
        date(2026, 3, 31),
    ]
    assert list(overall["active_users"]) == [10, 60, 100, 120, 125]
    assert set(overall["headcount"]) == {150}
    assert list(overall["utilisation"]) == pytest.approx([10 / 150, 60 / 150, 100 / 150, 0.8, 125 / 150])
    assert list(overall["groups_reporting"]) == [1, 1, 2, 2, 2]


def test_speed_and_ultimate_utilisation():
    summary = summarise(FIGURES, GROUPS, go_live=GO_LIVE, target=0.8)
    assert summary.reached_on == date(2026, 3, 20)  # 120 of 150 is exactly 0.8: the target is met
    assert summary.speed_days == 19
    assert summary.ultimate == pytest.approx(125 / 150)
    assert summary.latest_day == date(2026, 3, 31)
    agents, leads = summary.groups
    assert (agents.latest_active, agents.utilisation, agents.reached_on, agents.speed_days) == (
        85,
        0.85,
        date(2026, 3, 20),
        19,
    )
    assert (leads.latest_day, leads.utilisation, leads.reached_on, leads.speed_days) == (
        date(2026, 3, 20),
        0.8,
        date(2026, 3, 10),
        9,
    )


def test_not_reached_yet_gives_none():
    summary = summarise(FIGURES, GROUPS, go_live=GO_LIVE, target=0.9)
    assert (summary.reached_on, summary.speed_days) == (None, None)
    assert summary.ultimate == pytest.approx(125 / 150)
    assert summary.groups[0].speed_days is None


def test_figures_before_go_live_never_count_as_reaching_the_target():
    pilot = figures((1, date(2026, 2, 1), 100), (2, date(2026, 2, 1), 50), (1, date(2026, 3, 4), 90))
    summary = summarise(pilot, GROUPS, go_live=GO_LIVE, target=0.8)
    assert summary.reached_on == date(2026, 3, 4)  # 90 + 50 (carried) of 150 after go-live
    assert summary.speed_days == 3
    assert summary.groups[1].reached_on is None  # Leads only reported before go-live


def test_a_figure_on_go_live_day_counts_zero_days():
    summary = summarise(figures((1, GO_LIVE, 100), (2, GO_LIVE, 50)), GROUPS, go_live=GO_LIVE, target=1.0)
    assert (summary.speed_days, summary.ultimate) == (0, 1.0)


def test_groups_without_figures_count_as_nobody_using_it():
    summary = summarise(figures((1, date(2026, 3, 2), 100)), GROUPS, go_live=GO_LIVE, target=0.8)
    assert summary.ultimate == pytest.approx(100 / 150)
    assert summary.groups[1].latest_day is None and summary.groups[1].utilisation is None


def test_no_figures_at_all():
    summary = summarise(empty_figures(), GROUPS, go_live=GO_LIVE, target=0.8)
    assert (summary.ultimate, summary.speed_days, summary.latest_day) == (None, None, None)
    assert summary.overall.empty
    assert summarise(empty_figures(), [], go_live=GO_LIVE, target=0.8).ultimate is None


def test_exact_comparison():
    assert meets(4, 5, 0.8) and not meets(3, 5, 0.8)
    assert meets(7, 10, 0.7)  # 0.7 as a float is a hair above 7/10; the target is read as written
    assert not meets(0, 0, 0.8)


def test_usage_frame_has_overall_then_groups():
    frame = usage_frame(FIGURES, GROUPS)
    overall = frame[frame["group_id"].isna()]
    assert list(overall["name"].unique()) == ["Overall"] and len(overall) == 5
    leads = frame[frame["group_id"] == 2]
    assert list(leads["utilisation"]) == [0.8, 0.8]
