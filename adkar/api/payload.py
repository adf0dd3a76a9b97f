"""Reading JSON request bodies: one declaration per body gives both the checks and the OpenAPI schema.

Every problem in a body is reported at once (HTTP 400 with `problems`), and unknown fields are refused so a
misspelt field never silently does nothing.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import orjson
from flask import request
from werkzeug.exceptions import UnsupportedMediaType

from ..elements import ELEMENTS
from ..validation import Problem, ValidationFailed

MAX_ID = 2**31 - 1  # the largest id a database integer column holds on every engine
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_LINE_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_TEXT_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class FieldError(ValueError):
    """A value does not fit its field; the message is shown to the client next to the field name."""


class _Required:
    def __repr__(self) -> str:
        return "REQUIRED"


REQUIRED: Any = _Required()


@dataclass(frozen=True, kw_only=True)
class Field:
    """One field of a JSON body: `check` returns the cleaned value or raises FieldError."""

    description: str = ""
    default: Any = REQUIRED

    @property
    def required(self) -> bool:
        return self.default is REQUIRED

    def check(self, value: Any) -> Any:  # pragma: no cover - every subclass overrides it
        raise NotImplementedError

    def schema(self) -> dict:  # pragma: no cover - every subclass overrides it
        raise NotImplementedError

    def documented(self) -> dict:
        schema = self.schema()
        if self.description:
            schema["description"] = self.description
        if not self.required and self.default is not None:
            schema["default"] = self.default.isoformat() if isinstance(self.default, date) else self.default
        return schema


@dataclass(frozen=True, kw_only=True)
class String(Field):
    """Text, trimmed; one line unless `multiline`; blank refused unless `blank`."""

    max_length: int = 200
    blank: bool = False
    multiline: bool = False
    pattern: str | None = None
    """Documents a stricter shape that the service checks (e.g. a change number), in place of the default."""

    def check(self, value: Any) -> str:
        if not isinstance(value, str):
            raise FieldError("Expected text (a JSON string).")
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise FieldError("The text is not valid Unicode.") from exc
        if (_TEXT_CONTROL if self.multiline else _LINE_CONTROL).search(value):
            raise FieldError("The text contains control characters.")
        value = value.strip()
        if not value and not self.blank:
            raise FieldError("Must not be blank.")
        if len(value) > self.max_length:
            raise FieldError(f"At most {self.max_length:,} characters, got {len(value):,}.")
        return value

    def schema(self) -> dict:
        allowed = r"[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]" if self.multiline else r"[^\x00-\x1f\x7f]"
        visible = r"[^\s\x00-\x1f\x7f]"
        pattern = f"^{allowed}*$" if self.blank else f"^{allowed}*{visible}{allowed}*$"
        schema: dict = {"type": "string", "maxLength": self.max_length, "pattern": self.pattern or pattern}
        if not self.blank:
            schema["minLength"] = 1
        return schema


@dataclass(frozen=True, kw_only=True)
class Email(String):
    max_length: int = 254

    def check(self, value: Any) -> str:
        value = super().check(value).lower()
        local, at, domain = value.partition("@")
        if not at or not local or not domain or " " in value:
            raise FieldError("Expected an email address.")
        return value

    def schema(self) -> dict:
        return {"type": "string", "format": "email", "maxLength": self.max_length}


@dataclass(frozen=True, kw_only=True)
class Date(Field):
    """A calendar date written YYYY-MM-DD."""

    def check(self, value: Any) -> date:
        if not isinstance(value, str) or not _DATE.fullmatch(value):
            raise FieldError("Expected a date written YYYY-MM-DD.")
        try:
            return date.fromisoformat(value)
        except ValueError as exc:
            raise FieldError(f"{value} is not a date in the calendar.") from exc

    def schema(self) -> dict:
        return {"type": "string", "format": "date"}


@dataclass(frozen=True, kw_only=True)
class Integer(Field):
    minimum: int = 0
    maximum: int = MAX_ID

    def check(self, value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise FieldError("Expected a whole number.")
        if not self.minimum <= value <= self.maximum:
            raise FieldError(f"Must be between {self.minimum:,} and {self.maximum:,}.")
        return value

    def schema(self) -> dict:
        return {"type": "integer", "minimum": self.minimum, "maximum": self.maximum}


@dataclass(frozen=True, kw_only=True)
class OptionalId(Integer):
    """An id, or null for none."""

    minimum: int = 1

    def check(self, value: Any) -> int | None:  # type: ignore[override]  # null is this field's one addition to Integer
        return None if value is None else super().check(value)

    def schema(self) -> dict:
        return {"type": ["integer", "null"], "minimum": self.minimum, "maximum": self.maximum}


@dataclass(frozen=True, kw_only=True)
class Share(Field):
    """A fraction above 0 and at most 1 (0.8 means 80%)."""

    def check(self, value: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            raise FieldError("Expected a number.")
        if not 0 < value <= 1:
            raise FieldError("Must be a share above 0 and at most 1 (0.8 means 80%).")
        return float(value)

    def schema(self) -> dict:
        return {"type": "number", "exclusiveMinimum": 0, "maximum": 1}


@dataclass(frozen=True, kw_only=True)
class Boolean(Field):
    def check(self, value: Any) -> bool:
        if not isinstance(value, bool):
            raise FieldError("Expected true or false.")
        return value

    def schema(self) -> dict:
        return {"type": "boolean"}


@dataclass(frozen=True, kw_only=True)
class Choice(Field):
    choices: tuple[str, ...] = ()

    def check(self, value: Any) -> str:
        if not isinstance(value, str) or value not in self.choices:
            raise FieldError(f"Expected one of: {', '.join(self.choices)}.")
        return value

    def schema(self) -> dict:
        return {"type": "string", "enum": list(self.choices)}


@dataclass(frozen=True, kw_only=True)
class Element(Choice):
    """An ADKAR element name, in the one spelling adkar.elements defines."""

    choices: tuple[str, ...] = ELEMENTS


@dataclass(frozen=True, kw_only=True)
class IdList(Field):
    """A list of record ids, duplicates dropped, order kept."""

    max_items: int = 1000

    def check(self, value: Any) -> list[int]:
        if not isinstance(value, list):
            raise FieldError("Expected a list of ids.")
        if len(value) > self.max_items:
            raise FieldError(f"At most {self.max_items:,} ids.")
        for item in value:
            if isinstance(item, bool) or not isinstance(item, int) or not 1 <= item <= MAX_ID:
                raise FieldError(f"Expected ids (whole numbers from 1), got {json.dumps(item)}.")
        return list(dict.fromkeys(value))

    def schema(self) -> dict:
        return {
            "type": "array",
            "items": {"type": "integer", "minimum": 1, "maximum": MAX_ID},
            "maxItems": self.max_items,
        }


class Fields:
    """The fields of one JSON body, read together: `read(body)` or `read(body, partial=True)` for PATCH."""

    def __init__(self, **fields: Field) -> None:
        self.fields = fields

    def read(self, body: dict, *, partial: bool = False) -> dict:
        """Cleaned values; with `partial`, only the fields present (defaults are not filled in)."""
        problems = [Problem("Unknown field.", field=name) for name in body if name not in self.fields]
        values: dict = {}
        for name, spec in self.fields.items():
            if name not in body:
                if partial:
                    continue
                if spec.required:
                    problems.append(Problem("This field is required.", field=name))
                else:
                    values[name] = spec.default
                continue
            try:
                values[name] = spec.check(body[name])
            except FieldError as exc:
                problems.append(Problem(str(exc), field=name))
        if partial and not problems and not body:
            problems.append(Problem(f"Send at least one of: {', '.join(self.fields)}."))
        if problems:
            raise ValidationFailed(problems)
        return values

    def schema(self, *, partial: bool = False) -> dict:
        properties = {name: spec.documented() for name, spec in self.fields.items()}
        if partial:  # absent means "unchanged" here, not "the default"
            properties = {
                name: {k: v for k, v in p.items() if k != "default"} for name, p in properties.items()
            }
        schema: dict = {"type": "object", "properties": properties, "additionalProperties": False}
        required = [name for name, spec in self.fields.items() if spec.required]
        if partial:
            schema["minProperties"] = 1
        elif required:
            schema["required"] = required
        return schema


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


def read_body(fields: Fields, *, partial: bool = False) -> dict:
    """Parse the JSON body and read it with `fields` in one step (the usual case in a view)."""
    return fields.read(json_object(), partial=partial)


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
