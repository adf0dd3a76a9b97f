"""One clock for the app, so defaults are evaluated per row and tests can reason about 'today'."""

from __future__ import annotations

from datetime import UTC, date, datetime


def utc_now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def today() -> date:
    return utc_now().date()
