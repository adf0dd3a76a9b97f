"""Utilisation, speed of adoption and ultimate utilisation from usage figures (pure pandas, no database).

- A group's utilisation on a day = its active users / its headcount.
- Overall utilisation on a day = the sum, over every group of the initiative, of the group's latest
  figure on or before that day / the sum of all headcounts. A group without a figure yet counts as 0
  active users: utilisation is measured against everyone the change is for.
- Speed of adoption = days from go-live to the first day, on or after go-live, whose utilisation reaches
  the target (compared exactly, so 80 of 100 meets 0.8); None until it does. Figures before go-live
  (pilots) are shown but never count as reaching the target.
- Ultimate utilisation = the overall utilisation on the latest day with a figure.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd

from ..rules.thresholds import reaches

FIGURE_COLUMNS = ("group_id", "day", "active_users")
OVERALL_COLUMNS = ("day", "active_users", "headcount", "utilisation", "groups_reporting")


@dataclass(frozen=True)
class GroupInfo:
    group_id: int
    name: str
    headcount: int


@dataclass(frozen=True)
class GroupAdoption:
    group_id: int
    name: str
    headcount: int
    latest_day: date | None
    latest_active: int | None
    utilisation: float | None  # on latest_day
    reached_on: date | None
    speed_days: int | None


@dataclass(frozen=True)
class AdoptionSummary:
    target: float
    go_live: date
    overall: pd.DataFrame  # OVERALL_COLUMNS, one row per day with a figure, oldest first
    groups: list[GroupAdoption]
    reached_on: date | None
    speed_days: int | None
    ultimate: float | None
    latest_day: date | None


def meets(active: int, headcount: int, target: float) -> bool:
    """active / headcount >= target, in exact arithmetic."""
    return reaches(active, headcount, target)


def empty_figures() -> pd.DataFrame:
    return pd.DataFrame(
        {"group_id": pd.Series(dtype="int64"), "day": [], "active_users": pd.Series(dtype="int64")}
    )


def overall_utilisation(figures: pd.DataFrame, groups: Sequence[GroupInfo]) -> pd.DataFrame:
    """One row per day with any figure: carried-forward active users over every group's headcount."""
    headcount = sum(g.headcount for g in groups)
    known = {g.group_id for g in groups}
    rows = figures[figures["group_id"].isin(known)].sort_values(["day", "group_id"])
    latest: dict[int, int] = {}
    out = []
    for day, today_rows in rows.groupby("day", sort=True):
        for group_id, active in zip(today_rows["group_id"], today_rows["active_users"], strict=True):
            latest[int(group_id)] = int(active)
        active_total = sum(latest.values())
        out.append(
            (
                day,
                active_total,
                headcount,
                active_total / headcount if headcount else None,
                len(latest),
            )
        )
    return pd.DataFrame(out, columns=list(OVERALL_COLUMNS))


def first_reached(
    days: Sequence[date], actives: Sequence[int], headcounts: Sequence[int], *, go_live: date, target: float
) -> date | None:
    """The first day on or after go-live whose figure meets the target."""
    for day, active, headcount in zip(days, actives, headcounts, strict=True):
        if day >= go_live and meets(int(active), int(headcount), target):
            return day
    return None


def summarise(
    figures: pd.DataFrame, groups: Sequence[GroupInfo], *, go_live: date, target: float
) -> AdoptionSummary:
    """The adoption report of an initiative from its figures (FIGURE_COLUMNS) and groups."""
    overall = overall_utilisation(figures, groups)
    reached = first_reached(
        list(overall["day"]),
        list(overall["active_users"]),
        list(overall["headcount"]),
        go_live=go_live,
        target=target,
    )
    per_group = []
    for group in groups:
        mine = figures[figures["group_id"] == group.group_id].sort_values("day")
        days, actives = list(mine["day"]), [int(a) for a in mine["active_users"]]
        group_reached = first_reached(
            days, actives, [group.headcount] * len(days), go_live=go_live, target=target
        )
        per_group.append(
            GroupAdoption(
                group_id=group.group_id,
                name=group.name,
                headcount=group.headcount,
                latest_day=days[-1] if days else None,
                latest_active=actives[-1] if actives else None,
                utilisation=actives[-1] / group.headcount if actives else None,
                reached_on=group_reached,
                speed_days=(group_reached - go_live).days if group_reached else None,
            )
        )
    last = overall.iloc[-1] if len(overall) else None
    return AdoptionSummary(
        target=target,
        go_live=go_live,
        overall=overall,
        groups=per_group,
        reached_on=reached,
        speed_days=(reached - go_live).days if reached else None,
        ultimate=None if last is None or pd.isna(last["utilisation"]) else float(last["utilisation"]),
        latest_day=last["day"] if last is not None else None,
    )


USAGE_COLUMNS = ("group_id", "name", "day", "active_users", "headcount", "utilisation")


def usage_frame(figures: pd.DataFrame, groups: Sequence[GroupInfo]) -> pd.DataFrame:
    """Overall rows (group_id <NA>, name "Overall") then each group's own figures, for charts and exports."""
    overall = overall_utilisation(figures, groups)
    rows: list[tuple[int | None, str, Any, int, int, float]] = [
        (None, "Overall", r.day, int(r.active_users), int(r.headcount), r.utilisation)
        for r in overall.itertuples(index=False)
    ]
    for group in groups:
        mine = figures[figures["group_id"] == group.group_id].sort_values("day")
        rows += [
            (group.group_id, group.name, day, int(active), group.headcount, int(active) / group.headcount)
            for day, active in zip(mine["day"], mine["active_users"], strict=True)
        ]
    frame = pd.DataFrame(rows, columns=list(USAGE_COLUMNS))
    frame["group_id"] = frame["group_id"].astype("Int64")
    return frame
