"""Readiness figures for one survey wave: per-group and overall shares, with suppression applied.

Everything is derived from the counts frame (see `adkar.analytics.counts`), never from shares, so the
figures are exact ratios of integers and a group hidden for anonymity carries no score at all.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from adkar.analytics.counts import BAR_COLUMNS, FAV_COLUMNS, SUM_COLUMNS, check_counts
from adkar.analytics.suppression import suppressed_groups
from adkar.elements import BARRIER_CHOICES, ELEMENTS
from adkar.rules.anonymity import check_k

OVERALL_NAME = "Overall"

MEAN_COLUMNS: tuple[str, ...] = tuple(f"mean_{e}" for e in ELEMENTS)
FAVORABLE_COLUMNS: tuple[str, ...] = tuple(f"favorable_{e}" for e in ELEMENTS)
BARRIER_COLUMNS: tuple[str, ...] = tuple(f"barrier_{b}" for b in BARRIER_CHOICES)
REACHED_COLUMNS: tuple[str, ...] = tuple(f"reached_{e}" for e in ELEMENTS)
REACHED_COUNT_COLUMNS: tuple[str, ...] = tuple(f"reached_count_{e}" for e in ELEMENTS)
SHARE_COLUMNS: tuple[str, ...] = (
    *MEAN_COLUMNS,
    *FAVORABLE_COLUMNS,
    *BARRIER_COLUMNS,
    *REACHED_COLUMNS,
    "adoption",
    "resistance",
)
# Nulled in suppressed rows: every score, and the counts they come from.
SCORE_COLUMNS: tuple[str, ...] = (*SHARE_COLUMNS, *REACHED_COUNT_COLUMNS)
READINESS_COLUMNS: tuple[str, ...] = (
    "wave_id",
    "group_id",
    "name",
    "n",
    "invited",
    "response_rate",
    "suppressed",
    *SCORE_COLUMNS,
)
# resistance = barrier["awareness"] + barrier["desire"]: people who do not yet understand or want it.
_RESISTANCE = (BARRIER_CHOICES.index("awareness"), BARRIER_CHOICES.index("desire"))
POOLED_COLUMNS = ("invited", "n", *SUM_COLUMNS, *FAV_COLUMNS, *BAR_COLUMNS)


class WaveReadiness(NamedTuple):
    """One wave's readiness: a frame of groups (READINESS_COLUMNS) and the pooled overall row."""

    groups: pd.DataFrame
    overall: pd.Series


def wave_readiness(counts: pd.DataFrame, k: int) -> WaveReadiness:
    """Readiness of one wave from its counts frame, with primary and complementary suppression.

    `groups` has one row per group, sorted by group_id, columns READINESS_COLUMNS; `overall` is a Series
    with the same labels (group_id <NA>, name "Overall") pooling every response of the wave and hidden
    when the wave holds fewer than k. Shares are NaN/<NA> in suppressed rows and where n or invited is 0.
    """
    k = check_k(k)
    check_counts(counts)
    wave_ids = counts["wave_id"].unique()
    if len(wave_ids) > 1:
        raise ValueError(f"wave_readiness takes one wave, got wave_ids {sorted(wave_ids.tolist())}")
    wave_id = int(wave_ids[0]) if len(wave_ids) else None
    groups, overall = readiness_frames(counts, k, wave_id)
    return WaveReadiness(groups, overall.iloc[0])


def readiness_frames(counts: pd.DataFrame, k: int, wave_id: int | None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The groups frame and a one-row overall frame of one wave, for callers that stack many waves."""
    counts = counts.sort_values("group_id", ignore_index=True)
    hidden = suppressed_groups(counts.set_index("group_id")["n"], k)
    groups = shape_readiness(counts, hidden.to_numpy())
    pooled = pd.DataFrame({c: [counts[c].sum()] for c in POOLED_COLUMNS})
    pooled.insert(0, "wave_id", [wave_id])
    pooled.insert(1, "group_id", [None])
    pooled.insert(2, "group_name", [OVERALL_NAME])
    overall = shape_readiness(pooled, (pooled["n"] < k).to_numpy())
    return groups, overall


def shape_readiness(counts: pd.DataFrame, suppressed: np.ndarray) -> pd.DataFrame:
    """Turn counts into the readiness columns, blanking the scores of suppressed rows."""
    n = counts["n"].to_numpy(dtype="int64")
    invited = counts["invited"].to_numpy(dtype="int64")
    hidden = np.asarray(suppressed, dtype=bool)
    per = np.where(n > 0, n, np.nan)[:, None]

    def share(values: np.ndarray) -> np.ndarray:
        return np.where(hidden[:, None], np.nan, values / per)

    bars = counts[list(BAR_COLUMNS)].to_numpy(dtype="int64")
    reached = n[:, None] - np.cumsum(bars[:, : len(ELEMENTS)], axis=1)
    blocks = {
        MEAN_COLUMNS: share(counts[list(SUM_COLUMNS)].to_numpy(dtype="float64")),
        FAVORABLE_COLUMNS: share(counts[list(FAV_COLUMNS)].to_numpy(dtype="int64")),
        BARRIER_COLUMNS: share(bars),
        REACHED_COLUMNS: share(reached),
        ("adoption",): share(reached[:, [ELEMENTS.index("ability")]]),
        ("resistance",): share(bars[:, list(_RESISTANCE)].sum(axis=1, keepdims=True)),
    }
    out: dict[str, Any] = {
        "wave_id": pd.array(counts["wave_id"], dtype="Int64"),
        "group_id": pd.array(counts["group_id"], dtype="Int64"),
        "name": pd.array(counts["group_name"].astype("str")),
        "n": n,
        "invited": invited,
        "response_rate": n / np.where(invited > 0, invited, np.nan),
        "suppressed": hidden,
    }
    for columns, values in blocks.items():
        out.update({c: values[:, i] for i, c in enumerate(columns)})
    for i, column in enumerate(REACHED_COUNT_COLUMNS):
        out[column] = pd.arrays.IntegerArray(np.where(hidden, 0, reached[:, i]), hidden.copy())
    return pd.DataFrame(out, columns=list(READINESS_COLUMNS))


def readiness_to_api(row: Mapping[str, Any] | pd.Series) -> dict[str, Any]:
    """The API/JSON shape of a readiness row: plain Python numbers, None for null (never NaN).

    Group rows carry group_id and name; the overall row (group_id null) carries neither.
    """
    result: dict[str, Any] = {}
    if not _missing(row["group_id"]):
        result["group_id"] = int(row["group_id"])
        result["name"] = str(row["name"])
    result["n"] = int(row["n"])
    result["invited"] = int(row["invited"])
    result["response_rate"] = _number(row["response_rate"])
    result["suppressed"] = bool(row["suppressed"])
    result["mean"] = {e: _number(row[f"mean_{e}"]) for e in ELEMENTS}
    result["favorable"] = {e: _number(row[f"favorable_{e}"]) for e in ELEMENTS}
    result["barrier"] = {b: _number(row[f"barrier_{b}"]) for b in BARRIER_CHOICES}
    result["reached"] = {e: _number(row[f"reached_{e}"]) for e in ELEMENTS}
    result["adoption"] = _number(row["adoption"])
    result["resistance"] = _number(row["resistance"])
    return result


def _missing(value: Any) -> bool:
    return value is None or bool(pd.isna(value))


def _number(value: Any) -> float | None:
    return None if _missing(value) else float(value)
