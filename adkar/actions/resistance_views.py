"""Resistance-log pages: record, edit and delete what a group resists, why, and the response."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..access import GROUP_INITIATIVE, load_record
from ..deletion import confirm_delete
from ..forms import save_form
from ..plan.models import StakeholderGroup
from ..timeutil import today
from . import bp, services
from .forms import ResistanceForm
from .models import ResistanceEntry
from .views import load_group


def load_entry(resistance_id: int, *, write: bool = False) -> ResistanceEntry:
    return load_record(
        current_user, ResistanceEntry, resistance_id, write=write, initiative_of=GROUP_INITIATIVE
    )


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


def _log_url(group_id: int) -> str:
    return url_for("actions.group_plan", group_id=group_id, _anchor="resistance")


@bp.route("/groups/<int:group_id>/resistance/new", methods=["GET", "POST"])
@login_required
def new_resistance(group_id: int):
    group = load_group(group_id, write=True)
    form = ResistanceForm()
    if request.method == "GET":
        form.logged_on.data = today()
    if save_form(form, lambda: services.create_resistance(group=group, actor=current_user, **_fields(form))):
        flash(f"The resistance is logged for {group.name}.", "success")
        return redirect(_log_url(group.id))
    return _page(form, group, None)


@bp.route("/resistance/<int:resistance_id>/edit", methods=["GET", "POST"])
@login_required
def edit_resistance(resistance_id: int):
    entry = load_entry(resistance_id, write=True)
    form = ResistanceForm(obj=entry)
    if save_form(form, lambda: services.update_resistance(entry=entry, actor=current_user, **_fields(form))):
        flash("The resistance entry is saved.", "success")
        return redirect(_log_url(entry.group_id))
    return _page(form, entry.group, entry)


@bp.route("/resistance/<int:resistance_id>/delete", methods=["GET", "POST"])
@login_required
def delete_resistance(resistance_id: int):
    entry = load_entry(resistance_id, write=True)
    log = _log_url(entry.group_id)
    return confirm_delete(
        "actions/confirm_delete.html",
        delete=lambda: services.delete_resistance(entry=entry, actor=current_user),
        done="The resistance entry is deleted.",
        then=log,
        initiative=entry.group.initiative,
        what="this resistance entry",
        consequence=f"“{entry.what}” leaves {entry.group.name}'s resistance log.",
        action=url_for("actions.delete_resistance", resistance_id=entry.id),
        cancel=log,
    )
