"""Milestone pages: add, edit and delete the dated readiness gates of a plan.

The threshold is entered as a percentage (80) and stored as a share (0.8), as the readiness spec defines it.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..access import load_initiative
from ..extensions import db
from ..forms import EmptyForm
from ..validation import ValidationFailed
from . import services
from .forms import MilestoneForm, attach_problems
from .models import Initiative, Milestone
from .views import bp


def load_milestone(milestone_id: int, *, write: bool = False) -> Milestone:
    """The milestone if its initiative is visible to the user (404), writable when asked (403)."""
    milestone = db.session.get(Milestone, milestone_id)
    if milestone is None:
        abort(404)
    load_initiative(current_user, milestone.initiative_id, write=write)
    return milestone


def _fields(form: MilestoneForm) -> dict:
    return {
        "name": form.name.data,
        "kind": form.kind.data,
        "due": form.due.data,
        "target_element": form.target_element.data,
        "threshold": form.threshold.data / 100,
        "group_ids": form.group_ids.data or [],
    }


def _page(form: MilestoneForm, initiative: Initiative, milestone: Milestone | None):
    status = 400 if request.method == "POST" else 200
    return render_template(
        "plan/milestone_form.html", form=form, initiative=initiative, milestone=milestone
    ), status


@bp.route("/initiatives/<int:initiative_id>/milestones/new", methods=["GET", "POST"])
@login_required
def new_milestone(initiative_id: int):
    initiative = load_initiative(current_user, initiative_id, write=True)
    form = MilestoneForm()
    form.set_groups(initiative.groups)
    if request.method == "GET":
        form.due.data = form.due.data or initiative.go_live
    if form.validate_on_submit():
        try:
            milestone = services.create_milestone(initiative=initiative, actor=current_user, **_fields(form))
        except ValidationFailed as exc:
            attach_problems(form, exc)
        else:
            flash(f"The milestone “{milestone.name}” is added.", "success")
            return redirect(url_for("plan.show", initiative_id=initiative.id, _anchor="milestones"))
    return _page(form, initiative, None)


@bp.route("/milestones/<int:milestone_id>/edit", methods=["GET", "POST"])
@login_required
def edit_milestone(milestone_id: int):
    milestone = load_milestone(milestone_id, write=True)
    form = MilestoneForm(obj=milestone)
    form.set_groups(milestone.initiative.groups)
    if request.method == "GET":
        form.threshold.data = round(milestone.threshold * 100)
        form.group_ids.data = [g.id for g in milestone.groups]
    if form.validate_on_submit():
        try:
            services.update_milestone(milestone=milestone, actor=current_user, **_fields(form))
        except ValidationFailed as exc:
            attach_problems(form, exc)
        else:
            flash(f"The milestone “{milestone.name}” is saved.", "success")
            return redirect(url_for("plan.show", initiative_id=milestone.initiative_id, _anchor="milestones"))
    return _page(form, milestone.initiative, milestone)


@bp.route("/milestones/<int:milestone_id>/delete", methods=["GET", "POST"])
@login_required
def delete_milestone(milestone_id: int):
    milestone = load_milestone(milestone_id, write=True)
    form = EmptyForm()
    if form.validate_on_submit():
        initiative_id, name = milestone.initiative_id, milestone.name
        services.delete_milestone(milestone=milestone, actor=current_user)
        flash(f"The milestone “{name}” is deleted.", "success")
        return redirect(url_for("plan.show", initiative_id=initiative_id, _anchor="milestones"))
    return render_template(
        "plan/confirm_delete.html",
        initiative=milestone.initiative,
        form=form,
        what=f"the milestone “{milestone.name}”",
        consequence="Its readiness gate and any recorded gate decisions are deleted with it.",
        action=url_for("plan.delete_milestone", milestone_id=milestone.id),
    )
