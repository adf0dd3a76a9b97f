"""Readiness across an initiative's waves, in time order, for trend charts and exports."""

from __future__ import annotations

import numpy as np
import pandas as pd

from adkar.analytics.counts import check_counts
from adkar.analytics.readiness import (
    OVERALL_NAME,
    POOLED_COLUMNS,
    READINESS_COLUMNS,
    readiness_frames,
    shape_readiness,
)
from adkar.rules.anonymity import check_k, hidden_groups

TREND_COLUMNS: tuple[str, ...] = ("wave_id", "wave_name", "closes_on", *READINESS_COLUMNS[1:])


def initiative_trend(counts: pd.DataFrame, waves: pd.DataFrame, k: int) -> pd.DataFrame:
    """One row per (wave, group) plus one overall row per wave, suppression applied wave by wave.

    counts: the counts frame of the initiative's waves. waves: wave_id, name, closes_on, created_at
    (other columns ignored); every wave with counts must be listed. Rows come in wave order (closes_on,
    then created_at, then wave_id), groups by group_id, the overall row (group_id <NA>, name "Overall")
    last. Columns TREND_COLUMNS: the readiness columns plus wave_name and closes_on (as given).
    """
    k = check_k(k)
    check_counts(counts)
    unknown = set(counts["wave_id"].astype("int64")) - set(waves["wave_id"].astype("int64"))
    if unknown:
        raise ValueError(f"counts hold waves missing from the waves frame: {sorted(unknown)}")
    order = pd.DataFrame(
        {
            "wave_id": waves["wave_id"].astype("int64"),
            "wave_name": waves["name"].astype("str"),
            "closes_on": waves["closes_on"],
            "close_key": pd.to_datetime(waves["closes_on"]),
            "create_key": pd.to_datetime(waves["created_at"]),
        }
    ).sort_values(["close_key", "create_key", "wave_id"], ignore_index=True)

    if counts.empty or order.empty:
        return _per_wave(counts, order, k)
    return _all_waves(counts, order, k)


def _per_wave(counts: pd.DataFrame, order: pd.DataFrame, k: int) -> pd.DataFrame:
    """Wave by wave (readiness_frames per wave): the definition _all_waves must equal, used for no counts."""
    frames: list[pd.DataFrame] = []
    for wave in order.itertuples(index=False):
        groups, overall = readiness_frames(counts[counts["wave_id"] == wave.wave_id], k, int(wave.wave_id))
        for frame in (groups, overall):
            if frame.empty:
                continue
            frame = frame.copy()
            frame.insert(1, "wave_name", wave.wave_name)
            frame.insert(2, "closes_on", [wave.closes_on] * len(frame))
            frames.append(frame)
    if not frames:
        empty = readiness_frames(counts.iloc[:0], k, None)[0]
        empty.insert(1, "wave_name", pd.Series(dtype="str"))
        empty.insert(2, "closes_on", pd.Series(dtype="object"))
        return empty[list(TREND_COLUMNS)]
    return pd.concat(frames, ignore_index=True)[list(TREND_COLUMNS)]


def _all_waves(counts: pd.DataFrame, order: pd.DataFrame, k: int) -> pd.DataFrame:
    """The same frame as _per_wave with every wave shaped at once: only the suppression rule runs per wave,
    on plain integers, so an initiative of 1,000 groups x 50 waves costs a few array operations, not 50
    rounds of pandas (docs/scale.md)."""
    position = pd.Series(range(len(order)), index=order["wave_id"].to_numpy())
    rows = counts.assign(_pos=counts["wave_id"].astype("int64").map(position).to_numpy())
    rows = rows.sort_values(["_pos", "group_id"], ignore_index=True, kind="stable")
    hidden = np.zeros(len(rows), dtype=bool)
    groups_of = rows["group_id"].to_numpy(dtype="int64")
    n_of = rows["n"].to_numpy(dtype="int64")
    for indices in rows.groupby("_pos", sort=True).indices.values():
        found = hidden_groups({int(groups_of[i]): int(n_of[i]) for i in indices}, k)
        hidden[indices] = [int(groups_of[i]) in found for i in indices]
    groups = shape_readiness(rows, hidden)
    groups.insert(0, "_pos", rows["_pos"].to_numpy())

    pooled = rows.groupby("_pos", sort=True)[list(POOLED_COLUMNS)].sum()
    pooled = pooled.reindex(range(len(order)), fill_value=0).reset_index(drop=True)
    pooled.insert(0, "wave_id", order["wave_id"].to_numpy())
    pooled.insert(1, "group_id", [None] * len(order))
    pooled.insert(2, "group_name", [OVERALL_NAME] * len(order))
    overall = shape_readiness(pooled, (pooled["n"] < k).to_numpy())
    overall.insert(0, "_pos", range(len(order)))

    frame = pd.concat([groups, overall], ignore_index=True)
    frame["_overall"] = [False] * len(groups) + [True] * len(overall)
    frame = frame.sort_values(["_pos", "_overall"], ignore_index=True, kind="stable")
    names = order["wave_name"].tolist()
    closes = order["closes_on"].tolist()
    frame.insert(1, "wave_name", [names[p] for p in frame["_pos"]])
    frame.insert(2, "closes_on", [closes[p] for p in frame["_pos"]])
    return frame[list(TREND_COLUMNS)]
