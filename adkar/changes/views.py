"""Change-record pages on their own blueprint: the initiative's list with the risk flag, edit, import, export
(CSV and XLSX)."""

from __future__ import annotations

from functools import partial

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..access import WRITE, access_level, load_initiative, load_record
from ..deletion import confirm_delete
from ..forms import attach_problems
from ..import_page import csv_import
from ..plan.models import Milestone
from ..plan.templates import KIND_LABELS
from ..readiness.figures import gates, initiative_report
from ..spreadsheet import CSV_MEDIA_TYPE, download, table_download
from ..timeutil import today
from ..validation import ValidationFailed
from . import bp
from . import services as service
from .csv_rows import (
    COLUMNS,
    EXPORT_HEADER,
    FIELD_COLUMNS,
    example_csv,
    export_rows,
    parse_change_csv,
)
from .deployment_gate import review_days
from .forms import ChangeImportForm, ChangeRecordForm, ChangeSettingsForm
from .kpis import change_kpis
from .models import CHANGE_STATE_LABELS, CHANGE_TYPE_LABELS, RESULT_LABELS


@bp.app_context_processor
def _change_labels() -> dict:
    return {
        "change_type_labels": CHANGE_TYPE_LABELS,
        "change_state_labels": CHANGE_STATE_LABELS,
        "result_labels": RESULT_LABELS,
    }


def _milestone(milestone_id: int, *, write: bool = False) -> Milestone:
    return load_record(current_user, Milestone, milestone_id, write=write)


@bp.get("/initiatives/<int:initiative_id>/change-records")
@login_required
def index(initiative_id: int):
    initiative = load_initiative(current_user, initiative_id)
    risks = service.change_risks(initiative, gates(initiative, initiative_report(initiative)))
    return render_template(
        "change_records/index.html",
        initiative=initiative,
        risks=risks,
        kinds={m.id: KIND_LABELS.get(m.kind, m.kind) for m in initiative.milestones},
        at_risk=[r for r in risks if r.risk],
        can_write=access_level(current_user, initiative) == WRITE,
        settings_form=ChangeSettingsForm(emergency_review_days=review_days(initiative.id)),
        kpis=change_kpis(initiative.id),
        calendar=service.change_calendar(risks),
    )


@bp.route("/milestones/<int:milestone_id>/change-record/edit", methods=["GET", "POST"])
@login_required
def edit(milestone_id: int):
    """A new change of the milestone, or (?number=...) the one with this number; saving keys on the number."""
    milestone = _milestone(milestone_id, write=True)
    wanted = (request.args.get("number") or "").strip().lower()
    mine = service.records_of_milestones(milestone.initiative_id).get(milestone.id, [])
    record = next((r for r in mine if wanted and r.number.lower() == wanted), None)
    form = ChangeRecordForm(obj=record)
    if form.validate_on_submit():
        try:
            service.set_change_record(
                milestone=milestone,
                actor=current_user,
                number=form.number.data or "",
                change_type=form.change_type.data,
                state=form.state.data,
                url=form.url.data or "",
                details={name: getattr(form, name).data or _empty(name) for name in service.LIFECYCLE_FIELDS},
            )
        except ValidationFailed as exc:
            for problem in exc.problems:
                problem.field = "change_type" if problem.field == "type" else problem.field
            attach_problems(form, exc)
        else:
            flash(f"Change {form.number.data} of “{milestone.name}” is saved.", "success")
            return redirect(url_for("change_records.index", initiative_id=milestone.initiative_id))
    status = 400 if request.method == "POST" else 200
    return render_template(
        "change_records/form.html",
        form=form,
        milestone=milestone,
        initiative=milestone.initiative,
        record=record,
    ), status


def _empty(name: str) -> str | None:
    return None if name in service.LIFECYCLE_TIMES else ""


