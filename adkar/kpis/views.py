"""The KPI page of an initiative (statuses, chart, benefits) and a KPI's create, edit and delete forms."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..access import WRITE, access_level, load_initiative, load_record
from ..charts.kpis import KpiLine, kpi_chart, value_text
from ..charts.render import figure_json
from ..deletion import confirm_delete
from ..extensions import db
from ..forms import EmptyForm, save_form
from ..plan.models import Initiative
from ..timeutil import today
from . import bp, services
from .forms import KpiForm
from .measurements import delete_measurement, kpi_views, status_of
from .models import Kpi, KpiMeasurement
from .status import DIRECTION_LABELS, STATUS_LABELS


@bp.app_template_filter("kpi_value")
def _kpi_value(value: float | None, unit: str = "") -> str:
    return "—" if value is None else value_text(value, unit)


@bp.app_context_processor
def _kpi_labels() -> dict:
    return {"kpi_status_labels": STATUS_LABELS, "kpi_direction_labels": DIRECTION_LABELS}


def load_kpi(kpi_id: int, *, write: bool = False) -> Kpi:
    return load_record(current_user, Kpi, kpi_id, write=write)


def _index_url(initiative_id: int, anchor: str | None = None) -> str:
    return url_for("kpis.index", initiative_id=initiative_id, _anchor=anchor)


@bp.get("/initiatives/<int:initiative_id>/kpis")
@login_required
def index(initiative_id: int):
    initiative = load_initiative(current_user, initiative_id)
    views = kpi_views(initiative.id)
    lines = [
        KpiLine(v.kpi.name, v.kpi.unit, v.kpi.baseline, v.kpi.target, STATUS_LABELS[v.status], v.points)
        for v in views
    ]
    chart = kpi_chart(lines, go_live=initiative.go_live, today=today())
    return render_template(
        "kpis/index.html",
        initiative=initiative,
        views=views,
        benefits=services.initiative_benefits(initiative.id),
        chart=chart,
        chart_json=figure_json(chart["figure"]),
        can_write=access_level(current_user, initiative) == WRITE,
    )


def _fields(form: KpiForm) -> dict:
    return {
        "name": form.name.data or "",
        "unit": form.unit.data or "",
        "direction": form.direction.data,
        "baseline": form.baseline.data,
        "target": form.target.data,
        "owner": form.owner.data or "",
        "due_on": form.due_on.data,
        "source": form.source.data or "",
        "legacy": bool(form.legacy.data),
        "explanation": form.explanation.data or "",
    }


def _form_page(form: KpiForm, initiative: Initiative, kpi: Kpi | None):
    status = 400 if request.method == "POST" else 200
    return render_template(
        "kpis/kpi_form.html",
        form=form,
        initiative=initiative,
        kpi=kpi,
        view=status_of(kpi) if kpi else None,
        delete_form=EmptyForm(),
    ), status


@bp.route("/initiatives/<int:initiative_id>/kpis/new", methods=["GET", "POST"])
@login_required
def new(initiative_id: int):
    initiative = load_initiative(current_user, initiative_id, write=True)
    form = KpiForm()
    if save_form(
        form, lambda: services.create_kpi(initiative=initiative, actor=current_user, **_fields(form))
    ):
        flash(f"The KPI “{(form.name.data or '').strip()}” is added.", "success")
        return redirect(_index_url(initiative.id))
    return _form_page(form, initiative, None)


@bp.route("/kpis/<int:kpi_id>/edit", methods=["GET", "POST"])
@login_required
def edit(kpi_id: int):
    kpi = load_kpi(kpi_id, write=True)
    form = KpiForm(obj=kpi)
    if save_form(form, lambda: services.update_kpi(kpi=kpi, actor=current_user, **_fields(form))):
        flash(f"The KPI “{kpi.name}” is saved.", "success")
        return redirect(_index_url(kpi.initiative_id))
    initiative = load_initiative(current_user, kpi.initiative_id, write=True)
    return _form_page(form, initiative, kpi)


@bp.route("/kpis/<int:kpi_id>/delete", methods=["GET", "POST"])
@login_required
def delete(kpi_id: int):
    kpi = load_kpi(kpi_id, write=True)
    initiative = load_initiative(current_user, kpi.initiative_id, write=True)
    back = _index_url(initiative.id)
    count = len(kpi.measurements)
    return confirm_delete(
        "actions/confirm_delete.html",
        delete=lambda: services.delete_kpi(kpi=kpi, actor=current_user),
        done=f"The KPI “{kpi.name}” is deleted.",
        then=back,
        initiative=initiative,
        what=f"the KPI “{kpi.name}”",
        consequence=f"Its {count} measurement{'' if count == 1 else 's'} are deleted with it.",
        action=url_for("kpis.delete", kpi_id=kpi.id),
        cancel=back,
    )


@bp.post("/kpi-measurements/<int:measurement_id>/delete")
@login_required
def delete_one_measurement(measurement_id: int):
    measurement = db.session.get(KpiMeasurement, measurement_id)
    if measurement is None:
        abort(404)
    load_initiative(current_user, measurement.kpi.initiative_id, write=True)
    if not EmptyForm().validate_on_submit():
        abort(400)
    kpi_id = measurement.kpi_id
    delete_measurement(measurement=measurement, actor=current_user)
    flash("The measurement is deleted.", "success")
    return redirect(url_for("kpis.edit", kpi_id=kpi_id, _anchor="measurements"))
