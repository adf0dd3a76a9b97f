"""Practitioner pages for a wave's responses: CSV import and anonymous CSV/XLSX exports.

Writers of the initiative only (access.load_initiative(..., write=True)): sponsors get 403, anyone who cannot
see the initiative 404. Exports follow the anonymity rules in adkar.surveys.responses.exports.
"""

from __future__ import annotations

import csv

from flask import Response, abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from sqlalchemy import select
from werkzeug.routing import BuildError
from wtforms import SelectField, StringField
from wtforms.validators import Length, Optional

from ... import csvio, spreadsheet
from ...access import load_initiative
from ...accounts.models import prefers_european_csv
from ...audit import services as audit
from ...config import min_group_size
from ...database import begin_write
from ...extensions import db
from ...forms import EmptyForm
from ...jobs.models import Job
from ...plan.models import StakeholderGroup
from ...rules.anonymity import comment_threshold
from ...validation import Problem, ValidationFailed
from ..definitions import registry
from ..definitions.survey import SurveyDefinition, item_text
from ..models import Wave, WaveGroup
from . import (
    bp,
    export_jobs,
    exports,
    file_import,
    import_jobs,
    imports,
    job_files,
    pending_uploads,
    saved_mappings,
    services,
    source_files,
)
from .column_mapping import GROUP, IGNORE, propose

SHOWN_PROBLEMS = 100
WAVE_PAGE_ENDPOINT = "waves.show"


FROM_A_COLUMN = 0


class ResponseImportForm(FlaskForm):
    group_id = SelectField("Stakeholder group", coerce=int, validate_choice=True)
    source = StringField(
        "Source (optional)",
        validators=[Optional(), Length(max=saved_mappings.MAX_NAME)],
        description="For example “Forms pulse”: the columns you confirm are kept under this name and "
        "proposed again for the next file from the same source.",
    )
    file = FileField(
        "CSV or Excel file",
        validators=[FileRequired("Choose a CSV file to upload.")],
        render_kw={"accept": ".csv,.txt,.xlsx,text/csv"},
    )


def _load_wave(wave_id: int) -> tuple[Wave, SurveyDefinition]:
    wave = db.session.get(Wave, wave_id)
    if wave is None:
        abort(404)
    load_initiative(current_user, wave.initiative_id, write=True)
    defn = registry.get(wave.survey_key)
    if defn is None:
        abort(404, f"The survey {wave.survey_key!r} of this wave is not installed.")
    return wave, defn


@bp.route("/waves/<int:wave_id>/responses/import", methods=["GET", "POST"])
@login_required
def import_csv(wave_id: int):
    wave, defn = _load_wave(wave_id)
    form = ResponseImportForm()
    form.group_id.choices = [(FROM_A_COLUMN, "Named in a column of the file"), *_group_choices(wave)]
    if not form.validate_on_submit():
        return _import_page(wave, defn, form, [], 400 if request.method == "POST" else 200)
    data = form.file.data.read()
    filename = form.file.data.filename or ""
    if form.group_id.data == FROM_A_COLUMN or not _in_adkar_columns(defn, data, filename):
        return _review_upload(wave, defn, form, data, filename)
    if len(data) > import_jobs.background_bytes():
        try:
            import_jobs.queue_import(wave=wave, group_id=form.group_id.data, data=data, actor=current_user)
        except ValidationFailed as exc:
            return _import_page(wave, defn, form, exc.problems, 400)
        flash(
            "The file is being checked and imported in the background; the outcome appears below.", "success"
        )
        return redirect(url_for("responses.import_csv", wave_id=wave.id))
    try:
        rows = imports.rows_from_csv(defn, data)
        count = imports.import_rows(
            wave=wave, group_id=form.group_id.data, rows=rows, actor_id=current_user.id, source="csv"
        )
    except ValidationFailed as exc:
        return _import_page(wave, defn, form, exc.problems, 400)
    group = db.session.get(StakeholderGroup, form.group_id.data)
    name = group.name if group else "the group"
    message = f"Imported {count:,} response{'s' if count != 1 else ''} into {name}."
    if held := imports.held_imports(wave, form.group_id.data):
        k = min_group_size()
        message += (
            f" {held:,} imported answer{'s' if held != 1 else ''} of {name} {'are' if held != 1 else 'is'} "
            f"held until the group has {k} imported answers, then published together: imports never make "
            f"a group visible with fewer than {k} of their own."
        )
    flash(message, "success")
    return redirect(url_for("responses.import_csv", wave_id=wave.id))


