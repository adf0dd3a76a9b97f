"""Readiness analytics: pure functions over pandas DataFrames (no Flask, no database).

Data flows counts frame (per wave and group, from SQL aggregates) -> `wave_readiness` (shares with
anonymity suppression) -> `initiative_trend` / `milestone_gate` / `project`.
"""

from adkar.analytics.counts import COUNT_COLUMNS, counts_from_scores
from adkar.analytics.gates import milestone_gate
from adkar.analytics.projection import project
from adkar.analytics.readiness import READINESS_COLUMNS, WaveReadiness, readiness_to_api, wave_readiness
from adkar.analytics.suppression import comments_visible, suppressed_groups
from adkar.analytics.trend import TREND_COLUMNS, initiative_trend

__all__ = [
    "COUNT_COLUMNS",
    "READINESS_COLUMNS",
    "TREND_COLUMNS",
    "WaveReadiness",
    "comments_visible",
    "counts_from_scores",
    "initiative_trend",
    "milestone_gate",
    "project",
    "readiness_to_api",
    "suppressed_groups",
    "wave_readiness",
]
