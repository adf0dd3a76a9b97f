"""CSV exports of an initiative's action plans and resistance log (cells neutralised by csvio)."""

from __future__ import annotations

from flask import Response
from flask_login import current_user, login_required

from .. import csvio
from ..access import load_initiative
from ..elements import ELEMENT_LABELS
from ..plan.models import Initiative
from ..timeutil import today
from . import services
from .models import ACTION_STATUS_LABELS, RESISTANCE_REASON_LABELS, RESISTANCE_STATUS_LABELS
from .views import bp

ACTION_HEADER = ("group", "element", "what", "owner", "starts_on", "due_on", "status", "from_library")
RESISTANCE_HEADER = ("group", "logged_on", "what", "reason", "people", "response", "status")


def action_rows(initiative: Initiative) -> list[list]:
    return [
        [
            a.group.name,
            ELEMENT_LABELS[a.element],
            a.what,
            a.owner,
            a.starts_on.isoformat(),
            a.due_on.isoformat(),
            ACTION_STATUS_LABELS[a.status],
            a.library_entry.title if a.library_entry else "",
        ]
        for a in services.initiative_actions(initiative.id)
    ]


def resistance_rows(initiative: Initiative) -> list[list]:
    return [
        [
            r.group.name,
            r.logged_on.isoformat(),
            r.what,
            RESISTANCE_REASON_LABELS[r.reason],
            r.people,
            r.response,
            RESISTANCE_STATUS_LABELS[r.status],
        ]
        for r in services.initiative_resistance(initiative.id)
    ]


def download(body: bytes, initiative: Initiative, what: str) -> Response:
    name = f"{initiative.id}-{what}-{today().isoformat()}.csv"
    return Response(
        body, mimetype="text/csv", headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )


@bp.get("/initiatives/<int:initiative_id>/actions.csv")
@login_required
def export_actions(initiative_id: int):
    initiative = load_initiative(current_user, initiative_id)
    return download(csvio.write_csv(ACTION_HEADER, action_rows(initiative)), initiative, "actions")


@bp.get("/initiatives/<int:initiative_id>/resistance.csv")
@login_required
def export_resistance(initiative_id: int):
    initiative = load_initiative(current_user, initiative_id)
    return download(csvio.write_csv(RESISTANCE_HEADER, resistance_rows(initiative)), initiative, "resistance")
