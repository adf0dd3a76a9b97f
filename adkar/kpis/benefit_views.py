"""Benefits of an initiative: create, edit and delete (listed on the KPI page, apart from its stages)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..access import load_initiative, load_record
from ..deletion import confirm_delete
from ..forms import save_form
from ..plan.models import Initiative
from . import bp, services
from .forms import BenefitForm
from .models import Benefit


def _fields(form: BenefitForm) -> dict:
    return {
        "name": form.name.data or "",
        "unit": form.unit.data or "",
        "baseline": form.baseline.data,
        "target": form.target.data,
        "forecast": form.forecast.data,
        "actual": form.actual.data,
    }


def _back(initiative_id: int) -> str:
    return url_for("kpis.index", initiative_id=initiative_id, _anchor="benefits")


def _page(form: BenefitForm, initiative: Initiative, benefit: Benefit | None):
    status = 400 if request.method == "POST" else 200
    return render_template(
        "kpis/benefit_form.html", form=form, initiative=initiative, benefit=benefit
    ), status


@bp.route("/initiatives/<int:initiative_id>/benefits/new", methods=["GET", "POST"])
@login_required
def new_benefit(initiative_id: int):
    initiative = load_initiative(current_user, initiative_id, write=True)
    form = BenefitForm()
    if save_form(
        form, lambda: services.create_benefit(initiative=initiative, actor=current_user, **_fields(form))
    ):
        flash(f"The benefit “{(form.name.data or '').strip()}” is added.", "success")
        return redirect(_back(initiative.id))
    return _page(form, initiative, None)


@bp.route("/benefits/<int:benefit_id>/edit", methods=["GET", "POST"])
@login_required
def edit_benefit(benefit_id: int):
    benefit = load_record(current_user, Benefit, benefit_id, write=True)
    form = BenefitForm(obj=benefit)
    if save_form(form, lambda: services.update_benefit(benefit=benefit, actor=current_user, **_fields(form))):
        flash(f"The benefit “{benefit.name}” is saved.", "success")
        return redirect(_back(benefit.initiative_id))
    return _page(form, load_initiative(current_user, benefit.initiative_id, write=True), benefit)


@bp.route("/benefits/<int:benefit_id>/delete", methods=["GET", "POST"])
@login_required
def delete_benefit(benefit_id: int):
    benefit = load_record(current_user, Benefit, benefit_id, write=True)
    initiative = load_initiative(current_user, benefit.initiative_id, write=True)
    back = _back(initiative.id)
    return confirm_delete(
        "actions/confirm_delete.html",
        delete=lambda: services.delete_benefit(benefit=benefit, actor=current_user),
        done=f"The benefit “{benefit.name}” is deleted.",
        then=back,
        initiative=initiative,
        what=f"the benefit “{benefit.name}”",
        consequence="Its baseline, target, forecast and actual are deleted with it.",
        action=url_for("kpis.delete_benefit", benefit_id=benefit.id),
        cancel=back,
    )
