"""Readiness as the app shows it: loaders + pure analytics, with the installation's k.

Pages, charts, exports and the API all call these, so every number is the same number.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from ..analytics.gates import milestone_gate
from ..analytics.readiness import WaveReadiness, readiness_to_api, wave_readiness
from ..analytics.trend import initiative_trend
from ..config import min_group_size
from ..plan.models import Initiative, Milestone
from ..surveys.models import Wave
from .loaders import initiative_group_ids, load_counts, load_waves


def wave_report(wave: Wave) -> WaveReadiness:
    return wave_readiness(load_counts([wave.id]), min_group_size())


def wave_report_json(wave: Wave) -> dict[str, Any]:
    """The body of GET /api/v1/waves/{id}/readiness."""
    report = wave_report(wave)
    overall = readiness_to_api(report.overall)
    return {
        "wave": {
            "id": wave.id,
            "name": wave.name,
            "opens_on": wave.opens_on.isoformat(),
            "closes_on": wave.closes_on.isoformat(),
        },
        "min_group_size": min_group_size(),
        "groups": [readiness_to_api(row) for _, row in report.groups.iterrows()],
        "overall": overall,
    }


@dataclass(frozen=True)
class InitiativeReadiness:
    """Everything a dashboard needs about an initiative, loaded with a fixed number of queries."""

    waves: pd.DataFrame
    trend: pd.DataFrame
    group_ids: list[int]
    k: int


def initiative_report(initiative: Initiative) -> InitiativeReadiness:
    waves = load_waves(initiative.id)
    k = min_group_size()
    counts = load_counts(waves["wave_id"].tolist())
    return InitiativeReadiness(
        waves=waves,
        trend=initiative_trend(counts, waves, k),
        group_ids=initiative_group_ids(initiative.id),
        k=k,
    )


def trend_json(report: InitiativeReadiness) -> list[dict[str, Any]]:
    """One point per wave and group, and per wave overall (group_id null), in time order."""
    points = []
    for _, row in report.trend.iterrows():
        point = {
            "wave_id": int(row["wave_id"]),
            "wave_name": str(row["wave_name"]),
            "closes_on": pd.Timestamp(row["closes_on"]).date().isoformat(),
            "group_id": None,
            "name": "Overall",
            **readiness_to_api(row),
        }
        points.append(point)
    return points


def gate(milestone: Milestone, report: InitiativeReadiness) -> dict[str, Any]:
    """The computed gate of a milestone, with the latest override (if any) beside it."""
    result = milestone_gate(
        {
            "id": milestone.id,
            "due": milestone.due,
            "target_element": milestone.target_element,
            "threshold": milestone.threshold,
            "group_ids": [g.id for g in milestone.groups],
        },
        group_ids=report.group_ids,
        waves=report.waves,
        readiness=report.trend[report.trend["group_id"].notna()],
    )
    latest = milestone.overrides[-1] if milestone.overrides else None
    result["overridden"] = latest is not None and result["status"] != "ready"
    result["override"] = (
        {
            "by": latest.user.display_name,
            "at": latest.created_at.isoformat(timespec="minutes"),
            "justification": latest.justification,
            "computed_status": latest.computed_status,
        }
        if latest is not None
        else None
    )
    return result


def gates(initiative: Initiative, report: InitiativeReadiness) -> list[dict[str, Any]]:
    return [gate(m, report) for m in initiative.milestones]
