"""API endpoint: importing responses collected elsewhere into a wave (all or nothing)."""

from __future__ import annotations

import base64
import binascii

from flask import abort

from ..surveys.definitions import registry
from ..surveys.models import Wave
from ..surveys.responses import file_import, imports, saved_mappings, source_files
from ..surveys.responses.column_mapping import IGNORE
from ..surveys.responses.services import store_batches
from ..validation import Problem, ValidationFailed
from . import bp
from .auth import api_user
from .crud import WRITE_ERRORS, api_record
from .http import json_response
from .openapi import operation
from .payload import read_body
from .schemas.responses import (
    MAX_FILE_BYTES,
    FileImportResult,
    FilePreview,
    ImportResult,
    ResponseFile,
    ResponseImport,
)

TAG = "responses"


@bp.post("/waves/<id:wave_id>/responses")
@operation(
    summary="Import responses collected elsewhere into a wave",
    tag=TAG,
    body=ResponseImport,
    responses={201: ImportResult},
    errors=WRITE_ERRORS,
    description=(
        "All or nothing: when any response has a problem nothing is stored, and `problems` lists each one "
        "with `row` (the index in `responses`, from 0), `column` (the item id) and `field` (its JSON path). "
        "Imported responses count in the group's `n` (once published: an import of at least k is "
        "published at once, a smaller one is held until the group's imports reach k) but not in "
        "`invited`. Practitioners and admins of the "
        "initiative only; sponsors get 403."
    ),
)
def import_responses(wave_id: int):
    user = api_user()
    wave = api_record(Wave, wave_id, write=True)
    defn = registry.get(wave.survey_key)
    if defn is None:
        abort(404, f"The survey {wave.survey_key!r} of this wave is not installed.")
    values = read_body(ResponseImport)
    problems = imports.group_problems(wave, values["group_id"])
    try:
        rows = imports.rows_from_payload(defn, values["responses"])
    except ValidationFailed as exc:
        raise ValidationFailed(problems + exc.problems) from None
    if problems:
        raise ValidationFailed(problems)
    count = imports.import_rows(
        wave=wave, group_id=values["group_id"], rows=rows, actor_id=user.id, source="api"
    )
    held = imports.held_imports(wave, values["group_id"])
    return json_response({"created": count, "held": held}, 201)


FILE_DESCRIPTION = (
    "The file is sent in base64 with the mapping of its columns; nothing is kept between calls. Columns "
    "left out of `columns` keep adkar's proposal (by item id, by the statement's text in any of the "
    "survey's languages, by a close match; the group by the column's name or values); identity columns "
    "(names, e-mail and IP addresses, ids, times) are never read or stored. Practitioners and admins of "
    "the initiative only; sponsors get 403."
)


@bp.post("/waves/<id:wave_id>/response-files/preview")
@operation(
    summary="Read a survey tool's export and preview its import",
    tag=TAG,
    body=ResponseFile,
    responses={200: FilePreview},
    errors=WRITE_ERRORS,
    description="How the file was read, each column's target, the rows per group and every problem by row "
    "and column as the file writes them. " + FILE_DESCRIPTION,
)
def preview_response_file(wave_id: int):
    wave, defn, table, mapping, proposals = _file_request(wave_id)
    result = file_import.preview(defn, table, mapping, file_import.wave_groups(wave))
    columns = [
        {
            "letter": column.letter,
            "name": column.name,
            "target": IGNORE if proposals[column.name].identity else mapping.targets[column.name],
            "reason": proposals[column.name].reason,
            "identity": proposals[column.name].identity,
        }
        for column in _named(table)
    ]
    body = {
        "read_as": table.described,
        "header_rows": table.header_rows,
        "rows": result.rows,
        "columns": columns,
        "counts": result.counts,
        "reversed_columns": result.reversed_columns,
        "problems": [p.as_dict() for p in imports.capped(result.problems)],
        "ready": result.ready,
    }
    return json_response(body, 200)


@bp.post("/waves/<id:wave_id>/response-files")
@operation(
    summary="Import a survey tool's export into a wave",
    tag=TAG,
    body=ResponseFile,
    responses={201: FileImportResult},
    errors=WRITE_ERRORS,
    description="All or nothing over every group of the file: any problem answers 400 with each one by row "
    "and column (as the file writes them) and nothing is stored. " + FILE_DESCRIPTION,
)
def import_response_file(wave_id: int):
    user = api_user()
    wave, defn, table, mapping, _proposals = _file_request(wave_id)
    result = file_import.preview(defn, table, mapping, file_import.wave_groups(wave))
    if not result.ready:
        raise ValidationFailed(
            imports.capped(result.problems) or [Problem("There are no responses to import.")]
        )
    count = store_batches(
        wave_id=wave.id,
        batches=result.batches,
        actor_id=user.id,
        initiative_id=wave.initiative_id,
        source="api",
    )
    if source := read_body(ResponseFile)["source"]:
        saved_mappings.save(wave, source, mapping, actor_id=user.id)
    held = sum(imports.held_imports(wave, group_id) for group_id in result.batches)
    return json_response({"created": count, "held": held, "counts": result.counts}, 201)


def _file_request(wave_id: int):
    wave = api_record(Wave, wave_id, write=True)
    defn = registry.get(wave.survey_key)
    if defn is None:
        abort(404, f"The survey {wave.survey_key!r} of this wave is not installed.")
    values = read_body(ResponseFile)
    try:
        data = base64.b64decode(values["content_base64"], validate=True)
    except (binascii.Error, ValueError):
        raise ValidationFailed.one(
            "Not base64: send the file's bytes base64-encoded.", "content_base64"
        ) from None
    table = source_files.read_source(data, values["filename"], max_bytes=MAX_FILE_BYTES)
    saved = saved_mappings.find(wave, values["source"])
    mapping, proposals = file_import.proposed_mapping(
        defn, table, file_import.wave_groups(wave), saved.targets if saved else None
    )
    names = {column.name for column in _named(table)}
    unknown = [
        Problem("No column of the file has this name.", field=f"columns.{name}")
        for name in values["columns"]
        if name not in names
    ]
    unknown += [
        Problem("No column of the file has this name.", field="reverse")
        for name in values["reverse"]
        if name not in names
    ]
    if unknown:
        raise ValidationFailed(unknown)
    mapping.targets |= values["columns"]
    mapping.reverse = frozenset(values["reverse"]) | (
        frozenset(saved.reverse) if saved and not values["reverse"] else frozenset()
    )
    if values["group_id"] is not None:
        mapping.group_id = values["group_id"]
    return wave, defn, table, mapping, proposals


def _named(table: source_files.SourceTable) -> list[source_files.SourceColumn]:
    seen: set[str] = set()
    named = []
    for column in table.columns:
        if column.name and column.name not in seen:
            seen.add(column.name)
            named.append(column)
    return named
