"""Audit trail pages and CSV export: who changed what and when."""

from __future__ import annotations

import csv
import io

from flask import Response, abort, render_template, request
from flask_login import current_user, login_required

from .. import keyset
from ..access import load_initiative, role_required
from ..csvio import neutralise_cell
from ..extensions import db
from . import bp
from .queries import event_row, events_query, trail_page

COLUMNS = ("at", "who", "action", "target", "detail")


def _initiative_for_practitioner(initiative_id: int):
    """The trail names people and decisions: the initiative's practitioners and admins only (those who may
    change it), so a sponsor of this initiative gets 403 whatever their role elsewhere."""
    return load_initiative(current_user, initiative_id, write=True)


@bp.get("/initiatives/<int:initiative_id>/audit")
@login_required
def initiative_trail(initiative_id: int):
    initiative = _initiative_for_practitioner(initiative_id)
    return _trail_page(initiative, initiative_id=initiative.id)


@bp.get("/initiatives/<int:initiative_id>/audit.csv")
@login_required
def initiative_trail_csv(initiative_id: int):
    initiative = _initiative_for_practitioner(initiative_id)
    return _csv(events_query(initiative_id=initiative.id), f"audit-initiative-{initiative.id}.csv")


@bp.get("/admin/audit")
@role_required("admin")
def all_events():
    return _trail_page(None)


def _trail_page(initiative, **where):
    args = request.args
    try:
        page = trail_page(
            **where, action=args.get("action", ""), who=args.get("who", ""), before=args.get("before") or None
        )
    except keyset.BadCursor:
        abort(400, "That link to older events is damaged; open the audit trail again.")
    return render_template(
        "audit/trail.html", initiative=initiative, rows=[event_row(e) for e in page.events], page=page
    )


@bp.get("/admin/audit.csv")
@role_required("admin")
def all_events_csv():
    return _csv(events_query(), "audit.csv")


def _csv(query, filename: str) -> Response:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    for event in db.session.scalars(query.execution_options(yield_per=500)):
        row = event_row(event)
        writer.writerow([neutralise_cell(row[c]) for c in COLUMNS])
    return Response(
        buffer.getvalue().encode("utf-8-sig"),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
