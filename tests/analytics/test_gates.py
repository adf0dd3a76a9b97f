"""Milestone gates read the right wave, compare exactly, and project through visible waves."""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd
import pytest

from adkar.analytics.counts import counts_from_scores
from adkar.analytics.gates import milestone_gate

from .builders import readiness_rows, scores_frame, uniform_group, waves_frame


def reached_group(reached: int, n: int, *, wave_id: int, group_id: int) -> list[dict]:
    """n respondents of whom `reached` clear every element; the rest stop at awareness."""
    ok = uniform_group(reached, 4, 4, 4, 4, 4, wave_id=wave_id, group_id=group_id)
    stuck = uniform_group(n - reached, 2, 4, 4, 4, 4, wave_id=wave_id, group_id=group_id)
    return ok + stuck


def build(cells: dict[tuple[int, int], tuple[int, int]], k: int = 5) -> pd.DataFrame:
    """(wave_id, group_id) -> (reached, n) into the stacked readiness frame."""
    rows = [r for (w, g), (m, n) in cells.items() for r in reached_group(m, n, wave_id=w, group_id=g)]
    return readiness_rows(counts_from_scores(scores_frame(rows)), k)


def gate(
    readiness,
    waves,
    *,
    due=date(2025, 5, 1),
    group_ids=(),
    threshold=0.8,
    all_groups=(1, 2),
    target="ability",
):
    milestone = {
        "id": 42,
        "due": due,
        "target_element": target,
        "threshold": threshold,
        "group_ids": list(group_ids),
    }
    return milestone_gate(milestone, group_ids=list(all_groups), waves=waves, readiness=readiness)


def by_group(result: dict) -> dict[int, dict]:
    return {g["group_id"]: g for g in result["groups"]}


WAVES = waves_frame(
    [
        (1, date(2025, 3, 1), datetime(2025, 2, 1), [1, 2]),
        (2, date(2025, 4, 1), datetime(2025, 3, 2), [1, 2]),
        (3, date(2025, 4, 1), datetime(2025, 3, 1), [1, 2]),  # same close as 2, created earlier
        (4, date(2025, 6, 1), datetime(2025, 5, 2), [1, 2]),  # after the due date
        (5, date(2025, 4, 15), datetime(2025, 4, 1), [2]),  # does not include group 1
    ]
)
READINESS = build(
    {
        (1, 1): (6, 10),
        (3, 1): (7, 10),
        (2, 1): (8, 10),
        (4, 1): (2, 10),
        (1, 2): (5, 10),
        (2, 2): (9, 10),
        (3, 2): (9, 10),
        (5, 2): (3, 10),
        (4, 2): (10, 10),
    }
)


def test_picks_latest_eligible_wave_per_group():
    result = gate(READINESS, WAVES)
    groups = by_group(result)
    assert (groups[1]["wave_id"], groups[1]["value"], groups[1]["status"]) == (2, 0.8, "ready")
    assert (groups[2]["wave_id"], groups[2]["value"], groups[2]["status"]) == (5, 0.3, "not_ready")
    assert result["status"] == "not_ready"
    assert result == {
        "milestone_id": 42,
        "status": "not_ready",
        "target_element": "ability",
        "threshold": 0.8,
        "groups": result["groups"],
    }
    assert list(groups) == [1, 2]
    assert set(groups[1]) == {"group_id", "status", "value", "wave_id", "projected", "pace", "required_pace"}


def test_wave_closing_on_the_due_date_counts():
    groups = by_group(gate(READINESS, WAVES, due=date(2025, 6, 1)))
    assert groups[1]["wave_id"] == 4
    assert groups[2]["value"] == 1.0


def test_before_any_wave_there_is_no_data():
    result = gate(READINESS, WAVES, due=date(2025, 2, 28))
    assert result["status"] == "no_data"
    assert by_group(result)[1] == {
        "group_id": 1,
        "status": "no_data",
        "value": None,
        "wave_id": None,
        "projected": None,
        "pace": None,
        "required_pace": None,
    }


def test_named_groups_only():
    result = gate(READINESS, WAVES, group_ids=[1])
    assert [g["group_id"] for g in result["groups"]] == [1]
    assert result["status"] == "ready"


def test_no_impacted_groups_is_no_data():
    result = gate(READINESS, WAVES, all_groups=())
    assert result == {
        "milestone_id": 42,
        "status": "no_data",
        "target_element": "ability",
        "threshold": 0.8,
        "groups": [],
    }


@pytest.mark.parametrize(
    ("reached", "n", "threshold", "status"),
    [
        (4, 5, 0.8, "ready"),
        (7, 10, 0.7, "ready"),
        (69, 100, 0.7, "not_ready"),
        (56, 100, 0.56, "ready"),  # 0.56 * 100 == 56.00000000000001 in floats
        (3, 5, 0.8, "not_ready"),
        (5, 5, 1.0, "ready"),
        (0, 5, 0.0, "ready"),
    ],
)
def test_threshold_compared_exactly(reached, n, threshold, status):
    readiness = build({(1, 1): (reached, n)})
    waves = waves_frame([(1, date(2025, 3, 1), datetime(2025, 2, 1), [1])])
    result = gate(readiness, waves, threshold=threshold, all_groups=[1])
    assert result["groups"][0]["status"] == status
    assert result["status"] == status
    assert result["groups"][0]["value"] == reached / n


