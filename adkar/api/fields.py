"""The value kinds of API bodies, as pydantic annotations: `name: Annotated[str, Text(max_length=200)]`.

Each kind converts one JSON value (refusing anything else with a message a client can act on) and states its
JSON schema, so the pydantic models in `schemas/` are the one declaration of every field: pydantic reads a
body with them and the OpenAPI document is generated from them. The rules themselves stay in the services.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from pydantic import BaseModel, GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic_core import CoreSchema, PydanticCustomError, core_schema

from ..elements import ELEMENTS

MAX_ID = 2**31 - 1  # the largest id a database integer column holds on every engine
ERROR_TYPE = "adkar_value"  # the pydantic error type of every refusal below; its message is the client's
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})")
_DIGITS = re.compile(r"[0-9]{1,10}")
_LINE_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_TEXT_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def refuse(message: str) -> PydanticCustomError:
    """The error a kind raises; the message is shown to the client next to the field name."""
    return PydanticCustomError(ERROR_TYPE, "{message}", {"message": message})


class Kind:
    """A value kind: `convert` returns the cleaned value or raises `refuse(...)`; `schema` documents it."""

    def convert(self, value: Any) -> Any:  # pragma: no cover - every kind overrides it
        raise NotImplementedError

    def schema(self) -> dict:  # pragma: no cover - every kind overrides it
        raise NotImplementedError

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        return core_schema.no_info_plain_validator_function(self.convert)

    def __get_pydantic_json_schema__(self, schema: CoreSchema, handler: GetJsonSchemaHandler) -> dict:
        return self.schema()


@dataclass(frozen=True)
class Text(Kind):
    """Text, trimmed; one line unless `multiline`; blank refused unless `blank`."""

    max_length: int = 200
    blank: bool = False
    multiline: bool = False
    pattern: str | None = None
    """Documents a stricter shape that the service checks (e.g. a change number), in place of the default."""

    def convert(self, value: Any) -> str:
        if not isinstance(value, str):
            raise refuse("Expected text (a JSON string).")
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise refuse("The text is not valid Unicode.") from exc
        if (_TEXT_CONTROL if self.multiline else _LINE_CONTROL).search(value):
            raise refuse("The text contains control characters.")
        value = value.strip()
        if not value and not self.blank:
            raise refuse("Must not be blank.")
        if len(value) > self.max_length:
            raise refuse(f"At most {self.max_length:,} characters, got {len(value):,}.")
        return value

    def schema(self) -> dict:
        allowed = r"[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]" if self.multiline else r"[^\x00-\x1f\x7f]"
        visible = r"[^\s\x00-\x1f\x7f]"
        pattern = f"^{allowed}*$" if self.blank else f"^{allowed}*{visible}{allowed}*$"
        schema: dict = {"type": "string", "maxLength": self.max_length, "pattern": self.pattern or pattern}
        if not self.blank:
            schema["minLength"] = 1
        return schema


@dataclass(frozen=True)
class Email(Text):
    """An email address, trimmed and lower-cased (the accounts service finds the user)."""

    max_length: int = 254

    def convert(self, value: Any) -> str:
        value = super().convert(value).lower()
        local, at, domain = value.partition("@")
        if not at or not local or not domain or " " in value:
            raise refuse("Expected an email address.")
        return value

    def schema(self) -> dict:
        return {"type": "string", "format": "email", "maxLength": self.max_length}


@dataclass(frozen=True)
class Day(Kind):
    """A calendar date written YYYY-MM-DD (nothing else: no times, no numbers)."""

    def convert(self, value: Any) -> date:
        if not isinstance(value, str) or not _DATE.fullmatch(value):
            raise refuse("Expected a date written YYYY-MM-DD.")
        try:
            return date.fromisoformat(value)
        except ValueError as exc:
            raise refuse(f"{value} is not a date in the calendar.") from exc

    def schema(self) -> dict:
        return {"type": "string", "format": "date"}


@dataclass(frozen=True)
class OptionalMoment(Kind):
    """A moment written ISO 8601 with its offset (2026-12-20T22:00:00Z), stored as UTC; or null for none."""

    def convert(self, value: Any) -> datetime | None:
        if value is None:
            return None
        if not isinstance(value, str) or not _MOMENT.fullmatch(value):
            raise refuse("Expected a date and time with its offset, e.g. 2026-12-20T22:00:00Z, or null.")
        try:
            moment = datetime.fromisoformat(value)
        except ValueError as exc:
            raise refuse(f"{value} is not a moment in the calendar.") from exc
        return moment.astimezone(UTC).replace(tzinfo=None)

    def schema(self) -> dict:
        return {"anyOf": [{"type": "string", "format": "date-time"}, {"type": "null"}]}


@dataclass(frozen=True)
class Whole(Kind):
    """A whole number in [minimum, maximum] (true, 2.0 and "3" are refused)."""

    minimum: int = 0
    maximum: int = MAX_ID

    def convert(self, value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise refuse("Expected a whole number.")
        if not self.minimum <= value <= self.maximum:
            raise refuse(f"Must be between {self.minimum:,} and {self.maximum:,}.")
        return value

    def schema(self) -> dict:
        return {"type": "integer", "minimum": self.minimum, "maximum": self.maximum}


_ID = Whole(minimum=1)


@dataclass(frozen=True)
class OptionalId(Kind):
    """An id, or null for none."""

    def convert(self, value: Any) -> int | None:
        return None if value is None else _ID.convert(value)

    def schema(self) -> dict:
        return {"anyOf": [_ID.schema(), {"type": "null"}]}


@dataclass(frozen=True)
class Share(Kind):
    """A fraction above 0 and at most 1 (0.8 means 80%)."""

    def convert(self, value: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            raise refuse("Expected a number.")
        if not 0 < value <= 1:
            raise refuse("Must be a share above 0 and at most 1 (0.8 means 80%).")
        return float(value)

    def schema(self) -> dict:
        return {"type": "number", "exclusiveMinimum": 0, "maximum": 1}


@dataclass(frozen=True)
class Number(Kind):
    """A finite number within ±`limit` (true and "3" are refused); null too when `nullable`."""

    limit: float = 1e12
    nullable: bool = False

    def convert(self, value: Any) -> float | None:
        if value is None and self.nullable:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            raise refuse("Expected a number.")
        if abs(value) > self.limit:
            raise refuse(f"Must be between {-self.limit:g} and {self.limit:g}.")
        return float(value)

    def schema(self) -> dict:
        number = {"type": "number", "minimum": -self.limit, "maximum": self.limit}
        return {"anyOf": [number, {"type": "null"}]} if self.nullable else number


@dataclass(frozen=True)
class OptionalDay(Kind):
    """A date written YYYY-MM-DD, or null for none."""

    def convert(self, value: Any) -> date | None:
        return None if value is None else Day().convert(value)

    def schema(self) -> dict:
        return {"anyOf": [Day().schema(), {"type": "null"}]}


@dataclass(frozen=True)
class Flag(Kind):
    def convert(self, value: Any) -> bool:
        if not isinstance(value, bool):
            raise refuse("Expected true or false.")
        return value

    def schema(self) -> dict:
        return {"type": "boolean"}


@dataclass(frozen=True)
class OneOf(Kind):
    """One of a fixed set of words; also documents answers (`state: Annotated[str, OneOf(STATES)]`)."""

    choices: tuple[str, ...] = ()

    def convert(self, value: Any) -> str:
        if not isinstance(value, str) or value not in self.choices:
            raise refuse(f"Expected one of: {', '.join(self.choices)}.")
        return value

    def schema(self) -> dict:
        return {"type": "string", "enum": list(self.choices)}


ELEMENT = OneOf(ELEMENTS)
"""An ADKAR element name, in the one spelling adkar.elements defines."""


@dataclass(frozen=True)
class Ids(Kind):
    """A list of record ids, duplicates dropped, order kept."""

    max_items: int = 1000

    def convert(self, value: Any) -> list[int]:
        if not isinstance(value, list):
            raise refuse("Expected a list of ids.")
        if len(value) > self.max_items:
            raise refuse(f"At most {self.max_items:,} ids.")
        for item in value:
            if isinstance(item, bool) or not isinstance(item, int) or not 1 <= item <= MAX_ID:
                raise refuse(f"Expected ids (whole numbers from 1), got {json.dumps(item)}.")
        return list(dict.fromkeys(value))

    def schema(self) -> dict:
        return {
            "type": "array",
            "items": {"type": "integer", "minimum": 1, "maximum": MAX_ID},
            "maxItems": self.max_items,
        }


@dataclass(frozen=True)
class IdText(Kind):
    """An id written in a query string: digits only, from 1 to MAX_ID."""

    def convert(self, value: Any) -> int:
        if not isinstance(value, str) or not _DIGITS.fullmatch(value) or not 1 <= int(value) <= MAX_ID:
            raise refuse("Expected an id (a whole number from 1).")
        return int(value)

    def schema(self) -> dict:
        return _ID.schema()


@dataclass(frozen=True)
class Rows(Kind):
    """From 1 to `max_rows` rows of a bulk body, each documented by the `row` model.

    Only the list is checked here; rows.py checks each row's shape and the service its values, so a client
    hears about every row at once. `shape` shows a row in messages.
    """

    row: type[BaseModel]
    noun: str
    max_rows: int
    shape: str = ""
    min_rows: int = 1
    """0 where an empty list means something (a roster replaced by nobody)."""

    def convert(self, value: Any) -> list:
        if not isinstance(value, list):
            raise refuse(f"Expected a list of {self.noun}" + (f", each {self.shape}." if self.shape else "."))
        if not self.min_rows <= len(value) <= self.max_rows:
            raise refuse(f"Send from {self.min_rows} to {self.max_rows:,} {self.noun} per request.")
        return value

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        documented = handler.generate_schema(list[self.row])  # type: ignore[name-defined]
        return core_schema.no_info_plain_validator_function(self.convert, json_schema_input_schema=documented)

    def __get_pydantic_json_schema__(self, schema: CoreSchema, handler: GetJsonSchemaHandler) -> dict:
        return {**handler(schema), "minItems": self.min_rows, "maxItems": self.max_rows}


@dataclass(frozen=True)
class TextMap(Kind):
    """An object of names to one-line texts (a person's attributes): at most `max_items`, names and values
    within their lengths. The service says which names it accepts."""

    max_items: int = 20
    key_max: int = 60
    value_max: int = 200

    def convert(self, value: Any) -> dict[str, str]:
        if not isinstance(value, dict):
            raise refuse("Expected an object of names to texts.")
        if len(value) > self.max_items:
            raise refuse(f"At most {self.max_items} names.")
        clean = {}
        for key, text in value.items():
            if not 1 <= len(key) <= self.key_max:
                raise refuse(f"Each name has 1 to {self.key_max} characters.")
            if not isinstance(text, str) or _LINE_CONTROL.search(text) or len(text) > self.value_max:
                raise refuse(
                    f"The value of {json.dumps(key)} must be one line of text of at most {self.value_max} characters."
                )
            clean[key] = text
        return clean

    def schema(self) -> dict:
        return {
            "type": "object",
            "additionalProperties": {"type": "string", "maxLength": self.value_max},
            "propertyNames": {"minLength": 1, "maxLength": self.key_max},
            "maxProperties": self.max_items,
        }
