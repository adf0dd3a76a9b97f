"""CSV and XLSX exports of an initiative's action plans and resistance log (cells neutralised on writing)."""

from __future__ import annotations

from flask_login import current_user, login_required

from ..access import load_initiative
from ..elements import ELEMENT_LABELS
from ..plan.models import Initiative
from ..spreadsheet import table_download
from ..timeutil import today
from . import bp, services
from .models import ACTION_STATUS_LABELS, RESISTANCE_REASON_LABELS, RESISTANCE_STATUS_LABELS

ACTION_HEADER = ("group", "element", "what", "owner", "starts_on", "due_on", "status", "from_library")
RESISTANCE_HEADER = ("group", "logged_on", "what", "reason", "people", "response", "status")


def action_rows(initiative: Initiative) -> list[list]:
    """One row per action; dates stay dates (the CSV writes them as YYYY-MM-DD)."""
    return [
        [
            a.group.name,
            ELEMENT_LABELS[a.element],
            a.what,
            a.owner,
            a.starts_on,
            a.due_on,
            ACTION_STATUS_LABELS[a.status],
            a.library_entry.title if a.library_entry else "",
        ]
        for a in services.initiative_actions(initiative.id)
    ]


def resistance_rows(initiative: Initiative) -> list[list]:
    return [
        [
            r.group.name,
            r.logged_on,
            r.what,
            RESISTANCE_REASON_LABELS[r.reason],
            r.people,
            r.response,
            RESISTANCE_STATUS_LABELS[r.status],
        ]
        for r in services.initiative_resistance(initiative.id)
    ]


def _notes(initiative: Initiative, what: str) -> list[str]:
    return [
        f"Initiative: {initiative.name}. Exported on {today().isoformat()}.",
        f"One row per {what}, group by group; the CSV export holds the same rows.",
    ]


def _actions(initiative_id: int, kind: str):
    initiative = load_initiative(current_user, initiative_id)
    return table_download(
        kind,
        ACTION_HEADER,
        action_rows(initiative),
        stem=f"{initiative.id}-actions-{today().isoformat()}",
        sheet="Actions",
        notes=_notes(initiative, "action"),
    )


def _resistance(initiative_id: int, kind: str):
    initiative = load_initiative(current_user, initiative_id)
    return table_download(
        kind,
        RESISTANCE_HEADER,
        resistance_rows(initiative),
        stem=f"{initiative.id}-resistance-{today().isoformat()}",
        sheet="Resistance",
        notes=[*_notes(initiative, "resistance log entry"), "people: how many people resist, as logged."],
    )


@bp.get("/initiatives/<int:initiative_id>/actions.csv")
@login_required
def export_actions(initiative_id: int):
    return _actions(initiative_id, "csv")


@bp.get("/initiatives/<int:initiative_id>/actions.xlsx")
@login_required
def export_actions_xlsx(initiative_id: int):
    return _actions(initiative_id, "xlsx")


@bp.get("/initiatives/<int:initiative_id>/resistance.csv")
@login_required
def export_resistance(initiative_id: int):
    return _resistance(initiative_id, "csv")


@bp.get("/initiatives/<int:initiative_id>/resistance.xlsx")
@login_required
def export_resistance_xlsx(initiative_id: int):
    return _resistance(initiative_id, "xlsx")
