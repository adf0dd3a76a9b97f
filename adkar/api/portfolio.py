"""API endpoint: change saturation across the initiatives the token's user can see (admins, practitioners)."""

from __future__ import annotations

from flask import request

from ..portfolio.data import portfolio_changes
from ..portfolio.forms import DEFAULT_MONTHS, parse_month, window_form
from ..portfolio.saturation import MAX_MONTHS, months_from, saturation
from ..timeutil import today
from ..validation import Problem, ValidationFailed
from . import bp
from .auth import require_writer
from .http import json_response
from .openapi import component, operation
from .serialise import DATE, ID

MONTH = {"type": "string", "pattern": r"^\d{4}-\d{2}$", "description": "YYYY-MM"}
CHANGE = {
    "type": "object",
    "properties": {
        "initiative_id": ID,
        "initiative": {"type": "string"},
        "name": {"type": "string", "description": "The milestone's name, or Go-live."},
        "date": DATE,
        "go_live": {"type": "boolean"},
    },
    "required": ["initiative_id", "initiative", "name", "date", "go_live"],
    "additionalProperties": False,
}
PORTFOLIO = component(
    "Portfolio",
    {
        "type": "object",
        "description": "Changes per stakeholder group and month. Groups are matched across initiatives by name "
        "(ignoring case and surrounding spaces); a change is a milestone that impacts the group or a go-live.",
        "properties": {
            "months": {"type": "array", "items": MONTH},
            "groups": {
                "type": "array",
                "description": "Busiest first; only groups hit by a change in the window.",
                "items": {
                    "type": "object",
                    "properties": {
                        "name": {"type": "string"},
                        "initiatives": {"type": "array", "items": {"type": "string"}},
                        "total": {"type": "integer", "minimum": 0},
                        "months": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "properties": {
                                    "month": MONTH,
                                    "changes": {"type": "integer", "minimum": 0},
                                    "go_lives": {"type": "integer", "minimum": 0},
                                    "initiatives": {"type": "integer", "minimum": 0},
                                    "items": {"type": "array", "items": CHANGE},
                                },
                                "required": ["month", "changes", "go_lives", "initiatives", "items"],
                                "additionalProperties": False,
                            },
                        },
                    },
                    "required": ["name", "initiatives", "total", "months"],
                    "additionalProperties": False,
                },
            },
        },
        "required": ["months", "groups"],
        "additionalProperties": False,
    },
)


def _window() -> tuple:
    form = window_form(request.args, today())
    if not form.validate():
        raise ValidationFailed([Problem(e, field=f.name) for f in form for e in f.errors])
    return parse_month(form.start.data), form.months.data


@bp.get("/portfolio")
@operation(
    summary="Change saturation: changes per stakeholder group and month across initiatives",
    tag="portfolio",
    responses={200: PORTFOLIO},
    errors=(400, 403),
    description=(
        f"`?start=YYYY-MM&months=N` (1 to {MAX_MONTHS}) chooses the window; by default {DEFAULT_MONTHS} months "
        "from last month. Admins and practitioners only; sponsors get 403."
    ),
)
def get_portfolio():
    user = require_writer()
    start, months = _window()
    _, changes = portfolio_changes(user)
    view = saturation(changes, months=months_from(start, months))
    return json_response(
        {
            "months": [f"{m:%Y-%m}" for m in view.months],
            "groups": [
                {
                    "name": row.name,
                    "initiatives": row.initiatives,
                    "total": row.total,
                    "months": [
                        {
                            "month": f"{cell.month:%Y-%m}",
                            "changes": cell.count,
                            "go_lives": cell.go_lives,
                            "initiatives": cell.initiatives,
                            "items": [
                                {
                                    "initiative_id": c.initiative_id,
                                    "initiative": c.initiative,
                                    "name": c.name,
                                    "date": c.day.isoformat(),
                                    "go_live": c.go_live,
                                }
                                for c in cell.changes
                            ],
                        }
                        for cell in row.cells
                    ],
                }
                for row in view.rows
            ],
        }
    )
