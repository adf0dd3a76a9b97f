"""Milestone pages: add, edit and delete the dated readiness gates of a plan.

The threshold is entered as a percentage (80) and stored as a share (0.8), as the readiness spec defines it.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..access import load_initiative, load_record
from ..deletion import confirm_delete
from ..forms import save_form, validated
from . import bp, services
from .forms import MilestoneForm
from .models import Initiative, Milestone


def load_milestone(milestone_id: int, *, write: bool = False) -> Milestone:
    """The milestone if its initiative is visible to the user (404), writable when asked (403)."""
    return load_record(current_user, Milestone, milestone_id, write=write)


def _fields(form: MilestoneForm) -> dict:
    return {
        "name": form.name.data,
        "kind": form.kind.data,
        "due": form.due.data,
        "target_element": form.target_element.data,
        "threshold": validated(form.threshold.data) / 100,
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
    milestone = save_form(
        form, lambda: services.create_milestone(initiative=initiative, actor=current_user, **_fields(form))
    )
    if milestone:
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
    saved = save_form(
        form, lambda: services.update_milestone(milestone=milestone, actor=current_user, **_fields(form))
    )
    if saved:
        flash(f"The milestone “{milestone.name}” is saved.", "success")
        return redirect(url_for("plan.show", initiative_id=milestone.initiative_id, _anchor="milestones"))
    return _page(form, milestone.initiative, milestone)


@bp.route("/milestones/<int:milestone_id>/delete", methods=["GET", "POST"])
@login_required
def delete_milestone(milestone_id: int):
    milestone = load_milestone(milestone_id, write=True)
    return confirm_delete(
        "plan/confirm_delete.html",
        delete=lambda: services.delete_milestone(milestone=milestone, actor=current_user),
        done=f"The milestone “{milestone.name}” is deleted.",
        then=url_for("plan.show", initiative_id=milestone.initiative_id, _anchor="milestones"),
        initiative=milestone.initiative,
        what=f"the milestone “{milestone.name}”",
        consequence="Its readiness gate and any recorded gate decisions are deleted with it.",
        action=url_for("plan.delete_milestone", milestone_id=milestone.id),
    )
