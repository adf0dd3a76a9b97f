"""The shapes every record endpoint of the API shares, so each resource states only what is its own.

A record is found through its initiative (404 when not visible, 403 for a change without the right), and
create/change/delete are documented the same way everywhere.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from flask import Response

from ..access import OWN_INITIATIVE, load_record
from .auth import api_user
from .http import json_response
from .openapi import operation
from .schemas.base import Answer, Body, Changes

R = TypeVar("R")
F = TypeVar("F", bound=Callable[..., Any])
WRITE_ERRORS = (403,)


def api_record(
    model: type[R], record_id: int, *, write: bool = False, initiative_of: Callable[[R], int] = OWN_INITIATIVE
) -> R:
    """The record when its initiative is visible to the token's user (404 otherwise; 403 for a change without
    the right)."""
    return load_record(api_user(), model, record_id, write=write, initiative_of=initiative_of)


def items(records: Iterable[R], to_json: Callable[[R], dict]) -> Response:
    """A list answer: {"items": [...]}, an object so fields can be added later."""
    return json_response({"items": [to_json(record) for record in records]})


def create_operation(
    *, summary: str, tag: str, body: type[Body], answer: type[Answer], **extra: Any
) -> Callable[[F], F]:
    """Document a POST that takes the whole body and answers 201 with the new record."""
    return operation(
        summary=summary,
        tag=tag,
        body=body,
        responses={201: answer},
        errors=WRITE_ERRORS,
        **extra,
    )


def update_operation(
    *, summary: str, tag: str, body: type[Changes], answer: type[Answer], **extra: Any
) -> Callable[[F], F]:
    """Document a PATCH that takes any of the fields and answers the changed record."""
    return operation(
        summary=summary,
        tag=tag,
        body=body,
        responses={200: answer},
        errors=WRITE_ERRORS,
        **extra,
    )


def delete_operation(*, summary: str, tag: str, **extra: Any) -> Callable[[F], F]:
    """Document a DELETE that answers 204 with no body."""
    return operation(summary=summary, tag=tag, responses={204: None}, errors=WRITE_ERRORS, **extra)
