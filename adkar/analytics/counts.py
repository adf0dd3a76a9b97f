"""The counts frame: per (wave, group) aggregates that every readiness figure is derived from.

The database loaders produce it with SQL aggregates; `counts_from_scores` produces the same frame from
per-respondent element scores so tests (and anything without a database) use the very same rules.
"""

from __future__ import annotations

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
    per = scores[["wave_id", "group_id"]].astype("int64").copy()
    for e in ELEMENTS:
        per[f"sum_{e}"] = scores[e].astype("float64")
        per[f"fav_{e}"] = (scores[e] >= FAVORABLE_AT_OR_ABOVE).astype("int64")
    points = [
        barrier_point(dict(zip(ELEMENTS, row, strict=True))) for row in scores[list(ELEMENTS)].to_numpy()
    ]
    for b in BARRIER_CHOICES:
        per[f"bar_{b}"] = pd.Series([int(p == b) for p in points], index=per.index, dtype="int64")
    per["n"] = 1
    agg = per.groupby(["wave_id", "group_id"], as_index=False, sort=True).sum()

    if roster is None:
        roster = agg[["wave_id", "group_id"]].copy()
        roster["group_name"] = [f"Group {g}" for g in roster["group_id"]]
        roster["invited"] = agg["n"].to_numpy()
    roster = roster[list(ROSTER_COLUMNS)].astype(
        {"wave_id": "int64", "group_id": "int64", "invited": "int64"}
    )
    merged = roster.merge(agg, on=["wave_id", "group_id"], how="outer", indicator=True)
    if (merged["_merge"] == "right_only").any():
        raise ValueError("scores hold respondents for a (wave, group) the roster does not include")
    merged = merged.drop(columns="_merge")
    merged[list(SUM_COLUMNS)] = merged[list(SUM_COLUMNS)].fillna(0.0)
    counted = ["n", *FAV_COLUMNS, *BAR_COLUMNS]
    merged[counted] = merged[counted].fillna(0)
    merged = merged.astype({c: "int64" for c in _INT_COLUMNS})
    merged["group_name"] = merged["group_name"].astype("str")
    return merged[list(COUNT_COLUMNS)].sort_values(["wave_id", "group_id"], ignore_index=True)
