"""API endpoint: importing responses collected elsewhere into a wave (all or nothing)."""

from __future__ import annotations

from flask import abort

from ..surveys.definitions import registry
from ..surveys.models import Wave
from ..surveys.responses import imports
from ..validation import ValidationFailed
from . import bp
from .auth import api_user
from .crud import WRITE_ERRORS, api_record
from .http import json_response
from .openapi import operation
from .payload import read_body
from .schemas.responses import ImportResult, ResponseImport

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