def test_default_threshold_is_0_8():
    readiness = build({(1, 1): (4, 5)})
    waves = waves_frame([(1, date(2025, 3, 1), datetime(2025, 2, 1), [1])])
    result = gate(readiness, waves, threshold=None, all_groups=[1])
    assert (result["threshold"], result["status"]) == (0.8, "ready")


def test_bad_threshold_and_element_are_refused():
    with pytest.raises(ValueError, match="threshold"):
        gate(READINESS, WAVES, threshold=1.5)
    with pytest.raises(ValueError, match="unknown element"):
        gate(READINESS, WAVES, target="adoption")


def test_target_element_changes_the_value():
    rows = uniform_group(5, 4, 4, 4, 2, 4, group_id=1) + uniform_group(5, 4, 4, 4, 4, 4, group_id=1)
    readiness = readiness_rows(counts_from_scores(scores_frame(rows)), 5)
    waves = waves_frame([(1, date(2025, 3, 1), datetime(2025, 2, 1), [1])])
    assert gate(readiness, waves, target="knowledge", all_groups=[1])["groups"][0]["value"] == 1.0
    assert gate(readiness, waves, target="ability", all_groups=[1])["groups"][0]["value"] == 0.5


def suppressed_scenario() -> tuple[pd.DataFrame, pd.DataFrame]:
    waves = waves_frame(
        [
            (1, date(2025, 2, 1), datetime(2025, 1, 1), [1, 2]),
            (2, date(2025, 3, 1), datetime(2025, 2, 1), [1, 2]),
            (3, date(2025, 4, 1), datetime(2025, 3, 1), [1, 2]),
        ]
    )
    readiness = build(
        {
            (1, 1): (5, 10),
            (2, 1): (6, 10),
            (3, 1): (3, 3),  # hidden: n < k
            (1, 2): (8, 10),
            (2, 2): (8, 10),
            (3, 2): (20, 20),  # hidden too: complementary suppression
        }
    )
    return readiness, waves


def test_suppressed_latest_wave_is_no_data_but_projects_from_visible_waves():
    readiness, waves = suppressed_scenario()
    result = gate(readiness, waves, due=date(2025, 4, 1))
    groups = by_group(result)
    assert result["status"] == "no_data"
    assert groups[1]["status"] == "no_data"
    assert groups[1]["value"] is None
    assert groups[1]["wave_id"] == 3
    assert groups[1]["projected"] == pytest.approx(0.5 + 0.1 / 28 * 59)  # Feb 1 -> Mar 1 -> Apr 1
    assert groups[2]["status"] == "no_data"
    assert groups[2]["projected"] == pytest.approx(0.8)


def test_ready_and_no_data_mix_is_not_ready():
    readiness, waves = suppressed_scenario()
    waves.loc[waves["wave_id"] == 3, "group_ids"] = pd.Series([[1]], index=waves.index[waves["wave_id"] == 3])
    result = gate(readiness, waves, due=date(2025, 4, 1))
    groups = by_group(result)
    assert groups[2]["status"] == "ready"
    assert groups[1]["status"] == "no_data"
    assert result["status"] == "not_ready"


def test_included_group_without_a_readiness_row_is_no_data():
    readiness = build({(1, 1): (9, 10), (2, 2): (9, 10)})
    waves = waves_frame(
        [
            (1, date(2025, 2, 1), datetime(2025, 1, 1), [1]),
            (2, date(2025, 3, 1), datetime(2025, 2, 1), [1, 2]),
        ]
    )
    groups = by_group(gate(readiness, waves))
    assert (groups[1]["status"], groups[1]["wave_id"], groups[1]["projected"]) == ("no_data", 2, None)


def test_projection_and_pace_follow_the_last_points_per_closing_date():
    groups = by_group(gate(READINESS, WAVES))
    # Group 1: (Mar 1, 0.6); on Apr 1 waves 3 (0.7) and 2 (0.8) close, wave 2 created later stands for it;
    # wave 4 closes after the due date. Slope 0.2 / 31 a day; from 0.8 on Apr 1, 30 days to May 1.
    assert groups[1]["projected"] == pytest.approx(0.8 + 0.2 / 31 * 30)
    assert groups[1]["pace"] == pytest.approx(0.2 / 31 * 7)
    assert groups[1]["required_pace"] is None  # 0.8 already meets the 0.8 threshold
    # Group 2: (Mar 1, 0.5), (Apr 1, 0.9), (Apr 15, 0.3): x 0, 31, 45; least-squares slope
    # -1.66667 / 1060.667 a day; from 0.3, 16 days to May 1. Needs (0.8 - 0.3) / 16 * 7 a week.
    slope = -1.666667 / 1060.666667
    assert groups[2]["projected"] == pytest.approx(0.3 + slope * 16, abs=1e-6)
    assert groups[2]["pace"] == pytest.approx(slope * 7, abs=1e-6)
    assert groups[2]["required_pace"] == pytest.approx(0.5 / 16 * 7)
