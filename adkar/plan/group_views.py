"""Stakeholder-group pages: add, edit, delete, and import many from a CSV file (all or nothing)."""

from __future__ import annotations

import re

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from .. import csvio
from ..access import load_initiative
from ..extensions import db
from ..forms import EmptyForm
from ..validation import Problem, ValidationFailed
from . import services
from .forms import GroupForm, GroupImportForm, attach_problems
from .models import Initiative, StakeholderGroup
from .views import bp

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
SHOWN_PROBLEMS = 200
EXAMPLE_ROWS = (
    ("Service desk agents", 48, "First-line support, all sites"),
    ("Field engineers", 120, ""),
    ("Team leads", 14, "Approve changes and coach their teams"),
)


def load_group(group_id: int, *, write: bool = False) -> StakeholderGroup:
    """The group if its initiative is visible to the user (404), writable when asked (403)."""
    group = db.session.get(StakeholderGroup, group_id)
    if group is None:
        abort(404)
    load_initiative(current_user, group.initiative_id, write=write)
    return group


@bp.route("/initiatives/<int:initiative_id>/groups/new", methods=["GET", "POST"])
@login_required
def new_group(initiative_id: int):
    initiative = load_initiative(current_user, initiative_id, write=True)
    form = GroupForm()
    if form.validate_on_submit():
        try:
            group = services.create_group(
                initiative=initiative,
                actor=current_user,
                name=form.name.data,
                headcount=form.headcount.data,
                description=form.description.data or "",
            )
        except ValidationFailed as exc:
            attach_problems(form, exc)
        else:
            flash(f"The group “{group.name}” is added.", "success")
            return redirect(url_for("plan.show", initiative_id=initiative.id, _anchor="groups"))
    status = 400 if request.method == "POST" else 200
    return render_template("plan/group_form.html", form=form, initiative=initiative, group=None), status


@bp.route("/groups/<int:group_id>/edit", methods=["GET", "POST"])
@login_required
def edit_group(group_id: int):
    group = load_group(group_id, write=True)
    form = GroupForm(obj=group)
    if form.validate_on_submit():
        try:
            services.update_group(
                group=group,
                actor=current_user,
                name=form.name.data,
                headcount=form.headcount.data,
                description=form.description.data or "",
            )
        except ValidationFailed as exc:
            attach_problems(form, exc)
        else:
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
    form = EmptyForm()
    if form.validate_on_submit():
        initiative_id, name = group.initiative_id, group.name
        services.delete_group(group=group, actor=current_user)
        flash(f"The group “{name}” is deleted.", "success")
        return redirect(url_for("plan.show", initiative_id=initiative_id, _anchor="groups"))
    return render_template(
        "plan/confirm_delete.html",
        initiative=group.initiative,
        form=form,
        what=f"the group “{group.name}”",
        consequence="Its survey invitations and responses are deleted with it, and it leaves every milestone.",
        action=url_for("plan.delete_group", group_id=group.id),
    )


# --- CSV import ------------------------------------------------------------------------------------------


@bp.route("/initiatives/<int:initiative_id>/groups/import", methods=["GET", "POST"])
@login_required
def import_groups(initiative_id: int):
    initiative = load_initiative(current_user, initiative_id, write=True)
    form = GroupImportForm()
    if not form.validate_on_submit():
        status = 400 if request.method == "POST" else 200
        return _import_page(initiative, form, [], status)
    try:
        rows = parse_group_rows(form.file.data, initiative)
        groups = services.create_groups(initiative=initiative, actor=current_user, rows=rows)
    except ValidationFailed as exc:
        return _import_page(initiative, form, [_with_column(p) for p in exc.problems], 400)
    flash(f"Imported {len(groups)} group{'s' if len(groups) != 1 else ''}.", "success")
    return redirect(url_for("plan.show", initiative_id=initiative.id, _anchor="groups"))


def _import_page(initiative: Initiative, form: GroupImportForm, problems: list[Problem], status: int):
    return render_template(
        "plan/group_import.html",
        initiative=initiative,
        form=form,
        columns=IMPORT_COLUMNS,
        max_rows=IMPORT_MAX_ROWS,
        problems=problems[:SHOWN_PROBLEMS],
        more_problems=max(0, len(problems) - SHOWN_PROBLEMS),
        example=_example_csv().decode("utf-8-sig").replace("\r\n", "\n").strip(),
    ), status


def _example_csv() -> bytes:
    return csvio.write_csv([c for c, _, _ in IMPORT_COLUMNS], EXAMPLE_ROWS)


def _with_column(problem: Problem) -> Problem:
    if problem.row is not None and problem.column is None and problem.field:
        problem.column = problem.field
    return problem


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
        headcount = _whole_number(record["headcount"])
        found = services.group_problems(name, headcount, row=row)
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
        if len(record["description"]) > 2000:
            found.append(
                Problem("The description is longer than 2,000 characters.", row=row, column="description")
            )
        problems += [_with_column(p) for p in found]
        rows.append({"row": row, "name": name, "headcount": headcount, "description": record["description"]})
    if problems:
        order = {name: index for index, (name, _, _) in enumerate(IMPORT_COLUMNS)}
        raise ValidationFailed(sorted(problems, key=lambda p: (p.row or 0, order.get(p.column or "", 99))))
    return rows


WHOLE_NUMBER = re.compile(r"(\d+|\d{1,3}(?:[, \u00a0\u202f]\d{3})+)(?:\.0+)?")


def _whole_number(text: str) -> int | None:
    """'1200', '1,200', '1 200' and '1200.0' (as spreadsheets save it) are 1200; '1,5' or '12.5' are None."""
    match = WHOLE_NUMBER.fullmatch(text)
    return int(re.sub(r"\D", "", match.group(1))) if match else None


@bp.get("/initiatives/<int:initiative_id>/groups/import/example.csv")
@login_required
def import_example(initiative_id: int):
    load_initiative(current_user, initiative_id, write=True)
    return Response(
        _example_csv(),
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="groups-example.csv"'},
    )
