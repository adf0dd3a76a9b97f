"""Field rules of KPIs, measurements and benefits (forms, CSV and, later, the API all end here)."""

from __future__ import annotations

import math
from datetime import date
from typing import Any

from .. import dates
from ..validation import Problem

# Large enough for any money or count an initiative reports, small enough to stay exact in a float.
NUMBER_LIMIT = 1e12


def text_problem(
    value: Any, field: str, *, label: str, max_length: int, required: bool = False, row: int | None = None
) -> Problem | None:
    """None when `value` is text of the right length (after trimming)."""
    if not isinstance(value, str):
        return Problem(f"{label} must be text.", field=field, row=row)
    if required and not value.strip():
        return Problem(f"{label} is required.", field=field, row=row)
    if len(value.strip()) > max_length:
        return Problem(f"{label} is longer than {max_length:,} characters.", field=field, row=row)
    return None


def number_problem(
    value: Any, field: str, *, label: str, required: bool = True, row: int | None = None
) -> Problem | None:
    """None for a finite number within ±NUMBER_LIMIT (or None when not required); booleans are no numbers."""
    if value is None and not required:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        return Problem(f"{label} must be a number.", field=field, row=row)
    if not math.isfinite(value) or abs(value) > NUMBER_LIMIT:
        return Problem(f"{label} must be a number between -10¹² and 10¹².", field=field, row=row)
    return None


def optional_date_problem(value: Any, field: str, *, label: str) -> Problem | None:
    if value is None:
        return None
    if not isinstance(value, date):
        return Problem(f"{label} must be a date (YYYY-MM-DD).", field=field)
    return dates.date_problem(value, field)


def collect(*found: Problem | None) -> list[Problem]:
    return [p for p in found if p is not None]
