"""Plan pages (thin: parse, call a service, render): the initiative list, an initiative's plan and its people.

Groups and milestones have their own modules (group_views, milestone_views) on the same blueprint.
Every page goes through access.load_initiative: 404 for initiatives the user cannot see, 403 on change
without the right.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask.sansio.app import App
from flask_login import current_user, login_required
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from .. import keyset
from ..access import (
    WRITE,
    access_level,
    can_write_anything,
    load_initiative,
    role_required,
    visible_initiatives_query,
)
from ..extensions import db
from ..forms import EmptyForm, attach_problems, save_form, validated
from ..rules.roles import WRITER_ROLES
from ..timeutil import today
from ..validation import ValidationFailed
from . import bp, services
from .forms import (
    APPROACH_HELP,
    APPROACH_LABELS,
    DeleteInitiativeForm,
    InitiativeForm,
    MemberForm,
    NewInitiativeForm,
)
from .models import Initiative, StakeholderGroup
from .templates import KIND_LABELS, suggested_milestones

PANELS_KEY = "adkar.plan_page_panels"
PlanPanel = Callable[[Initiative], dict]


def register_plan_panel(app: App, panel: PlanPanel) -> None:
    """Add a panel to the plan page: `panel(initiative)` returns template context for templates/plan/show.html.
    Layers above plan (surveys, charts, the dashboard) register theirs, so the plan page never imports them."""
    app.extensions.setdefault(PANELS_KEY, []).append(panel)


def _panels(initiative: Initiative) -> dict:
    context: dict = {}
    for panel in current_app.extensions.get(PANELS_KEY, []):
        context.update(panel(initiative))
    return context


@bp.app_context_processor
def _plan_labels() -> dict:
    return {
        "approach_labels": APPROACH_LABELS,
        "approach_help": APPROACH_HELP,
        "kind_labels": KIND_LABELS,
    }


INITIATIVES_PAGE = 50
INITIATIVE_KEYS = (Initiative.go_live, Initiative.id)  # the list's order: soonest go-live first


@bp.get("/")
@login_required
def index():
    """The initiatives the user can see, INITIATIVES_PAGE at a time (keyset "Later go-lives" link),
    filtered by name on the server; groups are counted, not loaded."""
    search = " ".join(request.args.get("q", "").split())[:100]
    query = visible_initiatives_query(current_user).options(selectinload(Initiative.milestones))
    if search:
        query = query.where(func.lower(Initiative.name).contains(search.lower(), autoescape=True))
    after = request.args.get("after")
    if after:
        try:
            query = query.where(keyset.beyond(INITIATIVE_KEYS, keyset.decode(after, INITIATIVE_KEYS)))
        except keyset.BadCursor:
            abort(400, "That link to more initiatives is damaged; open the list again.")
    initiatives = db.session.scalars(query.limit(INITIATIVES_PAGE + 1)).all()
    more = len(initiatives) > INITIATIVES_PAGE
    initiatives = initiatives[:INITIATIVES_PAGE]
    groups = dict(
        db.session.execute(
            select(StakeholderGroup.initiative_id, func.count())
            .where(StakeholderGroup.initiative_id.in_([i.id for i in initiatives]))
            .group_by(StakeholderGroup.initiative_id)
        ).all()
    )
    now = today()
    cards = [
        {
            "initiative": i,
            "groups": int(groups.get(i.id, 0)),
            "days_to_go": (i.go_live - now).days,
            "next_milestone": next((m for m in i.milestones if m.due >= now), None),
        }
        for i in initiatives
    ]
    return render_template(
        "plan/index.html",
        cards=cards,
        can_create=can_write_anything(current_user),
        search=search,
        paged=bool(after),
        later=keyset.cursor_of(initiatives[-1], INITIATIVE_KEYS) if more else None,
    )


# --- new initiative: basics, then (with the template) the suggested milestones ------------------------


@bp.route("/initiatives/new", methods=["GET", "POST"])
@role_required(*WRITER_ROLES)
def new_initiative():
    form = NewInitiativeForm()
    if request.method == "GET":
        form.use_template.data = True
        return render_template("plan/new.html", form=form, step="basics")
    basics_ok = all([f.validate(form) for f in (form.name, form.description, form.approach, form.go_live)])
    if form.step.data == "milestones" and "back" in request.form:
        return render_template("plan/new.html", form=form, step="basics")
    if not basics_ok:
        return render_template("plan/new.html", form=form, step="basics"), 400
    if form.step.data != "milestones":
        if form.use_template.data:
            _suggest(form)
            return render_template("plan/new.html", form=form, step="milestones")
        return _create(form, milestones=[])
    if not form.validate():
        return render_template("plan/new.html", form=form, step="milestones"), 400
    rows = [
        {
            "name": row.form.name.data,
            "kind": row.form.kind.data,
            "due": row.form.due.data,
            "target_element": row.form.target_element.data,
        }
        for row in form.milestones
        if row.form.keep.data
    ]
    return _create(form, milestones=rows)


def _suggest(form: NewInitiativeForm) -> None:
    while form.milestones.entries:
        form.milestones.pop_entry()
    for item in suggested_milestones(validated(form.approach.data), validated(form.go_live.data)):
        form.milestones.append_entry({**item, "keep": True})


def _create(form: NewInitiativeForm, *, milestones: list[dict]):
    try:
        initiative = services.create_initiative(
            owner=current_user,
            name=validated(form.name.data),
            approach=validated(form.approach.data),
            go_live=validated(form.go_live.data),
            description=form.description.data or "",
            milestones=milestones,
        )
    except ValidationFailed as exc:
        attach_problems(form, exc)
        return render_template("plan/new.html", form=form, step=form.step.data or "basics"), 400
    flash(f"“{initiative.name}” is created.", "success")
    return redirect(url_for("plan.show", initiative_id=initiative.id))


# --- the plan page ----------------------------------------------------------------------------------------


@bp.get("/initiatives/<int:initiative_id>")
@login_required
def show(initiative_id: int):
    return _plan_page(load_initiative(current_user, initiative_id))


def _plan_page(initiative: Initiative, *, member_form: MemberForm | None = None, status: int = 200):
    now = today()
    practitioners = [m for m in initiative.members if m.role == "practitioner"]
    sponsors = [m for m in initiative.members if m.role == "sponsor"]
    return render_template(
        "plan/show.html",
        initiative=initiative,
        can_write=access_level(current_user, initiative) == WRITE,
        days_left=(initiative.go_live - now).days,
        **_panels(initiative),
        practitioners=sorted(practitioners, key=lambda m: m.user.email),
        sponsors=sorted(sponsors, key=lambda m: m.user.email),
        member_form=member_form or MemberForm(formdata=None),
        action_form=EmptyForm(),
    ), status


# --- edit and delete ----------------------------------------------------------------------------------------


@bp.route("/initiatives/<int:initiative_id>/edit", methods=["GET", "POST"])
@login_required
def edit(initiative_id: int):
    initiative = load_initiative(current_user, initiative_id, write=True)
    form = InitiativeForm(obj=initiative)
    saved = save_form(
        form,
        lambda: services.update_initiative(
            initiative=initiative,
            actor=current_user,
            name=validated(form.name.data),
            approach=validated(form.approach.data),
            go_live=validated(form.go_live.data),
            description=form.description.data or "",
        ),
    )
    if saved:
        flash("The initiative is saved.", "success")
        return redirect(url_for("plan.show", initiative_id=initiative.id))
    status = 400 if request.method == "POST" else 200
    return render_template("plan/edit.html", form=form, initiative=initiative), status


@bp.route("/initiatives/<int:initiative_id>/delete", methods=["GET", "POST"])
@login_required
def delete(initiative_id: int):
    initiative = load_initiative(current_user, initiative_id, write=True)
    form = DeleteInitiativeForm()
    if form.validate_on_submit():
        if (form.confirm_name.data or "").strip() == initiative.name:
            name = initiative.name
            services.delete_initiative(initiative=initiative, actor=current_user)
            flash(f"“{name}” and everything in it are deleted.", "success")
            return redirect(url_for("plan.index"))
        form.confirm_name.errors = [
            *form.confirm_name.errors,
            "The name does not match; nothing was deleted.",
        ]
    status = 400 if request.method == "POST" else 200
    return render_template("plan/delete.html", form=form, initiative=initiative), status


# --- people -------------------------------------------------------------------------------------------------


@bp.post("/initiatives/<int:initiative_id>/members")
@login_required
def add_member(initiative_id: int):
    initiative = load_initiative(current_user, initiative_id, write=True)
    form = MemberForm()
    member = save_form(
        form,
        lambda: services.add_member(
            initiative=initiative, actor=current_user, email=validated(form.email.data), role=form.role.data
        ),
    )
    if member:
        flash(f"{member.user.email} is now a {member.role} on this initiative.", "success")
        return redirect(url_for("plan.show", initiative_id=initiative.id, _anchor="people"))
    return _plan_page(initiative, member_form=form, status=400)


@bp.post("/initiatives/<int:initiative_id>/members/<int:user_id>/delete")
@login_required
def remove_member(initiative_id: int, user_id: int):
    initiative = load_initiative(current_user, initiative_id, write=True)
    if not EmptyForm().validate_on_submit():
        abort(400)
    if not services.remove_member(initiative=initiative, actor=current_user, user_id=user_id):
        abort(404)
    if user_id == current_user.id and not current_user.is_admin:
        flash("You are no longer a member of that initiative.", "success")
        return redirect(url_for("plan.index"))
    flash("The person no longer has access to this initiative.", "success")
    return redirect(url_for("plan.show", initiative_id=initiative.id, _anchor="people"))
