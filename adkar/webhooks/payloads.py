"""The data of the sweep's events: ids, names, dates, statuses, and group figures only as the readiness
rules publish them (suppressed below k, published in batches of k; docs/readiness.md). Nothing here reads
a response or a held answer."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..analytics.readiness import readiness_to_api
from ..plan.models import Initiative, Milestone
from ..readiness.figures import wave_report
from ..surveys.models import Wave


def initiative_data(initiative: Initiative) -> dict[str, Any]:
    return {"id": initiative.id, "name": initiative.name}


def _wave(wave: Wave) -> dict[str, Any]:
    return {
        "id": wave.id,
        "name": wave.name,
        "survey_key": wave.survey_key,
        "opens_on": wave.opens_on.isoformat(),
        "closes_on": wave.closes_on.isoformat(),
        "milestone_id": wave.milestone_id,
    }


def wave_opened(wave: Wave) -> dict[str, Any]:
    groups = [{"id": wg.group_id, "name": wg.group.name} for wg in wave.wave_groups]
    return {"initiative": initiative_data(wave.initiative), "wave": _wave(wave), "groups": groups}


def _figures(row: Mapping[str, Any]) -> dict[str, Any]:
    keep = ("n", "invited", "response_rate", "suppressed", "adoption")
    return {key: row[key] for key in keep}


def wave_closed(wave: Wave) -> dict[str, Any]:
    """What GET /api/v1/waves/{id}/readiness shows, reduced to counts, rates and adoption."""
    report = wave_report(wave)
    groups = [readiness_to_api(row) for _, row in report.groups.iterrows()]
    return {
        "initiative": initiative_data(wave.initiative),
        "wave": _wave(wave),
        "groups": [{"id": g["group_id"], "name": g["name"], **_figures(g)} for g in groups],
        "overall": _figures(readiness_to_api(report.overall)),
    }


def _milestone(milestone: Milestone, gate: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "id": milestone.id,
        "name": milestone.name,
        "kind": milestone.kind,
        "due": milestone.due.isoformat(),
        "target_element": gate["target_element"],
        "threshold": gate["threshold"],
    }


def _group_gates(gate: Mapping[str, Any], names: Mapping[int, str]) -> list[dict[str, Any]]:
    keep = ("status", "value", "projected", "pace", "required_pace", "wave_id")
    return [
        {"id": g["group_id"], "name": names.get(g["group_id"], ""), **{k: g[k] for k in keep}}
        for g in gate["groups"]
    ]


def gate_data(
    milestone: Milestone, gate: Mapping[str, Any], names: Mapping[int, str], **extra: Any
) -> dict[str, Any]:
    """A gate as GET /api/v1/milestones/{id}/gate shows it (already suppressed), with `extra` fields."""
    return {
        "initiative": initiative_data(milestone.initiative),
        "milestone": _milestone(milestone, gate),
        "status": gate["status"],
        "overridden": bool(gate["overridden"]),
        **extra,
        "groups": _group_gates(gate, names),
    }