@bp.post("/initiatives/<int:initiative_id>/change-records/settings")
@login_required
def settings(initiative_id: int):
    initiative = load_initiative(current_user, initiative_id, write=True)
    form = ChangeSettingsForm()
    if form.validate_on_submit():
        try:
            days = service.set_emergency_review_days(
                initiative=initiative, actor=current_user, days=form.emergency_review_days.data
            )
        except ValidationFailed as exc:
            flash(exc.problems[0].message, "error")
        else:
            flash(f"Emergency changes now need their people review within {days} days.", "success")
    else:
        for errors in form.errors.values():
            flash(" ".join(errors), "error")
    return redirect(url_for("change_records.index", initiative_id=initiative.id))


@bp.route("/milestones/<int:milestone_id>/change-record/delete", methods=["GET", "POST"])
@login_required
def delete(milestone_id: int):
    """Remove the milestone's change with ?number=..., or every change of the milestone without it."""
    milestone = _milestone(milestone_id, write=True)
    number = (request.args.get("number") or "").strip() or None
    mine = service.records_of_milestones(milestone.initiative_id).get(milestone.id, [])
    if number is not None:
        mine = [r for r in mine if r.number.lower() == number.lower()]
    index = url_for("change_records.index", initiative_id=milestone.initiative_id)
    if not mine:
        flash(f"“{milestone.name}” has no change record to remove.", "info")
        return redirect(index)
    numbers = ", ".join(r.number for r in mine)
    return confirm_delete(
        "actions/confirm_delete.html",
        delete=lambda: service.delete_change_record(milestone=milestone, actor=current_user, number=number),
        done=f"“{milestone.name}” no longer references change {numbers}.",
        then=index,
        initiative=milestone.initiative,
        what=f"the link to change {numbers}",
        consequence=f"“{milestone.name}” will no longer reference it; the record in the ITSM tool is not touched.",
        action=url_for("change_records.delete", milestone_id=milestone.id, number=number),
        cancel=index,
    )


@bp.route("/initiatives/<int:initiative_id>/change-records/import", methods=["GET", "POST"])
@login_required
def import_records(initiative_id: int):
    initiative = load_initiative(current_user, initiative_id, write=True)

    def store(upload) -> str:
        rows = parse_change_csv(upload, initiative)
        created, updated = service.import_change_records(
            initiative=initiative, actor=current_user, rows=rows, source="csv"
        )
        return f"Imported {created + updated} change records: {created} new, {updated} updated."

    return csv_import(
        ChangeImportForm(),
        store=store,
        done=url_for("change_records.index", initiative_id=initiative.id),
        template="change_records/import.html",
        example=partial(example_csv, initiative),
        field_columns=FIELD_COLUMNS,
        initiative=initiative,
        columns=COLUMNS,
        max_rows=service.MAX_ROWS,
    )


@bp.get("/initiatives/<int:initiative_id>/change-records/import/example.csv")
@login_required
def import_example(initiative_id: int):
    initiative = load_initiative(current_user, initiative_id, write=True)
    return download(example_csv(initiative), CSV_MEDIA_TYPE, "change-records-example.csv")


def _export(initiative_id: int, kind: str):
    initiative = load_initiative(current_user, initiative_id)
    rows = export_rows(initiative.milestones, service.records_of_milestones(initiative.id))
    return table_download(
        kind,
        EXPORT_HEADER,
        rows,
        stem=f"{initiative.id}-change-records-{today().isoformat()}",
        sheet="Change records",
        notes=[
            f"Initiative: {initiative.name}. Exported on {today().isoformat()}.",
            "One row per change record with its milestone (a milestone may have several); the change's "
            "columns are blank for a milestone without one. Times are UTC.",
        ],
    )


@bp.get("/initiatives/<int:initiative_id>/change-records.csv")
@login_required
def export(initiative_id: int):
    return _export(initiative_id, "csv")


@bp.get("/initiatives/<int:initiative_id>/change-records.xlsx")
@login_required
def export_xlsx(initiative_id: int):
    return _export(initiative_id, "xlsx")
