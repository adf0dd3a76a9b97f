"""Which groups the dashboard draws, so its page and charts stay the same size at 10 groups or 1,000.

The first screen answers the sponsor's question from a bounded set: the groups at risk first (the
headline's order), then the largest by responses, at most FEATURED groups in the table and the charts; the
rest are a search or a "Show more" away (views.groups_page, PAGE_SIZE at a time). Trend charts keep the
last TREND_WAVES waves and the first TREND_GROUPS groups, and the at-risk list its first AT_RISK_SHOWN. Rows are the readiness rows themselves, so suppressed groups stay suppressed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from ..analytics.rows import is_overall

FEATURED = 25
PAGE_SIZE = 25
AT_RISK_SHOWN = 10  # at-risk groups listed with their action plans; the rest lead the group table
TREND_GROUPS = 10  # series in the trend and response-rate charts besides the overall one
TREND_WAVES = 12
MAX_QUERY = 100


def ranked(rows: Sequence[Mapping[str, Any]], at_risk: Sequence[int]) -> list[Mapping[str, Any]]:
    """Group rows (no overall row) in the order the dashboard shows them: at risk, then largest, then name."""
    risk = {group_id: index for index, group_id in enumerate(at_risk)}
    groups = [row for row in rows if not is_overall(row)]
    return sorted(
        groups,
        key=lambda row: (
            risk.get(int(row["group_id"]), len(risk)),
            -int(row["n"]),
            str(row["name"]).casefold(),
            int(row["group_id"]),
        ),
    )


def featured(rows: Sequence[Mapping[str, Any]], at_risk: Sequence[int], *, limit: int = FEATURED) -> list:
    """The first `limit` ranked group rows, then the overall row(s) last (the table's total line)."""
    return [*ranked(rows, at_risk)[:limit], *(row for row in rows if is_overall(row))]


def gate_columns(
    groups: Sequence[tuple[int, str]], rows: Sequence[Mapping[str, Any]], at_risk: Sequence[int]
) -> list[tuple[int, str]]:
    """The gate board's group columns: all groups (by id) up to FEATURED; beyond, the featured groups of the
    focus wave (`rows`, in their order), else those at risk and then the first by id. A gate's status still
    reads every group it impacts."""
    if len(groups) <= FEATURED:
        return list(groups)
    names = dict(groups)
    chosen = [int(r["group_id"]) for r in rows if not is_overall(r)]
    if not chosen:
        chosen = [g for g in at_risk if g in names][:FEATURED]
        chosen += [g for g, _ in groups if g not in chosen][: FEATURED - len(chosen)]
    return [(g, names[g]) for g in chosen if g in names][:FEATURED]


def matching(
    rows: Sequence[Mapping[str, Any]], at_risk: Sequence[int], query: str
) -> list[Mapping[str, Any]]:
    """Ranked group rows whose name holds `query` (case-insensitive; all of them for an empty query)."""
    needle = clean_query(query).casefold()
    return [row for row in ranked(rows, at_risk) if needle in str(row["name"]).casefold()]


def clean_query(query: str | None) -> str:
    return " ".join((query or "").split())[:MAX_QUERY]


def bounded_trend(
    trend: pd.DataFrame, group_ids: Sequence[int], wave_ids: Sequence[int], *, waves: int = TREND_WAVES
) -> pd.DataFrame:
    """The trend rows of the overall figure and `group_ids`, for the last `waves` of `wave_ids` (in the
    dashboard's wave order)."""
    if trend.empty:
        return trend
    keep = trend["group_id"].isna() | trend["group_id"].isin(list(group_ids))
    return trend[keep & trend["wave_id"].isin(list(wave_ids)[-waves:])]
