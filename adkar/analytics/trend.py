"""Readiness across an initiative's waves, in time order, for trend charts and exports."""

from __future__ import annotations

import pandas as pd

from adkar.analytics.counts import check_counts
from adkar.analytics.readiness import READINESS_COLUMNS, readiness_frames
from adkar.rules.anonymity import check_k

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