def _in_adkar_columns(defn: SurveyDefinition, data: bytes, filename: str) -> bool:
    """A CSV whose columns are mostly named by item id (adkar's template) is imported at once, as before;
    any other file goes through the mapping step."""
    if not data.strip():
        return True
    if spreadsheet.is_xlsx(data, filename):
        return False
    try:
        text, _encoding = source_files.decode(data)
    except ValidationFailed:
        return False
    first = next((line for line in text.splitlines() if line.strip()), "")
    cells = [
        csvio.header_key(c) for c in next(csv.reader([first], delimiter=source_files.sniff_delimiter(text)))
    ]
    return sum(c in defn.item_ids for c in cells) * 2 >= len(cells)


def _review_upload(wave: Wave, defn: SurveyDefinition, form, data: bytes, filename: str):
    """Read a survey tool's file, keep it privately, and show the proposed mapping with its preview."""
    try:
        table = source_files.read_source(data, filename)
    except ValidationFailed as exc:
        return _import_page(wave, defn, form, exc.problems, 400)
    groups = file_import.wave_groups(wave)
    saved = saved_mappings.find(wave, form.source.data or "")
    mapping, _ = file_import.proposed_mapping(defn, table, groups, saved.targets if saved else None)
    if saved:
        mapping.reverse = frozenset(saved.reverse)
    if form.group_id.data != FROM_A_COLUMN:
        mapping.group_id = form.group_id.data
        mapping.targets = {n: t if t != GROUP else IGNORE for n, t in mapping.targets.items()}
    token = pending_uploads.keep(data, filename=filename, wave_id=wave.id, user_id=current_user.id)
    return _review_page(wave, defn, table, mapping, token, form.source.data or "", checked=False)


@bp.post("/waves/<int:wave_id>/responses/import/review")
@login_required
def review_import(wave_id: int):
    """The practitioner's corrections to the mapping: check again, or import every row or none."""
    wave, defn = _load_wave(wave_id)
    if not EmptyForm().validate_on_submit():
        abort(400, "The form has expired: upload the file again.")
    token = request.form.get("upload", "")
    loaded = pending_uploads.load(token, wave_id=wave.id, user_id=current_user.id)
    if loaded is None:
        flash("That upload is no longer kept (uploads wait a day at most): upload the file again.", "error")
        return redirect(url_for("responses.import_csv", wave_id=wave.id), 303)
    data, filename, _path = loaded
    try:
        table = source_files.read_source(data, filename)
    except ValidationFailed:
        pending_uploads.discard(token)
        abort(400, "The upload can no longer be read: upload the file again.")
    mapping = _mapping_from_form(defn, table)
    source = request.form.get("source", "").strip()[: saved_mappings.MAX_NAME]
    if request.form.get("action") != "import":
        return _review_page(wave, defn, table, mapping, token, source, checked=True)
    groups = file_import.wave_groups(wave)
    if mapping.group_id not in groups:
        mapping.group_id = None  # a group column names them, or the preview says what is missing
    result = file_import.preview(defn, table, mapping, groups)
    if not result.ready:
        return _review_page(
            wave, defn, table, mapping, token, source, checked=True, result=result, status=400
        )
    if not pending_uploads.claim(token):  # a second click, or another tab, is importing it already
        flash("This file is already being imported.", "info")
        return redirect(url_for("responses.import_csv", wave_id=wave.id), 303)
    try:
        if len(data) > import_jobs.background_bytes():
            import_jobs.queue_import(
                wave=wave,
                group_id=mapping.group_id,
                data=data,
                actor=current_user,
                mapping=mapping,
                filename=filename,
            )
        else:
            count = services.store_batches(
                wave_id=wave.id,
                batches=result.batches,
                actor_id=current_user.id,
                initiative_id=wave.initiative_id,
                source=table.kind,
            )
    finally:
        pending_uploads.discard(token)
    saved_mappings.save(wave, source, mapping, actor_id=current_user.id)
    if len(data) > import_jobs.background_bytes():
        flash("The file is being imported in the background; the outcome appears below.", "success")
        return redirect(url_for("responses.import_csv", wave_id=wave.id), 303)
    per_group = ", ".join(f"{name} {n:,}" for name, n in sorted(result.counts.items()))
    message = f"Imported {count:,} response{'s' if count != 1 else ''} ({per_group})."
    held = sum(imports.held_imports(wave, group_id) for group_id in result.batches)
    if held:
        k = min_group_size()
        message += (
            f" {held:,} imported answer{'s' if held != 1 else ''} {'are' if held != 1 else 'is'} held until "
            f"{'their groups have' if len(result.batches) > 1 else 'the group has'} {k} imported answers."
        )
    flash(message, "success")
    return redirect(url_for("responses.import_csv", wave_id=wave.id), 303)


