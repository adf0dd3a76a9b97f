"""API endpoints: readiness per wave, the initiative's trend, and milestone gates (suppression applied)."""

from __future__ import annotations

from ..access import load_initiative
from ..elements import BARRIER_CHOICES, ELEMENTS
from ..plan.models import Milestone
from ..readiness import figures as report
from ..surveys.models import Wave
from . import bp
from .auth import api_user
from .crud import api_record
from .http import json_response
from .openapi import component, list_of, operation

TAG = "readiness"
_SHARE = {"type": ["number", "null"], "minimum": 0, "maximum": 1}
_MEAN = {"type": ["number", "null"], "minimum": 1, "maximum": 5}
_PACE = {
    "type": ["number", "null"],
    "description": "Share per week: `pace` is the recent trend's, `required_pace` what reaching the threshold "
    "by the milestone date needs (readiness spec, Pace).",
}


def _per(keys, schema) -> dict:
    return {
        "type": "object",
        "properties": dict.fromkeys(keys, schema),
        "required": list(keys),
        "additionalProperties": False,
    }


_SCORES = {
    "n": {"type": "integer", "minimum": 0},
    "invited": {"type": "integer", "minimum": 0},
    "response_rate": {"type": ["number", "null"], "minimum": 0},
    "suppressed": {"type": "boolean", "description": "True when fewer than k people (or complementary)."},
    "mean": _per(ELEMENTS, _MEAN),
    "favorable": _per(ELEMENTS, _SHARE),
    "barrier": _per(BARRIER_CHOICES, _SHARE),
    "reached": _per(ELEMENTS, _SHARE),
    "adoption": _SHARE,
    "resistance": _SHARE,
}
OVERALL = component(
    "ReadinessOverall",
    {"type": "object", "properties": _SCORES, "required": list(_SCORES), "additionalProperties": False},
)
_GROUP_FIELDS = {"group_id": {"type": "integer"}, "name": {"type": "string"}, **_SCORES}
GROUP = component(
    "ReadinessGroup",
    {
        "type": "object",
        "properties": _GROUP_FIELDS,
        "required": list(_GROUP_FIELDS),
        "additionalProperties": False,
    },
)
WAVE_READINESS = component(
    "WaveReadiness",
    {
        "type": "object",
        "properties": {
            "wave": {
                "type": "object",
                "properties": {
                    "id": {"type": "integer"},
                    "name": {"type": "string"},
                    "opens_on": {"type": "string", "format": "date"},
                    "closes_on": {"type": "string", "format": "date"},
                },
                "required": ["id", "name", "opens_on", "closes_on"],
            },
            "min_group_size": {"type": "integer", "minimum": 3},
            "groups": {"type": "array", "items": GROUP},
            "overall": OVERALL,
        },
        "required": ["wave", "min_group_size", "groups", "overall"],
    },
)
_POINT_FIELDS = {
    "wave_id": {"type": "integer"},
    "wave_name": {"type": "string"},
    "closes_on": {"type": "string", "format": "date"},
    "group_id": {"type": ["integer", "null"], "description": "null for the wave's overall point"},
    "name": {"type": "string"},
    **_SCORES,
}
TREND_POINT = component(
    "TrendPoint",
    {
        "type": "object",
        "properties": _POINT_FIELDS,
        "required": list(_POINT_FIELDS),
        "additionalProperties": False,
    },
)
_STATUS = {"enum": ["ready", "not_ready", "no_data"]}
GATE = component(
    "Gate",
    {
        "type": "object",
        "properties": {
            "milestone_id": {"type": "integer"},
            "status": _STATUS,
            "target_element": {"enum": list(ELEMENTS)},
            "threshold": {"type": "number"},
            "overridden": {"type": "boolean"},
            "override": {
                "type": ["object", "null"],
                "properties": {
                    "by": {"type": "string"},
                    "at": {"type": "string"},
                    "justification": {"type": "string"},
                    "computed_status": {"type": "string"},
                },
            },
            "groups": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "group_id": {"type": "integer"},
                        "status": _STATUS,
                        "value": _SHARE,
                        "wave_id": {"type": ["integer", "null"]},
                        "projected": _SHARE,
                        "pace": _PACE,
                        "required_pace": _PACE,
                    },
                    "required": [
                        "group_id",
                        "status",
                        "value",
                        "wave_id",
                        "projected",
                        "pace",
                        "required_pace",
                    ],
                },
            },
        },
        "required": ["milestone_id", "status", "target_element", "threshold", "groups"],
    },
)


@bp.get("/waves/<id:wave_id>/readiness")
@operation(
    summary="Readiness of one wave per group and overall, with anonymity suppression",
    tag=TAG,
    responses={200: WAVE_READINESS},
)
def wave_readiness(wave_id: int):
    return json_response(report.wave_report_json(api_record(Wave, wave_id)))


@bp.get("/initiatives/<id:initiative_id>/trend")
@operation(
    summary="Readiness over time: one point per wave and group, and per wave overall",
    tag=TAG,
    responses={200: list_of(TREND_POINT)},
)
def initiative_trend(initiative_id: int):
    initiative = load_initiative(api_user(), initiative_id)
    return json_response({"items": report.trend_json(report.initiative_report(initiative))})


@bp.get("/milestones/<id:milestone_id>/gate")
@operation(summary="The readiness gate of a milestone, per impacted group", tag=TAG, responses={200: GATE})
def milestone_gate(milestone_id: int):
    milestone = api_record(Milestone, milestone_id)
    return json_response(report.gate(milestone, report.initiative_report(milestone.initiative)))
