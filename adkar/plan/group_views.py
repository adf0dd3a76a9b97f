"""Stakeholder-group pages: add, edit, delete, and import many from a CSV file (all or nothing)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from .. import csvio
from ..access import load_initiative, load_record
from ..deletion import confirm_delete
from ..forms import save_form
from ..import_page import csv_import
from ..spreadsheet import CSV_MEDIA_TYPE, download
from ..validation import Problem, ValidationFailed
from . import bp, services
from .forms import GroupForm, GroupImportForm
from .models import Initiative, StakeholderGroup

IMPORT_COLUMNS = (
    ("name", True, "The group's name, unique within the initiative (up to 120 characters)."),
    (
        "headcount",
        True,
        f"Number of people in the group: a whole number from 1 to {services.MAX_HEADCOUNT:,}.",
    ),
    ("description", False, "Optional notes about the group (up to 2,000 characters)."),
)
IMPORT_MAX_ROWS = 1000
IMPORT_MAX_BYTES = 1_000_000
EXAMPLE_ROWS = (
    ("Service desk agents", 48, "First-line support, all sites"),
    ("Field engineers", 120, ""),
    ("Team leads", 14, "Approve changes and coach their teams"),
)


def load_group(group_id: int, *, write: bool = False) -> StakeholderGroup:
    """The group if its initiative is visible to the user (404), writable when asked (403)."""
    return load_record(current_user, StakeholderGroup, group_id, write=write)


def _fields(form: GroupForm) -> dict:
    return {
        "name": form.name.data,
        "headcount": form.headcount.data,
        "description": form.description.data or "",
    }


@bp.route("/initiatives/<int:initiative_id>/groups/new", methods=["GET", "POST"])
@login_required
def new_group(initiative_id: int):
    initiative = load_initiative(current_user, initiative_id, write=True)
    form = GroupForm()
    group = save_form(
        form, lambda: services.create_group(initiative=initiative, actor=current_user, **_fields(form))
    )
    if group:
        flash(f"The group “{group.name}” is added.", "success")
        return redirect(url_for("plan.show", initiative_id=initiative.id, _anchor="groups"))
    status = 400 if request.method == "POST" else 200
    return render_template("plan/group_form.html", form=form, initiative=initiative, group=None), status


@bp.route("/groups/<int:group_id>/edit", methods=["GET", "POST"])
@login_required
def edit_group(group_id: int):
    group = load_group(group_id, write=True)
    form = GroupForm(obj=group)
    if save_form(form, lambda: services.update_group(group=group, actor=current_user, **_fields(form))):
        flash(f"The group “{group.name}” is saved.", "success")
        return redirect(url_for("plan.show", initiative_id=group.initiative_id, _anchor="groups"))
    status = 400 if request.method == "POST" else 200
    return render_template(
        "plan/group_form.html", form=form, initiative=group.initiative, group=group
    ), status


@bp.route("/groups/<int:group_id>/delete", methods=["GET", "POST"])
@login_required
def delete_group(group_id: int):
    group = load_group(group_id, write=True)
    return confirm_delete(
        "plan/confirm_delete.html",
        delete=lambda: services.delete_group(group=group, actor=current_user),
        done=f"The group “{group.name}” is deleted.",
        then=url_for("plan.show", initiative_id=group.initiative_id, _anchor="groups"),
        initiative=group.initiative,
        what=f"the group “{group.name}”",
        consequence="Its roster, survey invitations and responses are deleted with it, and it leaves every milestone.",
        action=url_for("plan.delete_group", group_id=group.id),
    )


# --- CSV import ------------------------------------------------------------------------------------------


@bp.route("/initiatives/<int:initiative_id>/groups/import", methods=["GET", "POST"])
@login_required
def import_groups(initiative_id: int):
    initiative = load_initiative(current_user, initiative_id, write=True)

    def store(upload) -> str:
        rows = parse_group_rows(upload, initiative)
        groups = services.create_groups(initiative=initiative, actor=current_user, rows=rows)
        return f"Imported {len(groups)} group{'s' if len(groups) != 1 else ''}."

    return csv_import(
        GroupImportForm(),
        store=store,
        done=url_for("plan.show", initiative_id=initiative.id, _anchor="groups"),
        template="plan/group_import.html",
        example=_example_csv,
        initiative=initiative,
        columns=IMPORT_COLUMNS,
        max_rows=IMPORT_MAX_ROWS,
    )


def _example_csv() -> bytes:
    return csvio.write_csv([c for c, _, _ in IMPORT_COLUMNS], EXAMPLE_ROWS)


def parse_group_rows(upload, initiative: Initiative) -> list[dict]:
    """CSV rows -> create_groups rows; every row and column problem of the file at once."""
    records = csvio.read_csv(
        upload,
        required=[c for c, needed, _ in IMPORT_COLUMNS if needed],
        optional=[c for c, needed, _ in IMPORT_COLUMNS if not needed],
        max_rows=IMPORT_MAX_ROWS,
        max_bytes=IMPORT_MAX_BYTES,
    )
    existing = {g.name.lower() for g in initiative.groups}
    first_row: dict[str, int] = {}
    problems: list[Problem] = []
    rows = []
    for record in records:
        row, name = record["row"], record["name"]
        headcount = csvio.whole_number(record["headcount"])
        found = services.group_problems(name, headcount, record["description"], row=row)
        if headcount is None:
            found = [p for p in found if p.field != "headcount"]
            message = (
                f"“{record['headcount']}” is not a whole number."
                if record["headcount"]
                else "A headcount is required."
            )
            found.append(Problem(message, row=row, column="headcount"))
        key = name.lower()
        if key in existing:
            found.append(Problem(f"A group named “{name}” exists already.", row=row, column="name"))
        elif key and key in first_row:
            found.append(
                Problem(
                    f"“{name}” appears twice in the file (also row {first_row[key]}).", row=row, column="name"
                )
            )
        first_row.setdefault(key, row)
        problems += csvio.by_column(found)
        rows.append({"row": row, "name": name, "headcount": headcount, "description": record["description"]})
    if problems:
        order = {name: index for index, (name, _, _) in enumerate(IMPORT_COLUMNS)}
        raise ValidationFailed(sorted(problems, key=lambda p: (p.row or 0, order.get(p.column or "", 99))))
    return rows


@bp.get("/initiatives/<int:initiative_id>/groups/import/example.csv")
@login_required
def import_example(initiative_id: int):
    load_initiative(current_user, initiative_id, write=True)
    return download(_example_csv(), CSV_MEDIA_TYPE, "groups-example.csv")