def _mapping_from_form(defn: SurveyDefinition, table: source_files.SourceTable) -> file_import.FileMapping:
    allowed = {GROUP, IGNORE, *defn.item_ids}
    targets = {}
    for column in table.columns:
        if column.name and column.name not in targets:
            target = request.form.get(f"col-{column.index}", IGNORE)
            targets[column.name] = target if target in allowed else IGNORE
    try:
        group_id = int(request.form.get("group_id", "0") or 0) or None
    except ValueError:
        group_id = None
    reverse = frozenset(c.name for c in table.columns if c.name and request.form.get(f"rev-{c.index}"))
    return file_import.FileMapping(targets=targets, group_id=group_id, reverse=reverse)


def _review_page(
    wave: Wave,
    defn: SurveyDefinition,
    table: source_files.SourceTable,
    mapping: file_import.FileMapping,
    token: str,
    source: str,
    *,
    checked: bool,
    result: file_import.Preview | None = None,
    status: int = 200,
):
    groups = file_import.wave_groups(wave)
    result = result or file_import.preview(defn, table, mapping, groups)
    saved = saved_mappings.find(wave, source)
    proposals = propose(defn, table.columns, saved.targets if saved else None)
    seen: set[str] = set()
    columns = []
    for column in table.columns:
        if not column.name or column.name in seen:
            continue
        seen.add(column.name)
        samples = [cells[column.index] for _, cells in table.rows[:50] if column.index < len(cells)]
        proposal = proposals[column.name]
        columns.append(
            {
                "index": column.index,
                "letter": column.letter,
                "name": column.name,
                "target": mapping.targets.get(column.name, IGNORE),
                "reason": proposal.reason,
                "identity": proposal.identity,
                "samples": [] if proposal.identity else list(dict.fromkeys(s for s in samples if s))[:3],
                "reverse": column.name in mapping.reverse,
            }
        )
    targets = [(GROUP, "The group"), (IGNORE, "Ignore (not stored)")] + [
        (item.id, f"{item.id}: {item_text(item, 'en')}") for item in defn.items
    ]
    return render_template(
        "responses/import_review.html",
        wave=wave,
        survey=defn,
        table=table,
        columns=columns,
        targets=targets,
        groups=groups,
        mapping=mapping,
        result=result,
        token=token,
        source=source,
        checked=checked,
        saved_names=saved_mappings.names(wave),
        problems=result.problems[:SHOWN_PROBLEMS],
        more_problems=max(0, len(result.problems) - SHOWN_PROBLEMS),
        form=EmptyForm(),
        back_url=url_for("responses.import_csv", wave_id=wave.id),
    ), status


@bp.get("/waves/<int:wave_id>/responses/template.csv")
@login_required
def import_template(wave_id: int):
    """An empty file with the right header, so a practitioner starts from columns that will be accepted."""
    wave, defn = _load_wave(wave_id)
    return Response(
        csvio.write_csv(list(defn.item_ids), []),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="wave-{wave.id}-import-template.csv"'},
    )


@bp.get("/waves/<int:wave_id>/responses.csv")
@login_required
def export_csv(wave_id: int):
    return _export(wave_id, "csv")


@bp.get("/waves/<int:wave_id>/responses.xlsx")
@login_required
def export_xlsx(wave_id: int):
    return _export(wave_id, "xlsx")


def _export(wave_id: int, kind: str):
    wave, defn = _load_wave(wave_id)
    if export_jobs.in_background(wave):
        flash("This wave is large, so its export is prepared in the background: use “Prepare” below.", "info")
        return redirect(url_for(WAVE_PAGE_ENDPOINT, wave_id=wave.id, _anchor="responses-heading"), 303)
    try:
        export = exports.build_export(wave, defn, k=min_group_size())
    except exports.ExportChanged:
        abort(409, "The wave's responses changed while the export was read; download it again.")
    if export.withheld:
        html = render_template("responses/withheld.html", wave=wave, export=export, back_url=_wave_url(wave))
        return html, 409
    _audit_export(wave, kind, len(export.rows))
    if kind == "csv":
        body, mimetype = exports.to_csv(export, european=_european_csv()), "text/csv"
    else:
        body, mimetype = exports.to_xlsx(export), exports.XLSX_MEDIA_TYPE
    return Response(
        body,
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{exports.filename(wave, kind)}"'},
    )


