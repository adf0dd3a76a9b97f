"""Milestone readiness gates: has each impacted group reached the target element by the milestone date?"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import pandas as pd

from adkar.analytics.projection import project
from adkar.elements import check_element
from adkar.rules.thresholds import exact, reaches

READY, NOT_READY, NO_DATA = "ready", "not_ready", "no_data"
DEFAULT_THRESHOLD = 0.8


@dataclass(frozen=True)
class _Cell:
    n: int
    suppressed: bool
    reached: int | None


def milestone_gate(
    milestone: Mapping[str, Any],
    *,
    group_ids: Sequence[int],
    waves: pd.DataFrame,
    readiness: pd.DataFrame,
) -> dict[str, Any]:
    """Gate status of one milestone, per impacted group and overall.

    milestone: id, due (date), target_element, threshold (None -> 0.8), group_ids (empty -> all groups).
    group_ids: every group of the initiative, in display order (used when the milestone names none).
    waves: wave_id, closes_on, created_at, group_ids (the groups each wave includes), for the initiative.
    readiness: suppressed readiness rows of those waves, one per (wave_id, group_id), with at least
      wave_id, group_id, n, suppressed, reached_count_<target> (stacked `wave_readiness(...).groups`
      or `initiative_trend(...)`; rows with a null group_id are ignored). An included group without a
      row counts as n == 0, hence suppressed.
    Each group reads its latest wave closing on or before `due` (same day: later created_at, then the
    higher wave_id). When the group is suppressed there, status is no_data, value None and wave_id
    still names that wave. `value` is reached_count / n; the threshold is compared exactly on counts.
    """
    target = check_element(milestone["target_element"])
    threshold = milestone.get("threshold")
    threshold = DEFAULT_THRESHOLD if threshold is None else threshold
    exact_threshold = exact(threshold)
    if not 0 <= exact_threshold <= 1:
        raise ValueError(f"threshold must be within [0, 1], got {threshold!r}")
    due = pd.Timestamp(milestone["due"])
    cells = _cells(readiness, target)
    frame = _eligible_waves(waves, due)
    eligible = list(
        zip(frame["wave_id"].tolist(), frame["closes_on"].tolist(), frame["group_ids"], strict=True)
    )
    impacted = _impacted(milestone.get("group_ids") or (), group_ids)

    groups = [_group_gate(g, eligible, cells, exact_threshold, due) for g in impacted]
    statuses = {g["status"] for g in groups}
    if not groups or statuses == {NO_DATA}:
        status = NO_DATA
    elif statuses == {READY}:
        status = READY
    else:
        status = NOT_READY
    return {
        "milestone_id": int(milestone["id"]),
        "status": status,
        "target_element": target,
        "threshold": float(threshold),
        "groups": groups,
    }


def _group_gate(
    group_id: int,
    eligible: Sequence[tuple[int, pd.Timestamp, frozenset[int]]],
    cells: Mapping[tuple[int, int], _Cell],
    threshold: Fraction,
    due: pd.Timestamp,
) -> dict[str, Any]:
    """One group's gate; `eligible` is (wave_id, closes_on, group_ids) oldest first, plain Python for speed."""
    mine = [(wave_id, closes_on) for wave_id, closes_on, ids in eligible if group_id in ids]
    result: dict[str, Any] = {
        "group_id": group_id,
        "status": NO_DATA,
        "value": None,
        "wave_id": None,
        "projected": None,
        "pace": None,
        "required_pace": None,
    }
    if not mine:
        return result
    visible: list[tuple[int, pd.Timestamp, int, int]] = []  # wave_id, closes_on, reached, n
    for wave_id, closes_on in mine:
        cell = cells.get((wave_id, group_id), _Cell(0, True, None))
        if not cell.suppressed and cell.n > 0 and cell.reached is not None:
            visible.append((int(wave_id), closes_on, cell.reached, cell.n))
    latest = int(mine[-1][0])
    result["wave_id"] = latest
    if visible:
        projection = project(
            [(closes_on, reached / n) for _, closes_on, reached, n in visible],
            at=due,
            threshold=float(threshold),
        )
        result["projected"] = projection.projected
        result["pace"] = projection.pace
        result["required_pace"] = projection.required_pace
    if not visible or visible[-1][0] != latest:
        return result
    _, _, reached, n = visible[-1]
    result["value"] = reached / n
    result["status"] = READY if reaches(reached, n, threshold) else NOT_READY
    return result


def _cells(readiness: pd.DataFrame, target: str) -> dict[tuple[int, int], _Cell]:
    """(wave_id, group_id) -> what the gate needs, from group rows only."""
    rows = readiness[readiness["group_id"].notna()]
    if rows.duplicated(["wave_id", "group_id"]).any():
        raise ValueError("readiness has more than one row for a (wave_id, group_id)")
    reached = rows[f"reached_count_{target}"]
    return {
        (int(w), int(g)): _Cell(int(n), bool(s), None if pd.isna(r) else int(r))
        for w, g, n, s, r in zip(
            rows["wave_id"], rows["group_id"], rows["n"], rows["suppressed"], reached, strict=True
        )
    }


def _eligible_waves(waves: pd.DataFrame, due: pd.Timestamp) -> pd.DataFrame:
    """Waves closing on or before the due date, oldest first (the last one is the latest)."""
    frame = pd.DataFrame(
        {
            "wave_id": waves["wave_id"].astype("int64"),
            "closes_on": pd.to_datetime(waves["closes_on"]),
            "created_at": pd.to_datetime(waves["created_at"]),
            "group_ids": [frozenset(int(g) for g in ids) for ids in waves["group_ids"]],
        }
    )
    frame = frame[frame["closes_on"].notna() & (frame["closes_on"] <= due)]
    return frame.sort_values(["closes_on", "created_at", "wave_id"], ignore_index=True)


def _impacted(named: Iterable[int], all_groups: Sequence[int]) -> list[int]:
    """The milestone's groups in initiative order; every group when it names none."""
    named_ids = {int(g) for g in named}
    if not named_ids:
        return [int(g) for g in all_groups]
    order = {int(g): i for i, g in enumerate(all_groups)}
    return sorted(named_ids, key=lambda g: (order.get(g, len(order)), g))
