"""Keyset cursors for lists that page: the last row's sort key, base64url-encoded so clients treat it as
opaque, and the WHERE clause of the rows after it. Each page is then one indexed range read whatever the
list's length, and rows added or deleted between pages neither repeat nor skip the others. A cursor only
narrows a list's own query, so it can never reach a row its reader could not list anyway."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, or_
from sqlalchemy.orm import InstrumentedAttribute


class BadCursor(ValueError):
    """A cursor this app did not give out (damaged, or for another list)."""


def encode(values: Sequence[Any]) -> str:
    plain = [v.isoformat() if isinstance(v, date) else v for v in values]
    return base64.urlsafe_b64encode(json.dumps(plain, separators=(",", ":")).encode()).decode().rstrip("=")


def cursor_of(record: Any, keys: Sequence[InstrumentedAttribute]) -> str:
    return encode([getattr(record, key.key) for key in keys])


def decode(cursor: str, keys: Sequence[InstrumentedAttribute]) -> list[Any]:
    """The key values a cursor holds, typed as the keys' columns; BadCursor otherwise."""
    try:
        plain = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if not isinstance(plain, list) or len(plain) != len(keys):
            raise ValueError(cursor)
        return [_typed(key, value) for key, value in zip(keys, plain, strict=True)]
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
        raise BadCursor(cursor) from None


def _typed(key: InstrumentedAttribute, value: Any) -> Any:
    python_type = key.type.python_type
    if python_type is datetime and isinstance(value, str):
        return datetime.fromisoformat(value)
    if python_type is date and isinstance(value, str):
        return date.fromisoformat(value)
    if python_type is int and isinstance(value, int) and not isinstance(value, bool):
        return value
    if python_type is str and isinstance(value, str):
        return value
    raise ValueError(value)


def beyond(keys: Sequence[InstrumentedAttribute], values: Sequence[Any], *, descending: bool = False):
    """Rows after `values` in the keys' order (before them when `descending`): (a > x) or (a = x and b > y)
    ..., a form both SQLite and PostgreSQL answer from the index."""
    clauses = []
    for index, key in enumerate(keys):
        equal = [keys[i] == values[i] for i in range(index)]
        step = key < values[index] if descending else key > values[index]
        clauses.append(and_(*equal, step))
    return or_(*clauses)
