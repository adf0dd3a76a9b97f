"""Action-plan pages (thin: parse, call a service, render): per initiative, per group, and action forms.

The resistance log (resistance_views) and the action library (library_views) share this blueprint.
"""

from __future__ import annotations

from collections import Counter

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..access import GROUP_INITIATIVE, WRITE, access_level, load_initiative, load_record
from ..deletion import confirm_delete
from ..elements import ELEMENTS
from ..extensions import db
from ..forms import save_form
from ..plan.models import StakeholderGroup
from ..readiness.figures import initiative_report
from ..timeutil import today
from . import bp, library, services
from .effects import action_effect, group_barriers
from .forms import ActionForm
from .labels import labels
from .models import IN_FLIGHT, Action, LibraryEntry


@bp.app_context_processor
def _action_labels() -> dict:
    return {"action_labels": labels()}


def load_group(group_id: int, *, write: bool = False) -> StakeholderGroup:
    """The group if its initiative is visible (404), writable when asked (403)."""
    return load_record(current_user, StakeholderGroup, group_id, write=write)


def load_action(action_id: int, *, write: bool = False) -> Action:
    return load_record(current_user, Action, action_id, write=write, initiative_of=GROUP_INITIATIVE)


@bp.get("/initiatives/<int:initiative_id>/actions")
@login_required
def initiative_plan(initiative_id: int):
    initiative = load_initiative(current_user, initiative_id)
    report = initiative_report(initiative)
    barriers = group_barriers(report.trend)
    actions = services.initiative_actions(initiative.id)
    resistance = services.initiative_resistance(initiative.id)
    in_flight = Counter(a.group_id for a in actions if a.status in IN_FLIGHT)
    done = Counter(a.group_id for a in actions if a.status == "done")
    open_entries = [r for r in resistance if r.status != "closed"]
    rows = [
        {
            "group": g,
            "barrier": barriers.get(g.id),
            "in_flight": in_flight[g.id],
            "done": done[g.id],
            "resistance": sum(1 for r in open_entries if r.group_id == g.id),
            "resisting": sum(r.people for r in open_entries if r.group_id == g.id),
        }
        for g in initiative.groups
    ]
    return render_template(
        "actions/initiative.html",
        initiative=initiative,
        rows=rows,
        k=report.k,
        can_write=access_level(current_user, initiative) == WRITE,
    )


@bp.get("/groups/<int:group_id>/actions")
@login_required
def group_plan(group_id: int):
    group = load_group(group_id)
    initiative = group.initiative
    report = initiative_report(initiative)
    barrier = group_barriers(report.trend).get(group.id)
    actions = services.initiative_actions(initiative.id, group_id=group.id)
    effects = {
        a.id: action_effect(
            report.trend, report.waves, group_id=group.id, element=a.element, starts_on=a.starts_on
        )
        for a in actions
    }
    suggestions = library.entries(barrier.element) if barrier and barrier.element else []
    used = {a.library_entry_id for a in actions if a.status != "cancelled"}
    return render_template(
        "actions/group.html",
        initiative=initiative,
        group=group,
        barrier=barrier,
        k=report.k,
        actions=actions,
        effects=effects,
        suggestions=suggestions,
        used=used,
        resistance=services.initiative_resistance(initiative.id, group_id=group.id),
        today=today(),
        can_write=access_level(current_user, initiative) == WRITE,
    )


@bp.route("/groups/<int:group_id>/actions/new", methods=["GET", "POST"])
@login_required
def new_action(group_id: int):
    group = load_group(group_id, write=True)
    form = ActionForm()
    if request.method == "GET":
        _prefill(form, group)
    action = save_form(
        form,
        lambda: services.create_action(
            group=group, actor=current_user, library_entry_id=form.entry_id(), **_fields(form)
        ),
    )
    if action:
        flash(f"The action “{_short(action.what)}” is added to {group.name}'s plan.", "success")
        return redirect(url_for("actions.group_plan", group_id=group.id, _anchor="actions"))
    return _form_page(form, group, None)


def _prefill(form: ActionForm, group: StakeholderGroup) -> None:
    """From a library suggestion (?suggestion=id) or an element (?element=...), dated from today."""
    form.starts_on.data = today()
    entry = db.session.get(LibraryEntry, request.args.get("suggestion", type=int) or 0)
    if entry is not None:
        form.element.data, form.library_entry_id.data = entry.element, str(entry.id)
        form.what.data = entry.title + (f": {entry.description}" if entry.description else "")
        form.what.data = form.what.data[: services.WHAT_MAX]
    elif request.args.get("element") in ELEMENTS:
        form.element.data = request.args["element"]


def _fields(form: ActionForm) -> dict:
    return {
        "element": form.element.data,
        "what": form.what.data or "",
        "owner": form.owner.data or "",
        "starts_on": form.starts_on.data,
        "due_on": form.due_on.data,
        "status": form.status.data,
    }


def _form_page(form: ActionForm, group: StakeholderGroup, action: Action | None):
    status = 400 if request.method == "POST" else 200
    entry = db.session.get(LibraryEntry, form.entry_id() or 0) if action is None else None
    return render_template(
        "actions/action_form.html",
        form=form,
        group=group,
        initiative=group.initiative,
        action=action,
        entry=entry,
    ), status


def _short(text: str, length: int = 60) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"


@bp.route("/actions/<int:action_id>/edit", methods=["GET", "POST"])
@login_required
def edit_action(action_id: int):
    action = load_action(action_id, write=True)
    form = ActionForm(obj=action)
    if save_form(form, lambda: services.update_action(action=action, actor=current_user, **_fields(form))):
        flash("The action is saved.", "success")
        return redirect(url_for("actions.group_plan", group_id=action.group_id, _anchor="actions"))
    return _form_page(form, action.group, action)


@bp.route("/actions/<int:action_id>/delete", methods=["GET", "POST"])
@login_required
def delete_action(action_id: int):
    action = load_action(action_id, write=True)
    plan = url_for("actions.group_plan", group_id=action.group_id, _anchor="actions")
    return confirm_delete(
        "actions/confirm_delete.html",
        delete=lambda: services.delete_action(action=action, actor=current_user),
        done="The action is deleted.",
        then=plan,
        initiative=action.group.initiative,
        what=f"the action “{_short(action.what)}”",
        consequence="It leaves the group's plan and the dashboard.",
        action=url_for("actions.delete_action", action_id=action.id),
        cancel=plan,
    )
