"""The "projected to miss" predicate on plain gate results (adkar.analytics.gates.milestone_gate's shape)."""

from __future__ import annotations

from datetime import date

import pytest

from adkar.alerts.rules import missing_groups

TODAY = date(2027, 3, 1)


def gate(*cells, status="not_ready", overridden=False, threshold=0.8) -> dict:
    return {
        "milestone_id": 1,
        "status": status,
        "threshold": threshold,
        "target_element": "ability",
        "overridden": overridden,
        "groups": [
            {"group_id": i, "status": s, "value": v, "projected": p, "pace": None, "required_pace": None}
            for i, (s, v, p) in enumerate(cells, start=1)
        ],
    }


@pytest.mark.parametrize(
    ("cell", "missing"),
    [
        (("not_ready", 0.4, 0.7), True),  # projected below 0.8
        (("not_ready", 0.4, 0.8), False),  # exactly at the threshold reaches it
        (("not_ready", 0.4, 0.79999), True),
        (("not_ready", 0.4, None), False),  # one visible wave: no projection, not "projected to miss"
        (("no_data", None, 0.5), True),  # suppressed in the latest wave, earlier waves project low
        (("no_data", None, None), False),
    ],
)
def test_a_group_is_projected_to_miss_below_the_threshold_only(cell, missing):
    assert bool(missing_groups(gate(cell), due=TODAY, today=TODAY)) is missing


def test_a_ready_group_is_never_listed_even_if_its_line_falls():
    result = missing_groups(gate(("ready", 0.9, 0.6), ("not_ready", 0.5, 0.6)), due=TODAY, today=TODAY)
    assert [c["group_id"] for c in result] == [2]


def test_past_ready_and_overridden_gates_are_not_projected_to_miss():
    low = ("not_ready", 0.4, 0.5)
    assert missing_groups(gate(low), due=date(2027, 2, 28), today=TODAY) == []
    assert missing_groups(gate(low, overridden=True), due=TODAY, today=TODAY) == []
    assert missing_groups(gate(("ready", 0.9, 0.95), status="ready"), due=TODAY, today=TODAY) == []


def test_the_threshold_is_compared_as_typed():
    """0.7 as typed is 7/10 and the float 0.7 a hair below it: a projection of 0.7 reaches a threshold of 0.7."""
    assert missing_groups(gate(("not_ready", 0.5, 0.7), threshold=0.7), due=TODAY, today=TODAY) == []
