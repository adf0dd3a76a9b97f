"""Practitioner pages for a wave's responses: CSV import and anonymous CSV/XLSX exports.

Writers of the initiative only (access.load_initiative(..., write=True)): sponsors get 403, anyone who cannot
see the initiative 404. Exports follow the anonymity rules in adkar.surveys.responses.exports.
"""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from sqlalchemy import select
from werkzeug.routing import BuildError
from wtforms import SelectField

from ... import csvio
from ...access import load_initiative
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
from . import bp, export_jobs, exports, import_jobs, imports

SHOWN_PROBLEMS = 100
WAVE_PAGE_ENDPOINT = "waves.show"


class ResponseImportForm(FlaskForm):
    group_id = SelectField("Stakeholder group", coerce=int, validate_choice=True)
    file = FileField(
        "CSV file",
        validators=[FileRequired("Choose a CSV file to upload.")],
        render_kw={"accept": ".csv,text/csv"},
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
    form.group_id.choices = _group_choices(wave)
    if not form.validate_on_submit():
        return _import_page(wave, defn, form, [], 400 if request.method == "POST" else 200)
    data = form.file.data.read()
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
        body, mimetype = exports.to_csv(export), "text/csv"
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
    """The file of a finished background export, for the person who asked (and admins), for a day."""
    job = db.session.get(Job, job_id)
    if job is None or job.kind != export_jobs.EXPORT_KIND or job.initiative_id is None:
        abort(404)
    load_initiative(current_user, job.initiative_id, write=True)
    if job.created_by != current_user.id and current_user.role != "admin":
        abort(404)
    path = export_jobs.export_file(job)
    if path is None:
        abort(404)
    fmt = job.params.get("format")
    return send_file(
        path,
        mimetype="text/csv" if fmt == "csv" else exports.XLSX_MEDIA_TYPE,
        as_attachment=True,
        download_name=str(job.params.get("filename") or path.name),
    )


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
