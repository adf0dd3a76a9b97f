"""SQL -> DataFrame loaders: the counts frame and the waves frame, aggregated in the database.

`load_counts` reads the per-(wave, group) tallies kept up to date on every write, so its cost is one
row per group whatever the number of responses. `scan_counts` computes the same frame with a GROUP BY
over the per-respondent element scores; it checks the tallies and rebuilds them.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
from sqlalchemy import Float, Integer, case, cast, func, select

from ..analytics.counts import BAR_COLUMNS, COUNT_COLUMNS, FAV_COLUMNS, SUM_COLUMNS, empty_counts
from ..elements import BARRIER_CHOICES, ELEMENTS, FAVORABLE_AT_OR_ABOVE
from ..extensions import db
from ..plan.models import StakeholderGroup
from ..surveys.models import Response, Wave, WaveGroup

WAVE_COLUMNS = ("wave_id", "name", "opens_on", "closes_on", "created_at", "milestone_id", "group_ids")


def _invited():
    """Personal invitations issued, or the headcount when the group answers through an open link."""
    return case(
        (WaveGroup.open_link_hash.is_not(None), StakeholderGroup.headcount), else_=WaveGroup.invited
    ).label("invited")


def _frame(rows, columns: Sequence[str]) -> pd.DataFrame:
    if not rows:
        return empty_counts()
    frame = pd.DataFrame.from_records(rows, columns=list(columns))
    frame[list(SUM_COLUMNS)] = frame[list(SUM_COLUMNS)].astype("float64")
    ints = ["wave_id", "group_id", "invited", "n", *FAV_COLUMNS, *BAR_COLUMNS]
    frame[ints] = frame[ints].astype("int64")
    frame["group_name"] = frame["group_name"].astype("str")
    return frame


def load_counts(wave_ids: Sequence[int]) -> pd.DataFrame:
    """The counts frame of these waves from the running tallies (one row per wave and group)."""
    if not wave_ids:
        return empty_counts()
    query = (
        select(
            WaveGroup.wave_id,
            WaveGroup.group_id,
            StakeholderGroup.name.label("group_name"),
            _invited(),
            WaveGroup.n,
            *(cast(getattr(WaveGroup, c), Float).label(c) for c in SUM_COLUMNS),
            *(getattr(WaveGroup, c) for c in FAV_COLUMNS),
            *(getattr(WaveGroup, c) for c in BAR_COLUMNS),
        )
        .join(StakeholderGroup, StakeholderGroup.id == WaveGroup.group_id)
        .where(WaveGroup.wave_id.in_(list(wave_ids)))
        .order_by(WaveGroup.wave_id, WaveGroup.group_id)
    )
    return _frame(db.session.execute(query).all(), COUNT_COLUMNS)


def scan_counts(wave_ids: Sequence[int]) -> pd.DataFrame:
    """The same counts frame computed by GROUP BY over the stored per-respondent scores."""
    if not wave_ids:
        return empty_counts()
    aggregates = [func.count(Response.id).label("n")]
    aggregates += [cast(func.sum(getattr(Response, f"score_{e}")), Float).label(f"sum_{e}") for e in ELEMENTS]
    aggregates += [
        func.sum(case((getattr(Response, f"score_{e}") >= FAVORABLE_AT_OR_ABOVE, 1), else_=0)).label(
            f"fav_{e}"
        )
        for e in ELEMENTS
    ]
    aggregates += [
        func.sum(case((Response.barrier == index, 1), else_=0)).label(f"bar_{name}")
        for index, name in enumerate(BARRIER_CHOICES)
    ]
    per_group = (
        select(Response.wave_id, Response.group_id, *aggregates)
        .where(Response.wave_id.in_(list(wave_ids)))
        .group_by(Response.wave_id, Response.group_id)
        .subquery()
    )
    query = (
        select(
            WaveGroup.wave_id,
            WaveGroup.group_id,
            StakeholderGroup.name.label("group_name"),
            _invited(),
            cast(func.coalesce(per_group.c.n, 0), Integer).label("n"),
            *(cast(func.coalesce(per_group.c[c], 0.0), Float).label(c) for c in SUM_COLUMNS),
            *(cast(func.coalesce(per_group.c[c], 0), Integer).label(c) for c in (*FAV_COLUMNS, *BAR_COLUMNS)),
        )
        .join(StakeholderGroup, StakeholderGroup.id == WaveGroup.group_id)
        .outerjoin(
            per_group,
            (per_group.c.wave_id == WaveGroup.wave_id) & (per_group.c.group_id == WaveGroup.group_id),
        )
        .where(WaveGroup.wave_id.in_(list(wave_ids)))
        .order_by(WaveGroup.wave_id, WaveGroup.group_id)
    )
    return _frame(db.session.execute(query).all(), COUNT_COLUMNS)


def load_waves(initiative_id: int) -> pd.DataFrame:
    """The initiative's waves with the groups each includes (for trends and gates)."""
    waves = db.session.execute(
        select(Wave.id, Wave.name, Wave.opens_on, Wave.closes_on, Wave.created_at, Wave.milestone_id)
        .where(Wave.initiative_id == initiative_id)
        .order_by(Wave.closes_on, Wave.created_at, Wave.id)
    ).all()
    members = db.session.execute(
        select(WaveGroup.wave_id, WaveGroup.group_id)
        .join(Wave, Wave.id == WaveGroup.wave_id)
        .where(Wave.initiative_id == initiative_id)
        .order_by(WaveGroup.group_id)
    ).all()
    groups_of: dict[int, list[int]] = {}
    for wave_id, group_id in members:
        groups_of.setdefault(wave_id, []).append(group_id)
    return pd.DataFrame(
        [(*w, groups_of.get(w[0], [])) for w in waves],
        columns=list(WAVE_COLUMNS),
    )


def initiative_group_ids(initiative_id: int) -> list[int]:
    return list(
        db.session.scalars(
            select(StakeholderGroup.id)
            .where(StakeholderGroup.initiative_id == initiative_id)
            .order_by(StakeholderGroup.id)
        )
    )
