"""The governance page of an initiative: its stage, the checklist for the next one, sign-offs and history."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from wtforms import SelectChoice  # type: ignore[attr-defined]  # types-WTForms 3.2 predates SelectChoice

from ..access import WRITE, access_level, load_initiative, load_record
from ..forms import EmptyForm, attach_problems
from ..plan.models import Initiative
from ..plan.views import register_plan_panel
from ..validation import ValidationFailed
from . import bp, criteria, links
from . import services as service
from . import settings as criteria_settings
from .decisions import rows as decision_rows
from .forms import AdvanceForm, CriterionSwitchForm, DecisionForm, RolesForm, SignOffForm
from .models import APPROVER_ROLE_LABELS, STAGE_LABELS, STAGES, SignOff


@bp.app_context_processor
def _governance_labels() -> dict:
    return {"stage_labels": STAGE_LABELS, "approver_role_labels": APPROVER_ROLE_LABELS}


def _plan_stage_panel(initiative: Initiative) -> dict:
    return {"stage": service.current_stage(initiative.id)}


bp.record_once(lambda state: register_plan_panel(state.app, _plan_stage_panel))


def _sign_off_form(initiative: Initiative) -> SignOffForm:
    form = SignOffForm(prefix="signoff")
    form.approver_id.choices = [
        SelectChoice(u.id, u.display_name) for u in service.approver_choices(initiative)
    ]
    return form


def _page(
    initiative: Initiative,
    *,
    advance_form: AdvanceForm | None = None,
    sign_off_form: SignOffForm | None = None,
    decision_forms: dict[int, DecisionForm] | None = None,
    switch_form: CriterionSwitchForm | None = None,
    roles_form: RolesForm | None = None,
    status: int = 200,
):
    checklist = service.checklist(initiative)
    can_write = access_level(current_user, initiative) == WRITE
    advance_form = advance_form or AdvanceForm(prefix="advance", to=checklist.next_stage)
    sign_offs = service.sign_offs(initiative.id)
    forms = decision_forms or {}
    for sign_off in sign_offs:
        forms.setdefault(sign_off.id, DecisionForm(prefix=f"decision-{sign_off.id}"))
    return render_template(
        "governance/show.html",
        initiative=initiative,
        stages=STAGES,
        checklist=checklist,
        history=service.history(initiative.id),
        sign_offs=sign_offs,
        can_write=can_write,
        advance_form=advance_form,
        sign_off_form=sign_off_form or _sign_off_form(initiative),
        decision_forms=forms,
        remove_form=EmptyForm(),
        customised=criteria_settings.customised(initiative.id),
        switchable=criteria.SWITCHABLE,
        switch_form=switch_form or CriterionSwitchForm(prefix="criterion"),
        roles_form=roles_form or RolesForm(prefix="roles"),
    ), status


@bp.get("/initiatives/<int:initiative_id>/governance")
@login_required
def show(initiative_id: int):
    return _page(load_initiative(current_user, initiative_id))


@bp.post("/initiatives/<int:initiative_id>/stage")
@login_required
def advance(initiative_id: int):
    initiative = load_initiative(current_user, initiative_id, write=True)
    form = AdvanceForm(prefix="advance")
    if form.validate_on_submit():
        try:
            entry = service.advance(
                initiative=initiative, to=form.to.data, actor=current_user, note=form.note.data
            )
        except ValidationFailed as exc:
            for problem in exc.problems:  # the stage is the button's, not a field the page shows
                problem.field = None if problem.field == "to" else problem.field
            attach_problems(form, exc)
            return _page(
                initiative, advance_form=form, status=409 if isinstance(exc, service.StageRefused) else 400
            )
        else:
            flash(f"“{initiative.name}” is now {STAGE_LABELS[entry.stage]}.", "success")
            return redirect(url_for("governance.show", initiative_id=initiative.id))
    return _page(initiative, advance_form=form, status=400)


@bp.post("/initiatives/<int:initiative_id>/sign-offs")
@login_required
def name_sign_off(initiative_id: int):
    initiative = load_initiative(current_user, initiative_id, write=True)
    form = _sign_off_form(initiative)
    if form.validate_on_submit():
        try:
            sign_off = service.name_sign_off(
                initiative=initiative,
                stage=form.stage.data,
                role=form.role.data,
                approver_id=form.approver_id.data,
                actor=current_user,
            )
        except ValidationFailed as exc:
            attach_problems(form, exc)
        else:
            flash(
                f"{sign_off.approver.display_name} is named to sign off {STAGE_LABELS[sign_off.stage]}.",
                "success",
            )
            return redirect(url_for("governance.show", initiative_id=initiative.id, _anchor="sign-offs"))
    return _page(initiative, sign_off_form=form, status=400)


@bp.post("/initiatives/<int:initiative_id>/criteria")
@login_required
def switch_criterion(initiative_id: int):
    initiative = load_initiative(current_user, initiative_id, write=True)
    form = CriterionSwitchForm(prefix="criterion")
    if form.validate_on_submit():
        stage, _, key = str(form.criterion.data).partition(":")
        try:
            criteria_settings.switch(
                initiative=initiative,
                stage=stage,
                key=key,
                enabled=form.enabled.data == "on",
                justification=form.justification.data,
                actor=current_user,
            )
        except ValidationFailed as exc:
            attach_problems(form, exc)
        else:
            label = criteria.SWITCHABLE[(stage, key)]
            flash(f"“{label}” is switched {form.enabled.data} for this initiative.", "success")
            return redirect(url_for("governance.show", initiative_id=initiative.id, _anchor="criteria"))
    return _page(initiative, switch_form=form, status=400)


@bp.post("/initiatives/<int:initiative_id>/criteria/roles")
@login_required
def set_required_roles(initiative_id: int):
    initiative = load_initiative(current_user, initiative_id, write=True)
    form = RolesForm(prefix="roles")
    if form.validate_on_submit():
        try:
            criteria_settings.set_roles(
                initiative=initiative,
                stage=form.stage.data,
                roles=None if form.restore.data else list(form.roles.data or []),
                justification=form.justification.data,
                actor=current_user,
            )
        except ValidationFailed as exc:
            attach_problems(form, exc)
        else:
            flash(f"The sign-off roles for {STAGE_LABELS[str(form.stage.data)]} are saved.", "success")
            return redirect(url_for("governance.show", initiative_id=initiative.id, _anchor="criteria"))
    return _page(initiative, roles_form=form, status=400)


@bp.post("/sign-offs/<int:sign_off_id>/decision")
@login_required
def decide(sign_off_id: int):
    sign_off = load_record(current_user, SignOff, sign_off_id)
    if sign_off.approver_id != current_user.id:
        abort(403)
    form = DecisionForm(prefix=f"decision-{sign_off.id}")
    initiative = load_initiative(current_user, sign_off.initiative_id)
    if form.validate_on_submit():
        try:
            service.decide(
                sign_off=sign_off, actor=current_user, decision=form.decision.data, comment=form.comment.data
            )
        except ValidationFailed as exc:
            attach_problems(form, exc)
        else:
            flash(f"Your decision on {STAGE_LABELS[sign_off.stage]} is recorded.", "success")
            return redirect(url_for("governance.show", initiative_id=initiative.id, _anchor="sign-offs"))
    return _page(initiative, decision_forms={sign_off.id: form}, status=400)


@bp.post("/sign-offs/<int:sign_off_id>/delete")
@login_required
def remove_sign_off(sign_off_id: int):
    sign_off = load_record(current_user, SignOff, sign_off_id, write=True)
    initiative = load_initiative(current_user, sign_off.initiative_id, write=True)
    form = EmptyForm()
    if form.validate_on_submit():
        try:
            service.remove_sign_off(sign_off=sign_off, actor=current_user)
        except ValidationFailed as exc:
            flash(str(exc), "error")
            return _page(initiative, status=409)
        flash("The sign-off is withdrawn.", "success")
        return redirect(url_for("governance.show", initiative_id=initiative.id, _anchor="sign-offs"))
    return _page(initiative, status=400)


LINK_STATUS = {
    links.UNKNOWN: 404,
    links.NOT_YOURS: 403,
    links.USED: 410,
    links.DECIDED: 410,
    links.ENTERED: 410,
    links.EXPIRED: 410,
}


@bp.route("/sign-offs/decide/<link_token>", methods=["GET", "POST"])
@login_required
def decide_by_link(link_token: str):
    """The page an approver's e-mail links to: signed in as that approver, they see what entering the stage
    needs and approve or reject it. Any other visitor, and any link used up or expired, changes nothing."""
    opened = links.open_link(link_token, current_user, stage_of=service.current_stage)
    sign_off = opened.link.sign_off if opened.link is not None else None
    if sign_off is not None and access_level(current_user, sign_off.initiative) is None:
        opened = links.Opened(links.NOT_YOURS, opened.link)  # named once, but no longer a reader
    if opened.state != links.OPEN or sign_off is None:
        shown = sign_off if opened.state != links.NOT_YOURS else None  # nothing about others' sign-offs
        return render_template("governance/link_closed.html", state=opened.state, sign_off=shown), (
            LINK_STATUS[opened.state]
        )
    initiative = sign_off.initiative
    form = DecisionForm(prefix="decision")
    if form.validate_on_submit():
        try:
            service.decide(
                sign_off=sign_off,
                actor=current_user,
                decision=form.decision.data,
                comment=form.comment.data,
                link=opened.link,
            )
        except ValidationFailed as exc:
            attach_problems(form, exc)
        else:
            flash(f"Your decision on {STAGE_LABELS[sign_off.stage]} is recorded.", "success")
            return redirect(url_for("governance.show", initiative_id=initiative.id, _anchor="sign-offs"))
    evaluated = criteria.criteria(
        sign_off.stage, service.facts(initiative, with_gate=sign_off.stage == "implemented")
    )
    return render_template(
        "governance/decide.html",
        initiative=initiative,
        sign_off=sign_off,
        stage=service.current_stage(initiative.id),
        criteria=evaluated,
        form=form,
        expires_at=opened.link.expires_at if opened.link else None,
    ), (400 if request.method == "POST" else 200)


@bp.get("/decisions")
@login_required
def decisions():
    """Every reader, sponsors included, sees the initiatives they may read and what awaits a decision."""
    return render_template("governance/decisions.html", rows=decision_rows(current_user))
