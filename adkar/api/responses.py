"""API endpoint: importing responses collected elsewhere into a wave (all or nothing)."""

from __future__ import annotations

from flask import abort

from ..elements import LIKERT_MAX, LIKERT_MIN
from ..surveys.definitions import registry
from ..surveys.models import Wave
from ..surveys.responses import imports
from ..validation import ValidationFailed
from . import bp
from .auth import api_user
from .crud import WRITE_ERRORS, api_record
from .http import json_response
from .openapi import component, operation
from .payload import Fields, Integer, read_body
from .rows import RowList

TAG = "responses"

# Their answers are checked against the wave's survey once the list is read.
IMPORTED_RESPONSE = component(
    "ImportedResponse",
    {
        "type": "object",
        "description": "One person's answers, by item id (GET /surveys lists each survey's items).",
        "properties": {
            "answers": {
                "type": "object",
                "additionalProperties": {
                    "oneOf": [
                        {"type": "integer", "minimum": LIKERT_MIN, "maximum": LIKERT_MAX},
                        {"type": "string", "maxLength": 10_000},
                    ]
                },
                "description": "ADKAR items: a whole number from 1 to 5 (all required); "
                "free-text items (the comment): text, optional.",
            }
        },
        "required": ["answers"],
        "additionalProperties": False,
    },
)
IMPORT = Fields(
    group_id=Integer(
        minimum=1, description="The stakeholder group the responses belong to (one of the wave's)."
    ),
    responses=RowList(
        noun="responses",
        max_rows=imports.MAX_ROWS,
        row=IMPORTED_RESPONSE,
        shape='{"answers": {...}}',
        description=f"The answer sets to store, at most {imports.MAX_ROWS:,}.",
    ),
)
IMPORT_RESULT = component(
    "ImportResult",
    {
        "type": "object",
        "properties": {
            "created": {"type": "integer", "minimum": 1, "description": "Responses stored."},
            "held": {
                "type": "integer",
                "minimum": 0,
                "description": "The group's imported answers still held: imports are published in batches "
                "of at least k of their own, so they never make a group visible on their own below k.",
            },
        },
        "required": ["created", "held"],
        "additionalProperties": False,
    },
)


@bp.post("/waves/<id:wave_id>/responses")
@operation(
    summary="Import responses collected elsewhere into a wave",
    tag=TAG,
    body=IMPORT.schema(),
    responses={201: IMPORT_RESULT},
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
    values = read_body(IMPORT)
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
