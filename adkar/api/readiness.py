"""API endpoints: readiness per wave, the initiative's trend, and milestone gates (suppression applied)."""

from __future__ import annotations

from ..access import load_initiative
from ..plan.models import Milestone
from ..readiness import figures as report
from ..surveys.models import Wave
from . import bp
from .auth import api_user
from .crud import api_record
from .http import json_response
from .openapi import operation
from .schemas import readiness as schema

TAG = "readiness"


@bp.get("/waves/<id:wave_id>/readiness")
@operation(
    summary="Readiness of one wave per group and overall, with anonymity suppression",
    tag=TAG,
    responses={200: schema.WaveReadiness},
)
def wave_readiness(wave_id: int):
    return json_response(report.wave_report_json(api_record(Wave, wave_id)))


@bp.get("/initiatives/<id:initiative_id>/trend")
@operation(
    summary="Readiness over time: one point per wave and group, and per wave overall",
    tag=TAG,
    responses={200: schema.TrendPointList},
)
def initiative_trend(initiative_id: int):
    initiative = load_initiative(api_user(), initiative_id)
    return json_response({"items": report.trend_json(report.initiative_report(initiative))})


@bp.get("/milestones/<id:milestone_id>/gate")
@operation(
    summary="The readiness gate of a milestone, per impacted group", tag=TAG, responses={200: schema.Gate}
)
def milestone_gate(milestone_id: int):
    milestone = api_record(Milestone, milestone_id)
    return json_response(report.gate(milestone, report.initiative_report(milestone.initiative)))
