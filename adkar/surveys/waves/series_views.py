"""Pages for recurring pulses: plan a series, stop it (thin: parse, call adkar.surveys.waves.series)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ...access import load_initiative, load_record
from ...extensions import db
from ...forms import EmptyForm
from ...validation import ValidationFailed
from ..invitations.schedule import parse_days
from ..models import PulseSeries
from . import bp, series
from .forms import PulseSeriesForm


@bp.route("/initiatives/<int:initiative_id>/pulse-series/new", methods=["GET", "POST"])
@login_required
def new_series(initiative_id: int):
    initiative = load_initiative(current_user, initiative_id, write=True)
    form = PulseSeriesForm(formdata=None if request.method == "GET" else request.form).fill_choices(
        initiative
    )
    if request.method == "GET":
        return render_template("waves/series_form.html", form=form, initiative=initiative)
    if form.validate_on_submit():
        days = parse_days(form.reminder_days.data or "")
        if not all(d.strip().isdigit() for d in days):
            form.reminder_days.errors = ["Reminder days are whole numbers, e.g. 3, 5."]
        else:
            try:
                created = series.create_series(
                    initiative=initiative,
                    actor=current_user,
                    name=form.name.data or "",
                    survey_key=form.survey.data or "",
                    group_ids=list(form.groups.data or []),
                    every_days=form.every_days.data or 0,
                    open_days=form.open_days.data or 0,
                    starts_on=form.starts_on.data,
                    ends_on=form.ends(initiative),
                    reminder_days=[int(d) for d in days],
                    invite_roster=bool(form.invite_roster.data),
                    base_url=request.url_root,
                )
            except ValidationFailed as exc:
                for problem in exc.problems:
                    target = getattr(form, problem.field or "", None)
                    (target.errors if target is not None else form.form_errors).append(problem.message)
            else:
                flash(
                    f"The recurring pulse {created.name!r} is planned: a wave every {created.every_days} days "
                    f"from {created.starts_on.isoformat()} to {created.ends_on.isoformat()}, each created the "
                    "day before it opens.",
                    "success",
                )
                return redirect(url_for("plan.show", initiative_id=initiative.id, _anchor="waves"))
    return render_template("waves/series_form.html", form=form, initiative=initiative), 400


@bp.post("/pulse-series/<int:series_id>/stop")
@login_required
def stop_series(series_id: int):
    found = load_record(current_user, PulseSeries, series_id, write=True)
    if not EmptyForm().validate_on_submit():
        abort(400)
    series.stop_series(series=found, actor=current_user)
    flash(f"The recurring pulse {found.name!r} is stopped; its waves so far stay.", "success")
    db.session.rollback()
    return redirect(url_for("plan.show", initiative_id=found.initiative_id, _anchor="waves"))