@bp.post("/waves/<int:wave_id>/exports")
@login_required
def prepare_export(wave_id: int):
    """Queue the export of a large wave; the file appears on the wave page when the worker has made it."""
    wave, _defn = _load_wave(wave_id)
    fmt = request.form.get("format", "")
    if not EmptyForm().validate_on_submit() or fmt not in export_jobs.FORMATS:
        abort(400, "Choose CSV or XLSX.")
    withheld = exports.withheld_reason(exports.wave_total(wave), min_group_size())
    if withheld:
        abort(409, withheld)
    export_jobs.queue_export(wave=wave, fmt=fmt, actor=current_user)
    flash("The export is being prepared; it appears below when it is ready.", "success")
    return redirect(url_for(WAVE_PAGE_ENDPOINT, wave_id=wave.id, _anchor="responses-heading"))


@bp.get("/exports/<int:job_id>/download")
@login_required
def download_export(job_id: int):
    """The file a background job made (a large wave's export, an initiative's report), for the person who
    asked (and admins), for a day. Response data needs write access to the initiative; a report, read."""
    job = db.session.get(Job, job_id)
    if job is None or job.initiative_id is None or job.created_by is None:
        abort(404)
    load_initiative(current_user, job.initiative_id, write=job.params.get("access") != "read")
    if job.created_by != current_user.id and current_user.role != "admin":
        abort(404)
    path = job_files.job_file(job)
    if path is None:
        abort(404)
    return send_file(
        path,
        mimetype=str(job.params.get("mimetype") or "application/octet-stream"),
        as_attachment=True,
        download_name=str(job.params.get("filename") or path.name),
    )


def _european_csv() -> bool:
    """`?csv=european` or `?csv=plain` for this download, else the person's preference (account page)."""
    kind = request.args.get("csv")
    if kind in ("european", "plain"):
        return kind == "european"
    return prefers_european_csv(current_user.id)


def _audit_export(wave: Wave, kind: str, rows: int) -> None:
    """Who downloaded a wave's response data, and when, is kept in the audit trail."""
    begin_write()
    audit.record(
        user_id=current_user.id,
        action="responses.export",
        target_type="wave",
        target_id=wave.id,
        initiative_id=wave.initiative_id,
        detail={"format": kind, "rows": rows},
    )
    db.session.commit()


def _group_choices(wave: Wave) -> list[tuple[int, str]]:
    rows = db.session.execute(
        select(StakeholderGroup.id, StakeholderGroup.name)
        .join(WaveGroup, WaveGroup.group_id == StakeholderGroup.id)
        .where(WaveGroup.wave_id == wave.id)
        .order_by(StakeholderGroup.name)
    )
    return [(group_id, name) for group_id, name in rows]


def _wave_url(wave: Wave) -> str:
    """The wave's page when the waves blueprint has one, else the initiative's plan."""
    try:
        return url_for(WAVE_PAGE_ENDPOINT, wave_id=wave.id)
    except BuildError:
        return url_for("plan.show", initiative_id=wave.initiative_id)


def _import_page(wave: Wave, defn: SurveyDefinition, form, problems: list[Problem], status: int):
    k = min_group_size()
    total = exports.wave_total(wave)
    columns = [
        (item.id, item.required, item_text(item, "en"), item.type, item.max_length) for item in defn.items
    ]
    return render_template(
        "responses/import.html",
        wave=wave,
        survey=defn,
        form=form,
        columns=columns,
        max_rows=imports.MAX_ROWS,
        problems=problems[:SHOWN_PROBLEMS],
        more_problems=max(0, len(problems) - SHOWN_PROBLEMS),
        total=total,
        k=k,
        withheld=exports.withheld_reason(total, k, held=exports.held_when_unpublished(wave, total)),
        comment_k=comment_threshold(k),
        back_url=_wave_url(wave),
        import_jobs=[
            (job, [Problem(**p) for p in job.params.get("problems", [])], job.params.get("more_problems", 0))
            for job in import_jobs.recent_imports(wave, current_user)
        ],
    ), status
