"""Bulk bodies: a list of row objects stored all or nothing, whose problems name the row, column and JSON path.

The list is checked as one field (fields.Rows); each row's shape here afterwards, and the values by the
service, so a client hears about every row at once.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from pydantic import BaseModel
from pydantic_core import PydanticCustomError

from ..validation import Problem, ValidationFailed
from .fields import Kind


def row_shape_problems(
    item: Any,
    *,
    index: int,
    path: str,
    keys: Sequence[str],
    expected: str = "Expected an object.",
    required: bool = False,
) -> list[Problem]:
    """What is wrong with the shape of row `index` at `path`: not an object, unknown keys, missing keys."""
    if not isinstance(item, dict):
        return [Problem(expected, field=path, row=index)]
    problems = [
        Problem("Unknown field.", field=f"{path}.{key}", row=index, column=key)
        for key in sorted(set(item) - set(keys))
    ]
    if required:
        problems += [
            Problem("This field is required.", field=f"{path}.{key}", row=index, column=key)
            for key in keys
            if key not in item
        ]
    return problems


def row_value(
    row: type[BaseModel], item: dict, key: str, *, index: int, path: str
) -> tuple[Any, list[Problem]]:
    """`item[key]` converted by the kind the row model declares for it: (value, []) or (None, [its problem])."""
    kind = next(m for m in row.model_fields[key].metadata if isinstance(m, Kind))
    try:
        return kind.convert(item[key]), []
    except PydanticCustomError as exc:
        return None, [Problem(exc.message(), field=f"{path}.{key}", row=index, column=key)]


@contextmanager
def problems_at_json_paths(list_name: str) -> Iterator[None]:
    """Service problems name a row's field; here they name its JSON path in the body (`records[3].state`),
    with the field as the column beside it."""
    try:
        yield
    except ValidationFailed as exc:
        for problem in exc.problems:
            if problem.row is not None and problem.field and not problem.field.startswith(f"{list_name}["):
                problem.column = problem.field
                problem.field = f"{list_name}[{problem.row}].{problem.field}"
        raise exc from None
