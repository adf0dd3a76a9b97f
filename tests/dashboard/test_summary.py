"""The headline figures, on plain frames (no database): tiles, changes and groups at risk."""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd
import pytest

from adkar.analytics.counts import counts_from_scores
from adkar.analytics.trend import initiative_trend
from adkar.dashboard.summary import Change, at_risk, go_live_threshold, headline
from adkar.elements import ELEMENTS
from adkar.readiness.figures import InitiativeReadiness

CLEAR = (4.5, 4.5, 4.5, 4.5, 4.5)
STUCK_AT = {e: tuple(2.0 if j == i else 4.5 for j in range(5)) for i, e in enumerate(ELEMENTS)}
WAVES = pd.DataFrame(
    {
        "wave_id": [1, 2],
        "name": ["First", "Second"],
        "opens_on": [date(2025, 1, 1), date(2025, 3, 1)],
        "closes_on": [date(2025, 1, 31), date(2025, 3, 31)],
        "created_at": [datetime(2025, 1, 1), datetime(2025, 3, 1)],
        "milestone_id": [None, None],
        "group_ids": [[1, 2], [1, 2]],
    }
)


def report(people: dict[tuple[int, int], list[tuple]], k: int = 5) -> InitiativeReadiness:
    rows = [
        {"wave_id": w, "group_id": g, **dict(zip(ELEMENTS, scores, strict=True))}
        for (w, g), answers in people.items()
        for scores in answers
    ]
    roster = pd.DataFrame(
        [{"wave_id": w, "group_id": g, "group_name": f"G{g}", "invited": 20} for w in (1, 2) for g in (1, 2)]
    )
    counts = counts_from_scores(pd.DataFrame(rows, columns=["wave_id", "group_id", *ELEMENTS]), roster)
    return InitiativeReadiness(WAVES, initiative_trend(counts, WAVES, k), [1, 2], k)


@pytest.mark.parametrize(
    ("points", "words", "direction"),
    [(6, "up 6 pts", "up"), (-1, "down 1 pt", "down"), (0, "no change", "flat")],
)
def test_change_words(points, words, direction):
    change = Change(points, "First")
    assert (change.words, change.direction) == (words, direction)


def test_tiles_compare_the_two_latest_visible_waves():
    data = report(
        {
            (1, 1): [CLEAR] * 2 + [STUCK_AT["awareness"]] * 3,  # adoption 40%, resistance 60%
            (1, 2): [],
            (2, 1): [CLEAR] * 4 + [STUCK_AT["knowledge"]] * 1,  # adoption 80%
            (2, 2): [CLEAR] * 1 + [STUCK_AT["desire"]] * 4,  # adoption 20%, resistance 80%
        }
    )
    head = headline(data, milestones=[], go_live=date(2025, 6, 1), today=date(2025, 4, 1))
    adoption, resistance, rate = head.kpis
    assert (adoption.display, adoption.change.words, adoption.change_is_good) == ("50%", "up 10 pts", True)
    assert (resistance.display, resistance.change.words, resistance.change_is_good) == (
        "40%",
        "down 20 pts",
        True,
    )
    assert (rate.display, rate.note) == ("25%", "Second: 10 of 40 invited")
    assert head.reporting_wave_name == "Second" and head.threshold == 0.8
    assert [(g.name, g.adoption, g.barrier) for g in head.at_risk] == [
        ("G2", 0.2, "desire")
    ]  # 80% is not at risk


def test_no_visible_wave_shows_no_figure():
    data = report({(1, 1): [CLEAR] * 2, (1, 2): [CLEAR] * 2, (2, 1): [], (2, 2): []})
    head = headline(data, milestones=[], go_live=date(2025, 6, 1), today=date(2025, 1, 15))
    assert [k.value for k in head.kpis[:2]] == [None, None]
    assert head.kpis[0].display == "Not shown" and "at least 5 responses" in head.kpis[0].note
    assert head.kpis[2].note.startswith("First: 4 of 40")  # the second wave has not opened yet
    assert head.at_risk == [] and head.reporting_wave_id is None


def test_at_risk_compares_counts_exactly():
    rows = [
        {
            "group_id": 1,
            "name": "Exactly",
            "n": 5,
            "reached_count_ability": 4,
            **{f"barrier_{e}": 0.0 for e in ELEMENTS},
        },
        {
            "group_id": 2,
            "name": "Below",
            "n": 7,
            "reached_count_ability": 5,
            "barrier_awareness": 2 / 7,
            **{f"barrier_{e}": 0.0 for e in ELEMENTS[1:]},
        },
    ]
    assert [g.name for g in at_risk(rows, 0.8)] == ["Below"]  # 4/5 meets 0.8; 5/7 does not
    assert at_risk(rows, 0.8)[0].barrier == "awareness"


def test_go_live_threshold_reads_the_go_live_milestone_nearest_the_date():
    milestones = [
        {"id": 1, "name": "Pilot go-live", "kind": "go-live", "due": date(2025, 3, 1), "threshold": 0.6},
        {"id": 2, "name": "Go-live", "kind": "go-live", "due": date(2025, 6, 2), "threshold": 0.75},
        {"id": 3, "name": "Training", "kind": "training", "due": date(2025, 6, 1), "threshold": 0.9},
    ]
    assert go_live_threshold(milestones, date(2025, 6, 1)) == (0.75, "the Go-live threshold")
    assert go_live_threshold(milestones[2:], date(2025, 6, 1))[0] == 0.8
