"""Cursor pagination of API collections: `?limit=N` items at a time, and `next`, the URL of the page after.

The cursor is opaque to clients (base64url of the last item's sort key) and keyset-based: each page is one
indexed range read whatever the collection's size, and an item added or deleted between pages neither
repeats nor skips the others. A cursor only narrows the collection's own query, so it can never reach a
record the token's user could not list anyway; a damaged one is refused with a 400.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from flask import Response, request, url_for
from sqlalchemy import Select, and_, or_
from sqlalchemy.orm import InstrumentedAttribute

from ..extensions import db
from ..validation import ValidationFailed
from .http import json_response
from .payload import read_query
from .schemas.base import Page

BAD_CURSOR = "The cursor is not one this collection gave out; start again without it."


def paged(query: Select, keys: Sequence[InstrumentedAttribute], to_json: Callable[[Any], dict]) -> Response:
    """One page of `query`'s records in the order of `keys` (unique together: the last is an id column)."""
    page = read_query(Page)
    if page.cursor:
        query = query.where(_after(keys, decode(page.cursor, keys)))
    records = db.session.scalars(query.order_by(None).order_by(*keys).limit(page.limit + 1)).all()
    more = len(records) > page.limit
    records = records[: page.limit]
    following = None
    if more:
        cursor = encode([getattr(records[-1], key.key) for key in keys])
        args = {**(request.view_args or {}), **request.args.to_dict(), "limit": page.limit, "cursor": cursor}
        assert request.endpoint is not None
        following = url_for(request.endpoint, **args)
    return json_response({"items": [to_json(r) for r in records], "next": following})


def encode(values: Sequence[Any]) -> str:
    plain = [v.isoformat() if isinstance(v, date) else v for v in values]
    return base64.urlsafe_b64encode(json.dumps(plain, separators=(",", ":")).encode()).decode().rstrip("=")


def decode(cursor: str, keys: Sequence[InstrumentedAttribute]) -> list[Any]:
    try:
        plain = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if not isinstance(plain, list) or len(plain) != len(keys):
            raise ValueError(cursor)
        return [_typed(key, value) for key, value in zip(keys, plain, strict=True)]
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
        raise ValidationFailed.one(BAD_CURSOR, field="cursor") from None


def _typed(key: InstrumentedAttribute, value: Any) -> Any:
    python_type = key.type.python_type
    if python_type is date and isinstance(value, str):
        return date.fromisoformat(value)
    if python_type is int and isinstance(value, int) and not isinstance(value, bool):
        return value
    if python_type is str and isinstance(value, str):
        return value
    raise ValueError(value)


def _after(keys: Sequence[InstrumentedAttribute], values: Sequence[Any]):
    """Rows after `values` in the keys' order: (a > x) or (a = x and b > y) ..., which both engines index."""
    clauses = []
    for index, key in enumerate(keys):
        equal = [keys[i] == values[i] for i in range(index)]
        clauses.append(and_(*equal, key > values[index]))
    return or_(*clauses)
