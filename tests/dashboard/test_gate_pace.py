"""The gate board's pace sentence: "needs +N pts a week, going +M" for milestones still ahead, none after."""

from __future__ import annotations

from datetime import date

from adkar.dashboard.gateboard import gate_rows

MILESTONE = {"id": 7, "name": "Go-live", "kind": "go_live", "due": date(2025, 5, 1)}


def board(today: date, **cell):
    gate = {
        "milestone_id": 7,
        "status": "not_ready",
        "target_element": "ability",
        "threshold": 0.8,
        "groups": [
            {"group_id": 1, "status": "not_ready", "value": 0.5, "wave_id": 3, "projected": 0.6}
            | {"pace": 0.01, "required_pace": 0.042}
            | cell
        ],
    }
    (row,) = gate_rows([MILESTONE], [gate], [1], today=today)
    return row.cells[0]


def test_an_upcoming_gate_says_what_is_needed_and_what_is_happening():
    assert board(date(2025, 4, 1)).pace == "needs +4 pts a week, going +1"
    assert board(date(2025, 5, 1)).pace == "needs +4 pts a week, going +1"  # due today still counts


def test_a_gate_already_past_shows_no_advice():
    assert board(date(2025, 5, 2)).pace == ""


def test_no_trend_and_nothing_needed_shows_nothing():
    assert board(date(2025, 4, 1), pace=None, required_pace=None).pace == ""
    assert board(date(2025, 4, 1), required_pace=None).pace == "going +1 pts a week"
