"""The one rule for dates people enter, on pages, through the API and in imports: 2000-01-01 to 2100-12-31.

Outside that window date arithmetic overflows (a template milestone 120 days before 0001-01-01, a chart's
axis padded past 9999-12-31) and every page of the initiative failed for everyone. The services check it,
so forms, the API and imports refuse the same dates with the same message; forms check it too, to show it
beside the field before anything else runs.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from .validation import Problem, ValidationFailed

EARLIEST, LATEST = date(2000, 1, 1), date(2100, 12, 31)
MESSAGE = f"Choose a date between {EARLIEST.year} and {LATEST.year}."


def is_plausible(value: date) -> bool:
    return EARLIEST <= value <= LATEST


def date_problem(value: Any, field: str | None, *, row: int | None = None) -> Problem | None:
    """A Problem naming the field (and row) when `value` is a date outside the window; None otherwise
    (whether a value is a date at all is the caller's rule)."""
    if isinstance(value, date) and not is_plausible(value):
        return Problem(MESSAGE, field=field, row=row)
    return None


def check_dates(**dates: Any) -> None:
    """Raise ValidationFailed naming every field whose date is outside the window."""
    problems = [p for name, value in dates.items() if (p := date_problem(value, name)) is not None]
    if problems:
        raise ValidationFailed(problems)
