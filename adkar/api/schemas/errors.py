"""The one shape of every 4xx and 5xx answer of the API (adkar.errors.error_response writes it)."""

from __future__ import annotations

from .base import Answer, absent


class Problem(Answer):
    """One thing wrong with the request: a body field, or a row and column of an upload."""

    message: str
    field: str = absent()
    row: int = absent()
    column: str = absent()


class ErrorDetail(Answer):
    status: int
    message: str
    problems: list[Problem] = absent()


class Error(Answer):
    """Every 4xx and 5xx answer of the API has this shape; nothing was stored."""

    error: ErrorDetail
