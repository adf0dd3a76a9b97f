"""JSON answers for API views, and the API's own error handlers (rule violations, write conflicts)."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify
from sqlalchemy.exc import IntegrityError
from werkzeug.routing import BaseConverter

from ..errors import error_response
from ..extensions import db
from ..validation import ValidationFailed
from . import bp
from .fields import MAX_ID


class IdConverter(BaseConverter):
    """`<id:name>` in API routes: a positive whole number of at most ten digits, else the route does not match.

    Ids beyond what an integer column holds become 0, which no record has, so they answer 404 after
    authentication like any unknown id (refusing them here would make werkzeug answer 405, and passing them
    on would make PostgreSQL fail with "integer out of range").
    """

    regex = r"[1-9][0-9]{0,9}"
    part_isolating = True
    weight = 50

    def to_python(self, value: str) -> int:
        number = int(value)
        return number if number <= MAX_ID else 0

    def to_url(self, value: object) -> str:
        return str(int(value))  # type: ignore[call-overload]


def json_response(obj: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    """`obj` as a JSON answer with this status (and headers, e.g. Location)."""
    response = jsonify(obj)
    response.status_code = status
    response.headers.update(headers or {})
    return response


def created(obj: dict) -> Response:
    """201 with the new record, and its own `url` as where to read it."""
    return json_response(obj, 201, {"Location": obj["url"]})


def no_content() -> Response:
    return Response(status=204)


@bp.errorhandler(ValidationFailed)
def _invalid(exc: ValidationFailed):
    db.session.rollback()
    count = len(exc.problems)
    message = f"Nothing was saved: the request has {count} problem{'s' if count != 1 else ''}."
    return error_response(400, message, problems=[p.as_dict() for p in exc.problems])


@bp.errorhandler(IntegrityError)
def _conflict(exc: IntegrityError):
    db.session.rollback()
    return error_response(
        409, "Another change got there first; nothing was saved. Read the record again and retry."
    )


def _register_converter(state) -> None:
    state.app.url_map.converters.setdefault("id", IdConverter)


bp.record_once(_register_converter)
