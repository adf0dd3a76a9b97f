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
from .openapi import operation
from .schemas.portfolio import Portfolio, Window


def _window() -> tuple:
    form = window_form(request.args, today())
    if not form.validate():
        raise ValidationFailed([Problem(e, field=f.name) for f in form for e in f.errors])
    return parse_month(form.start.data), form.months.data


@bp.get("/portfolio")
@operation(
    summary="Change saturation: changes per stakeholder group and month across initiatives",
    tag="portfolio",
    responses={200: Portfolio},
    query=Window,
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
