"""Dashboard pages: readiness per initiative and per wave, gate overrides, exports and the HTML report.

Thin views: access through `access.load_initiative`, numbers from `readiness.figures` (composed in
context.py / wave_view.py), rules in `plan.services.override_gate`.
"""

from __future__ import annotations

from flask import Response, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..access import WRITE, access_level, load_initiative
from ..extensions import db
from ..forms import EmptyForm
from ..jobs import services as jobs
from ..plan import services as plan_services
from ..plan.models import Initiative, Milestone
from ..plan.views import register_plan_panel
from ..readiness import figures as readiness
from ..surveys.models import Wave
from ..timeutil import today
from ..validation import ValidationFailed
from . import bp, exports, report_jobs
from . import report as html_report
from .context import build_dashboard, computed_gate, group_listing
from .forms import OverrideForm
from .labels import labels
from .plan_timeline import plan_timeline
from .wave_view import build_wave_view

MAX_OFFSET = 1_000_000

bp.record_once(lambda state: register_plan_panel(state.app, plan_timeline))


def _render_dashboard(initiative: Initiative, *, forms: dict[int, OverrideForm] | None = None, status=200):
    can_write = access_level(current_user, initiative) == WRITE
    board = build_dashboard(initiative)
    large = report_jobs.in_background(len(board.report.group_ids) * len(board.report.waves))
    forms = dict(forms or {})
    open_gates = {row.milestone_id for row in board.gates if row.can_override}
    for milestone_id, form in list(forms.items()):
        if milestone_id not in open_gates:  # no form on the page to show its message beside
            for message in form.justification.errors:
                flash(message, "error")
    if can_write:
        for milestone_id in open_gates:
            forms.setdefault(milestone_id, OverrideForm(formdata=None))
    page = render_template(
        "dashboard/dashboard.html",
        board=board,
        initiative=initiative,
        can_write=can_write,
        override_forms=forms if can_write else {},
        report_in_background=large,
        report_jobs=report_jobs.recent_reports(initiative, current_user) if large else [],
        report_form=EmptyForm(),
        **labels(),
    )
    return page, status


@bp.get("/initiatives/<int:initiative_id>/dashboard")
@login_required
def show(initiative_id: int):
    return _render_dashboard(load_initiative(current_user, initiative_id))


@bp.get("/initiatives/<int:initiative_id>/dashboard/groups")
@login_required
def groups(initiative_id: int):
    """The focus wave's groups beyond the dashboard's first 25, or those matching a search, a page at a
    time; the dashboard's "Show more" appends this page's rows to its table (static/js/load-more.js)."""
    initiative = load_initiative(current_user, initiative_id)
    offset = request.args.get("offset", "0").strip() or "0"
    if not offset.isdigit() or int(offset) > MAX_OFFSET:
        abort(400, f"offset must be a whole number from 0 to {MAX_OFFSET:,}.")
    listing = group_listing(initiative, query=request.args.get("q", ""), offset=int(offset))
    return render_template("dashboard/groups.html", listing=listing, initiative=initiative, **labels())


@bp.post("/milestones/<int:milestone_id>/override")
@login_required
def override_gate(milestone_id: int):
    milestone = db.session.get(Milestone, milestone_id)
    if milestone is None:
        abort(404)
    initiative = load_initiative(current_user, milestone.initiative_id, write=True)
    form = OverrideForm()
    if not form.validate_on_submit():
        return _render_dashboard(initiative, forms={milestone.id: form}, status=400)
    gate = computed_gate(milestone)
    try:
        plan_services.override_gate(
            milestone=milestone,
            actor=current_user,
            computed_status=gate["status"],
            justification=form.justification.data or "",
        )
    except ValidationFailed as exc:
        for message in exc.by_field().get("justification", []) + exc.by_field().get("", []):
            form.justification.errors = [*form.justification.errors, message]
        return _render_dashboard(initiative, forms={milestone.id: form}, status=400)
    flash(
        f"The gate “{milestone.name}” is passed by override; your justification is on the board.", "success"
    )
    return redirect(url_for("dashboard.show", initiative_id=initiative.id, _anchor=f"gate-{milestone.id}"))


@bp.get("/waves/<int:wave_id>/readiness")
@login_required
def wave(wave_id: int):
    wave = db.session.get(Wave, wave_id)
    if wave is None:
        abort(404)
    initiative = load_initiative(current_user, wave.initiative_id)
    return render_template(
        "dashboard/wave.html",
        view=build_wave_view(wave),
        initiative=initiative,
        can_write=access_level(current_user, initiative) == WRITE,
        **labels(),
    )


@bp.get("/initiatives/<int:initiative_id>/readiness.csv")
@login_required
def export_csv(initiative_id: int):
    initiative = load_initiative(current_user, initiative_id)
    rows = exports.readiness_rows(readiness.initiative_report(initiative))
    return _download(exports.to_csv(rows), "text/csv", exports.filename(initiative, "csv", today()))


@bp.get("/initiatives/<int:initiative_id>/readiness.xlsx")
@login_required
def export_xlsx(initiative_id: int):
    initiative = load_initiative(current_user, initiative_id)
    report = readiness.initiative_report(initiative)
    body = exports.to_xlsx(exports.readiness_rows(report), exports.notes(initiative, report.k, today()))
    return _download(body, exports.XLSX_MEDIA_TYPE, exports.filename(initiative, "xlsx", today()))


@bp.get("/initiatives/<int:initiative_id>/report.html")
@login_required
def report(initiative_id: int):
    initiative = load_initiative(current_user, initiative_id)
    if report_jobs.in_background(report_jobs.report_cells(initiative)):
        flash(
            "This initiative is large, so its report is prepared in the background: use “Prepare report”.",
            "info",
        )
        return redirect(url_for("dashboard.show", initiative_id=initiative.id, _anchor="reports-heading"))
    response = _download(
        html_report.render(initiative),
        "text/html",
        html_report.filename(initiative, today()),
    )
    response.headers["Content-Security-Policy"] = html_report.CSP
    return response


@bp.post("/initiatives/<int:initiative_id>/reports")
@login_required
def prepare_report(initiative_id: int):
    """Queue the report of a large initiative; it appears on the dashboard when the worker has made it."""
    initiative = load_initiative(current_user, initiative_id)
    if not EmptyForm().validate_on_submit():
        abort(400, "The form expired; reload the page and try again.")
    report_jobs.queue_report(initiative=initiative, actor=current_user)
    flash("The report is being prepared; it appears below the figures when it is ready.", "success")
    return redirect(url_for("dashboard.show", initiative_id=initiative.id, _anchor="reports-heading"))


@bp.get("/initiatives/<int:initiative_id>/reports.json")
@login_required
def report_progress(initiative_id: int):
    """The user's recent reports of the initiative, for the dashboard's live progress (job-progress.js)."""
    initiative = load_initiative(current_user, initiative_id)
    return jsonify(
        {
            "jobs": [
                jobs.progress(job).as_dict() for job in report_jobs.recent_reports(initiative, current_user)
            ]
        }
    )


def _download(body: bytes | str, mimetype: str, name: str) -> Response:
    return Response(
        body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )
