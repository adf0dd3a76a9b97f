"""Resistance-log pages: record, edit and delete what a group resists, why, and the response."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..access import load_initiative
from ..extensions import db
from ..forms import EmptyForm
from ..plan.forms import attach_problems
from ..plan.models import StakeholderGroup
from ..timeutil import today
from ..validation import ValidationFailed
from . import services
from .forms import ResistanceForm
from .models import ResistanceEntry
from .views import bp, load_group


def load_entry(resistance_id: int, *, write: bool = False) -> ResistanceEntry:
    entry = db.session.get(ResistanceEntry, resistance_id)
    if entry is None:
        abort(404)
    load_initiative(current_user, entry.group.initiative_id, write=write)
    return entry


def _fields(form: ResistanceForm) -> dict:
    return {
        "what": form.what.data or "",
        "reason": form.reason.data,
        "people": form.people.data,
        "response": form.response.data or "",
        "status": form.status.data,
        "logged_on": form.logged_on.data,
    }


def _page(form: ResistanceForm, group: StakeholderGroup, entry: ResistanceEntry | None):
    status = 400 if request.method == "POST" else 200
    return render_template(
        "actions/resistance_form.html", form=form, group=group, initiative=group.initiative, entry=entry
    ), status


def _back(group_id: int):
    return redirect(url_for("actions.group_plan", group_id=group_id, _anchor="resistance"))


@bp.route("/groups/<int:group_id>/resistance/new", methods=["GET", "POST"])
@login_required
def new_resistance(group_id: int):
    group = load_group(group_id, write=True)
    form = ResistanceForm()
    if request.method == "GET":
        form.logged_on.data = today()
    if form.validate_on_submit():
        try:
            services.create_resistance(group=group, actor=current_user, **_fields(form))
        except ValidationFailed as exc:
            attach_problems(form, exc)
        else:
            flash(f"The resistance is logged for {group.name}.", "success")
            return _back(group.id)
    return _page(form, group, None)


@bp.route("/resistance/<int:resistance_id>/edit", methods=["GET", "POST"])
@login_required
def edit_resistance(resistance_id: int):
    entry = load_entry(resistance_id, write=True)
    form = ResistanceForm(obj=entry)
    if form.validate_on_submit():
        try:
            services.update_resistance(entry=entry, actor=current_user, **_fields(form))
        except ValidationFailed as exc:
            attach_problems(form, exc)
        else:
            flash("The resistance entry is saved.", "success")
            return _back(entry.group_id)
    return _page(form, entry.group, entry)


@bp.route("/resistance/<int:resistance_id>/delete", methods=["GET", "POST"])
@login_required
def delete_resistance(resistance_id: int):
    entry = load_entry(resistance_id, write=True)
    form = EmptyForm()
    if form.validate_on_submit():
        group_id = entry.group_id
        services.delete_resistance(entry=entry, actor=current_user)
        flash("The resistance entry is deleted.", "success")
        return _back(group_id)
    return render_template(
        "actions/confirm_delete.html",
        initiative=entry.group.initiative,
        form=form,
        what="this resistance entry",
        consequence=f"“{entry.what}” leaves {entry.group.name}'s resistance log.",
        action=url_for("actions.delete_resistance", resistance_id=entry.id),
        cancel=url_for("actions.group_plan", group_id=entry.group_id, _anchor="resistance"),
    )
