"""The counts frame: per (wave, group) aggregates that every readiness figure is derived from.

The database loaders produce it with SQL aggregates; `counts_from_scores` produces the same frame from
per-respondent element scores so tests (and anything without a database) use the very same rules.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from adkar.elements import BARRIER_CHOICES, ELEMENTS, FAVORABLE_AT_OR_ABOVE, barrier_point

KEY_COLUMNS: tuple[str, ...] = ("wave_id", "group_id", "group_name", "invited", "n")
SUM_COLUMNS: tuple[str, ...] = tuple(f"sum_{e}" for e in ELEMENTS)
FAV_COLUMNS: tuple[str, ...] = tuple(f"fav_{e}" for e in ELEMENTS)
BAR_COLUMNS: tuple[str, ...] = tuple(f"bar_{b}" for b in BARRIER_CHOICES)
COUNT_COLUMNS: tuple[str, ...] = (*KEY_COLUMNS, *SUM_COLUMNS, *FAV_COLUMNS, *BAR_COLUMNS)
ROSTER_COLUMNS: tuple[str, ...] = ("wave_id", "group_id", "group_name", "invited")

_INT_COLUMNS = ("wave_id", "group_id", "invited", "n", *FAV_COLUMNS, *BAR_COLUMNS)


def empty_counts() -> pd.DataFrame:
    """A counts frame with no rows but the right columns and dtypes."""
    frame = pd.DataFrame({c: pd.Series(dtype="int64") for c in COUNT_COLUMNS})
    frame["group_name"] = frame["group_name"].astype("str")
    frame[list(SUM_COLUMNS)] = frame[list(SUM_COLUMNS)].astype("float64")
    return frame


def check_counts(counts: pd.DataFrame) -> pd.DataFrame:
    """Fail loudly on a malformed counts frame, so a loader bug cannot turn into wrong shares."""
    missing = [c for c in COUNT_COLUMNS if c not in counts.columns]
    if missing:
        raise ValueError(f"counts frame lacks columns: {', '.join(missing)}")
    if counts.duplicated(["wave_id", "group_id"]).any():
        raise ValueError("counts frame has more than one row for a (wave_id, group_id)")
    n = counts["n"]
    if (n < 0).any() or (counts["invited"] < 0).any():
        raise ValueError("counts frame has negative n or invited")
    if not counts[list(BAR_COLUMNS)].sum(axis=1).eq(n).all():
        raise ValueError("counts frame: bar_* counts must sum to n in every row")
    if counts[list(FAV_COLUMNS)].gt(n, axis=0).any().any():
        raise ValueError("counts frame: fav_* counts cannot exceed n")
    return counts


def counts_from_scores(scores: pd.DataFrame, roster: pd.DataFrame | None = None) -> pd.DataFrame:
    """Aggregate per-respondent element scores into a counts frame, as the database does.

    `scores` has columns wave_id, group_id and one float column per element (one row per respondent).
    `roster` (wave_id, group_id, group_name, invited) lists the groups each wave includes; groups with
    no respondents then get n == 0, like the database's outer join. Without a roster the groups are
    those with respondents, named "Group <id>", with invited == n.
    """
    values = scores[list(ELEMENTS)].to_numpy(dtype="float64")
    points = [barrier_point(dict(zip(ELEMENTS, row, strict=True))) for row in values]
    columns: dict[str, object] = {
        "wave_id": scores["wave_id"].to_numpy(dtype="int64"),
        "group_id": scores["group_id"].to_numpy(dtype="int64"),
        "n": np.ones(len(scores), dtype="int64"),
    }
    for i, e in enumerate(ELEMENTS):
        columns[f"sum_{e}"] = values[:, i]
        columns[f"fav_{e}"] = (values[:, i] >= FAVORABLE_AT_OR_ABOVE).astype("int64")
    for b in BARRIER_CHOICES:
        columns[f"bar_{b}"] = np.array([p == b for p in points], dtype="int64")
    agg = pd.DataFrame(columns).groupby(["wave_id", "group_id"], sort=True).sum()

    if roster is None:
        roster = pd.DataFrame(
            {
                "wave_id": agg.index.get_level_values("wave_id"),
                "group_id": agg.index.get_level_values("group_id"),
                "group_name": [f"Group {g}" for g in agg.index.get_level_values("group_id")],
                "invited": agg["n"].to_numpy(),
            }
        )
    roster = roster[list(ROSTER_COLUMNS)].astype(
        {"wave_id": "int64", "group_id": "int64", "invited": "int64"}
    )
    keys = pd.MultiIndex.from_frame(roster[["wave_id", "group_id"]])
    if not agg.index.isin(keys).all():
        raise ValueError("scores hold respondents for a (wave, group) the roster does not include")
    filled = agg.reindex(keys, fill_value=0).reset_index(drop=True)
    counts = pd.concat([roster.reset_index(drop=True), filled], axis=1)
    counts["group_name"] = counts["group_name"].astype("str")
    counts = counts.astype({c: "int64" for c in _INT_COLUMNS} | {c: "float64" for c in SUM_COLUMNS})
    return counts[list(COUNT_COLUMNS)].sort_values(["wave_id", "group_id"], ignore_index=True)
