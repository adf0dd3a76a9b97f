"""The plan page's timeline panel: milestones and survey waves against go-live, drawn by the chart builders.

The plan page (adkar.plan.views) sits below surveys and charts, so it does not build this itself: the
dashboard registers it as a plan-page panel (`plan.views.register_plan_panel`) and the page adds whatever its
panels return to its template's context.
"""

from __future__ import annotations

from ..charts.render import figure_json
from ..charts.timeline import timeline_caption, timeline_figure
from ..plan.models import Initiative
from ..plan.templates import KIND_LABELS
from ..surveys.waves.services import initiative_waves
from ..timeutil import today


def plan_timeline(initiative: Initiative) -> dict:
    """`timeline_json` and `timeline_caption` for templates/plan/show.html."""
    now = today()
    milestones = [
        {
            "name": m.name,
            "due": m.due,
            "target_element": m.target_element,
            "kind_label": KIND_LABELS.get(m.kind, ""),
        }
        for m in initiative.milestones
    ]
    waves = [
        {"name": w.name, "opens_on": w.opens_on, "closes_on": w.closes_on}
        for w in initiative_waves(initiative)
    ]
    figure = timeline_figure(
        milestones, go_live=initiative.go_live, today=now, title="Plan timeline", waves=waves
    )
    return {
        "timeline_json": figure_json(figure),
        "timeline_caption": timeline_caption(milestones, go_live=initiative.go_live, today=now, waves=waves),
    }
