"""Hand-made respondents and frames for the analytics tests."""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd

from adkar.analytics.counts import counts_from_scores
from adkar.analytics.readiness import wave_readiness
from adkar.elements import ELEMENTS


def respondent(*scores: float, wave_id: int = 1, group_id: int = 1) -> dict:
    """One respondent's five element scores, in ADKAR order."""
    assert len(scores) == len(ELEMENTS)
    return {"wave_id": wave_id, "group_id": group_id, **dict(zip(ELEMENTS, scores, strict=True))}


def scores_frame(rows: list[dict]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["wave_id", "group_id", *ELEMENTS])


def uniform_group(n: int, *scores: float, wave_id: int = 1, group_id: int = 1) -> list[dict]:
    return [respondent(*scores, wave_id=wave_id, group_id=group_id) for _ in range(n)]


def counts_for_sizes(sizes: dict[int, int], wave_id: int = 1) -> pd.DataFrame:
    """A wave whose groups (id -> n) all answer 4 everywhere; for suppression cases."""
    roster = pd.DataFrame(
        {
            "wave_id": wave_id,
            "group_id": list(sizes),
            "group_name": [f"G{g}" for g in sizes],
            "invited": [max(n, 1) * 2 for n in sizes.values()],
        }
    )
    rows = [r for g, n in sizes.items() for r in uniform_group(n, 4, 4, 4, 4, 4, wave_id=wave_id, group_id=g)]
    return counts_from_scores(scores_frame(rows), roster)


def readiness_rows(counts: pd.DataFrame, k: int) -> pd.DataFrame:
    """Stacked per-wave group readiness, the long frame the gates read."""
    frames = [wave_readiness(c, k).groups for _, c in counts.groupby("wave_id")]
    return pd.concat(frames, ignore_index=True)


def waves_frame(rows: list[tuple[int, date, datetime, list[int]]]) -> pd.DataFrame:
    """wave_id, name, opens_on, closes_on, created_at, group_ids from (id, closes_on, created_at, groups)."""
    return pd.DataFrame(
        {
            "wave_id": [r[0] for r in rows],
            "name": [f"Wave {r[0]}" for r in rows],
            "opens_on": [r[1].replace(day=1) for r in rows],
            "closes_on": [r[1] for r in rows],
            "created_at": [r[2] for r in rows],
            "group_ids": [r[3] for r in rows],
        }
    )
