"""Reading JSON request bodies with their pydantic declarations (adkar.api.schemas).

Every problem in a body is reported at once (HTTP 400 with `problems`), and unknown fields are refused so a
misspelt field never silently does nothing.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, TypeVar

import orjson
from flask import request
from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails
from werkzeug.exceptions import UnsupportedMediaType

from ..validation import Problem, ValidationFailed
from .fields import ERROR_TYPE, MAX_ID
from .schemas.base import Body, Changes, Query

__all__ = ["MAX_ID", "json_object", "problems_of", "read_body", "read_changes", "read_query"]

M = TypeVar("M", bound=BaseModel)
Q = TypeVar("Q", bound=Query)

_MESSAGES = {"missing": "This field is required.", "extra_forbidden": "Unknown field."}


def json_object() -> dict:
    """The request body as a JSON object: 415 unless sent as JSON, 400 unless it parses to an object."""
    if not request.is_json:
        raise UnsupportedMediaType("Send the request body as JSON, with Content-Type: application/json.")
    try:
        # orjson: strict JSON (no NaN or Infinity, valid UTF-8 only; integers past 64 bits become floats,
        # which every integer field refuses), three times faster than the standard library on big imports.
        body = orjson.loads(request.get_data(cache=True))
    except orjson.JSONDecodeError as exc:  # a json.JSONDecodeError, with its msg
        raise ValidationFailed([Problem(f"The body is not valid JSON: {_reason(exc)}")]) from exc
    if not isinstance(body, dict):
        raise ValidationFailed([Problem(f"The body must be a JSON object, not {_json_kind(body)}.")])
    return body


def convert(model: type[M], data: dict) -> M:
    """`data` read with `model`: ValidationFailed with every problem (unknown fields first) otherwise."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise ValidationFailed(problems_of(exc)) from None


def read_body(model: type[Body]) -> dict[str, Any]:
    """The cleaned values of the request body, defaults filled in (the usual case in a view)."""
    values = convert(model, json_object())
    return {name: getattr(values, name) for name in type(values).model_fields}


def read_changes(model: type[Changes], record: object, **stored: Any) -> dict[str, Any]:
    """Every field after a PATCH: the body's value where one is sent, the record's otherwise, so services
    always receive a whole record. `stored` gives the values not held in an attribute of the field's name."""
    body = json_object()
    values = convert(model, body)
    if not body:
        raise ValidationFailed([Problem(f"Send at least one of: {', '.join(model.model_fields)}.")])
    current = {name: stored[name] if name in stored else getattr(record, name) for name in model.model_fields}
    return current | {name: getattr(values, name) for name in values.model_fields_set}


def read_query(model: type[Q]) -> Q:
    """The request's query parameters read with `model` (one value each; unknown ones ignored)."""
    return convert(model, request.args.to_dict())


def problems_of(exc: ValidationError) -> list[Problem]:
    """pydantic's errors as problems: the kinds' own messages, unknown fields first, then in field order."""
    errors = sorted(exc.errors(), key=lambda error: error["type"] != "extra_forbidden")
    return [Problem(_message(error), field=_field(error["loc"]) or None) for error in errors]


def _message(error: ErrorDetails) -> str:
    if error["type"] == ERROR_TYPE:
        return error["msg"]
    return _MESSAGES.get(error["type"], error["msg"])


def _field(loc: tuple[int | str, ...]) -> str:
    """A location as a JSON path: `records[3].state`."""
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else part)
    return path


def _reason(exc: ValueError) -> str:
    return exc.msg if isinstance(exc, json.JSONDecodeError) else str(exc)


def _json_kind(value: object) -> str:
    kinds: Sequence[tuple[type | tuple[type, ...], str]] = (
        (list, "an array"),
        (str, "a string"),
        (bool, "a boolean"),
        ((int, float), "a number"),
    )
    for kind, label in kinds:
        if isinstance(value, kind):
            return label
    return "null"
