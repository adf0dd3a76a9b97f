"""Cursor pagination of API collections: `?limit=N` items at a time, and `next`, the URL of the page after.

The cursor is opaque to clients and keyset-based (adkar.keyset): the last item's sort key, so each page is
one indexed range read and nothing repeats or is skipped between pages; a damaged one is refused with a 400.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from flask import Response, request, url_for
from sqlalchemy import Select
from sqlalchemy.orm import InstrumentedAttribute

from .. import keyset
from ..extensions import db
from ..validation import ValidationFailed
from .http import json_response
from .payload import read_query
from .schemas.base import DEFAULT_PAGE, MAX_PAGE, Page

PAGED = (
    f"Cursor-paginated: `?limit=N` (1 to {MAX_PAGE}, default {DEFAULT_PAGE}); `next` is the URL of the page "
    "after, null on the last page."
)
BAD_CURSOR = "The cursor is not one this collection gave out; start again without it."


def paged(query: Select, keys: Sequence[InstrumentedAttribute], to_json: Callable[[Any], dict]) -> Response:
    """One page of `query`'s records in the order of `keys` (unique together: the last is an id column)."""
    page = read_query(Page)
    if page.cursor:
        try:
            query = query.where(keyset.beyond(keys, keyset.decode(page.cursor, keys)))
        except keyset.BadCursor:
            raise ValidationFailed.one(BAD_CURSOR, field="cursor") from None
    records = db.session.scalars(query.order_by(None).order_by(*keys).limit(page.limit + 1)).all()
    more = len(records) > page.limit
    records = records[: page.limit]
    following = None
    if more:
        cursor = keyset.cursor_of(records[-1], keys)
        args = {**(request.view_args or {}), **request.args.to_dict(), "limit": page.limit, "cursor": cursor}
        assert request.endpoint is not None
        following = url_for(request.endpoint, **args)
    return json_response({"items": [to_json(r) for r in records], "next": following})
