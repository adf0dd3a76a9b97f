"""Field rules shared by the action, resistance and library services (forms, CSV and the API all end here)."""

from __future__ import annotations

from datetime import date
from typing import Any

from .. import dates
from ..elements import ELEMENT_LABELS, ELEMENTS
from ..validation import Problem


def text_problem(
    value: Any, field: str, *, label: str, max_length: int, required: bool = True
) -> Problem | None:
    """None when `value` is text of the right length (after trimming)."""
    if not isinstance(value, str):
        return Problem(f"{label} must be text.", field=field)
    if required and not value.strip():
        return Problem(f"{label} is required.", field=field)
    if len(value.strip()) > max_length:
        return Problem(f"{label} is longer than {max_length:,} characters.", field=field)
    return None


def choice_problem(value: Any, field: str, *, label: str, choices: dict[str, str]) -> Problem | None:
    if not isinstance(value, str) or value not in choices:
        return Problem(f"Choose {label}: {', '.join(choices.values())}.", field=field)
    return None


def element_problem(value: Any, field: str = "element") -> Problem | None:
    return choice_problem(
        value, field, label="an ADKAR element", choices={e: ELEMENT_LABELS[e] for e in ELEMENTS}
    )


def date_problem(value: Any, field: str, *, label: str) -> Problem | None:
    if not isinstance(value, date):
        return Problem(f"{label} is required (YYYY-MM-DD).", field=field)
    return dates.date_problem(value, field)


def collect(*found: Problem | None) -> list[Problem]:
    return [p for p in found if p is not None]
