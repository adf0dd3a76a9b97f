"""The portfolio page and its CSV/XLSX export: change saturation across the initiatives a practitioner or admin
can see."""

from __future__ import annotations

from datetime import date

from flask import Response, render_template, request
from flask_login import current_user

from ..access import role_required
from ..charts.portfolio import month_label, portfolio_chart
from ..charts.render import figure_json
from ..forms import validated
from ..rules.roles import WRITER_ROLES
from ..spreadsheet import table_download
from ..timeutil import today
from . import bp
from .data import portfolio_changes
from .forms import DEFAULT_MONTHS, WindowForm, default_start, parse_month, window_form
from .saturation import Saturation, months_from, saturation


def _window() -> tuple[WindowForm, date, int, bool]:
    """The form, and the window it asks for (the default one when it is invalid)."""
    now = today()
    form = window_form(request.args, now)
    if form.validate():
        return form, validated(parse_month(form.start.data)), validated(form.months.data), True
    return form, default_start(now), DEFAULT_MONTHS, False


def _saturation(start: date, months: int) -> tuple[list, Saturation]:
    initiatives, changes = portfolio_changes(current_user)
    return initiatives, saturation(changes, months=months_from(start, months))


@bp.get("/portfolio")
@role_required(*WRITER_ROLES)
def show():
    form, start, months, valid = _window()
    initiatives, view = _saturation(start, months)
    chart = portfolio_chart(view)
    return render_template(
        "portfolio/portfolio.html",
        form=form,
        view=view,
        initiatives=initiatives,
        chart=chart,
        chart_json=figure_json(chart["figure"]),
        month_label=month_label,
        start=start,
        months=months,
    ), (200 if valid else 400)


EXPORT_HEADER = ("group", "month", "changes", "go_lives", "initiatives", "what")


def _export(kind: str):
    """One row per group and month with at least one change: counts, go-lives and what the changes are."""
    form, start, months, valid = _window()
    if not valid:
        messages = "; ".join(e for f in form for e in f.errors)
        return Response(messages, status=400, mimetype="text/plain")
    _, view = _saturation(start, months)
    rows = [
        [
            row.name,
            f"{cell.month:%Y-%m}",
            cell.count,
            cell.go_lives,
            cell.initiatives,
            "; ".join(f"{c.initiative}: {c.name} ({c.day.isoformat()})" for c in cell.changes),
        ]
        for row in view.rows
        for cell in row.cells
        if cell.count
    ]
    return table_download(
        kind,
        EXPORT_HEADER,
        rows,
        stem=f"portfolio-{start:%Y-%m}-{months}m",
        sheet="Portfolio",
        notes=[
            f"Change saturation for {months} month{'s' if months != 1 else ''} from {start:%Y-%m}, across the "
            f"initiatives you can see. Exported on {today().isoformat()}.",
            "One row per stakeholder group (groups of the same name in different initiatives together) and "
            "month with at least one change: changes, go-lives among them, initiatives they come from, and "
            "what they are.",
        ],
    )


@bp.get("/portfolio.csv")
@role_required(*WRITER_ROLES)
def export():
    return _export("csv")


@bp.get("/portfolio.xlsx")
@role_required(*WRITER_ROLES)
def export_xlsx():
    return _export("xlsx")
