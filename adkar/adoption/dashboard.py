"""Measured adoption as the pages show it: the summary and the usage chart from one readiness report.

The adoption page uses it, and the dashboard can too (it has the report already, so the survey side costs
no extra query).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..charts.common import ChartSpec
from ..charts.usage import usage_chart
from ..plan.models import Initiative
from ..readiness.figures import InitiativeReadiness
from ..timeutil import today as current_day
from . import services
from .metrics import AdoptionSummary, GroupInfo, usage_frame


@dataclass(frozen=True)
class AdoptionView:
    summary: AdoptionSummary
    chart: ChartSpec


def adoption_for_dashboard(
    initiative: Initiative, report: InitiativeReadiness, *, today: date | None = None
) -> AdoptionView:
    """Speed of adoption, ultimate utilisation and the usage chart (utilisation beside survey adoption)."""
    groups = [GroupInfo(g.id, g.name, g.headcount) for g in initiative.groups]
    figures = services.figures_frame(initiative.id)
    summary = services.adoption_summary(initiative, figures)
    chart = usage_chart(
        usage_frame(figures, groups),
        report.trend,
        target=summary.target,
        go_live=initiative.go_live,
        today=today or current_day(),
        reached_on=summary.reached_on,
    )
    return AdoptionView(summary, chart)
