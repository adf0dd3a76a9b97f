"""Hand-made but realistic chart inputs, produced by the analytics functions themselves.

Four groups answer three waves: Sales (10 people) and Support (8) are visible; Finance (3) and Legal (3)
are hidden for anonymity with k = 5 (together they hold 6 responses, so no complementary suppression)
and visible with k = 3.
`hidden_variant=True` changes what the hidden groups answered without changing their sizes: a chart
that leaks nothing about them must come out identical.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import cache

import pandas as pd

from adkar.analytics.counts import counts_from_scores
from adkar.analytics.readiness import wave_readiness
from adkar.analytics.trend import initiative_trend
from adkar.elements import BARRIER_CHOICES, ELEMENTS

K = 5
GROUPS = {1: "Sales", 2: "Support", 3: "Finance", 4: "Legal"}
HIDDEN = (3, 4)
GO_LIVE = date(2025, 6, 1)
TODAY = date(2025, 5, 5)
WAVES = pd.DataFrame(
    {
        "wave_id": [1, 2, 3],
        "name": ["Baseline", "Pulse 2", "Pulse 3"],
        "closes_on": [date(2025, 2, 1), date(2025, 3, 15), date(2025, 4, 30)],
        "created_at": [datetime(2025, 1, 10), datetime(2025, 3, 1), datetime(2025, 4, 15)],
        "group_ids": [list(GROUPS)] * 3,
    }
)
MILESTONES = [
    {
        "id": 11,
        "name": "Design sign-off",
        "kind": "design-signoff",
        "due": date(2025, 2, 15),
        "target_element": "awareness",
    },
    {
        "id": 12,
        "name": "User acceptance testing",
        "kind": "uat",
        "due": date(2025, 4, 1),
        "target_element": "desire",
    },
    {
        "id": 13,
        "name": "Training complete",
        "kind": "training",
        "due": date(2025, 5, 20),
        "target_element": "knowledge",
    },
    {"id": 14, "name": "Go-live", "kind": "go-live", "due": GO_LIVE, "target_element": "ability"},
    {
        "id": 15,
        "name": "Hypercare end",
        "kind": "hypercare-end",
        "due": date(2025, 7, 13),
        "target_element": "reinforcement",
    },
]

# (wave, group) -> respondents per barrier point: awareness, desire, knowledge, ability, reinforcement, none
PLAN: dict[tuple[int, int], tuple[int, ...]] = {
    (1, 1): (4, 2, 2, 1, 0, 1),
    (2, 1): (2, 2, 2, 1, 0, 3),
    (3, 1): (1, 1, 1, 2, 0, 5),
    (1, 2): (3, 3, 1, 0, 0, 1),
    (2, 2): (2, 1, 2, 1, 1, 1),
    (3, 2): (1, 1, 1, 1, 0, 4),
    (1, 3): (0, 0, 0, 0, 0, 3),
    (2, 3): (0, 0, 0, 0, 0, 3),
    (3, 3): (0, 0, 0, 0, 0, 3),
    (1, 4): (0, 0, 0, 0, 1, 2),
    (2, 4): (0, 0, 0, 0, 1, 2),
    (3, 4): (0, 0, 0, 0, 1, 2),
}


def person(barrier: str, wave_id: int, group_id: int, *, low: float = 2.5) -> dict:
    """Scores that put the barrier point at `barrier`: 4.5 before it, `low` at it, 3.5 after it."""
    stop = ELEMENTS.index(barrier) if barrier in ELEMENTS else len(ELEMENTS)
    scores = [4.5 if i < stop else (low if i == stop else 3.5) for i in range(len(ELEMENTS))]
    return {"wave_id": wave_id, "group_id": group_id, **dict(zip(ELEMENTS, scores, strict=True))}


def counts(*, hidden_variant: bool = False) -> pd.DataFrame:
    return _counts(hidden_variant).copy()


@cache
def _counts(hidden_variant: bool) -> pd.DataFrame:
    rows = []
    for (wave_id, group_id), plan in PLAN.items():
        if hidden_variant and group_id in HIDDEN:
            plan = (sum(plan), 0, 0, 0, 0, 0)  # everyone stuck at awareness instead of clearing all
        for barrier, count in zip(BARRIER_CHOICES, plan, strict=True):
            low = 1.0 if hidden_variant and group_id in HIDDEN else 2.5
            rows += [person(barrier, wave_id, group_id, low=low) for _ in range(count)]
    scores = pd.DataFrame(rows, columns=["wave_id", "group_id", *ELEMENTS])
    roster = pd.DataFrame(
        [
            {"wave_id": w, "group_id": g, "group_name": name, "invited": 2 * sum(PLAN[(w, g)]) + 1}
            for w in WAVES["wave_id"]
            for g, name in GROUPS.items()
        ]
    )
    return counts_from_scores(scores, roster)


def trend(*, hidden_variant: bool = False, k: int = K) -> pd.DataFrame:
    return _trend(hidden_variant, k).copy()


@cache
def _trend(hidden_variant: bool, k: int) -> pd.DataFrame:
    return initiative_trend(counts(hidden_variant=hidden_variant), WAVES, k)


def latest(*, hidden_variant: bool = False, k: int = K, overall: bool = False) -> pd.DataFrame:
    """The last wave's group rows (what profile, heatmap and barrier charts read), overall row optional."""
    frame = counts(hidden_variant=hidden_variant)
    result = wave_readiness(frame[frame["wave_id"] == 3], k)
    if not overall:
        return result.groups
    return pd.concat(
        [result.groups, result.overall.to_frame().T.astype(result.groups.dtypes)], ignore_index=True
    )
