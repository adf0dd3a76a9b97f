"""Reading usage figures from an uploaded CSV: group (name or id), date, active users.

Every problem of the file is reported at once, by row and column; the service then stores all or nothing.
"""

from __future__ import annotations

from datetime import date
from typing import IO

from .. import csvio
from ..plan.models import Initiative
from ..validation import Problem, ValidationFailed
from .services import MAX_FIGURES

COLUMNS = (
    ("group", "The stakeholder group's name (as on the plan page, any case) or its id."),
    ("date", "The day the figure describes, written YYYY-MM-DD (e.g. 2026-03-31); not in the future."),
    (
        "active_users",
        "People of the group who actively used the new system: a whole number from 0 to the group's headcount.",
    ),
)
FIELD_COLUMNS = {"group_id": "group", "date": "date", "active_users": "active_users"}


def example_csv(initiative: Initiative) -> bytes:
    names = [g.name for g in initiative.groups[:2]] or ["Service desk agents"]
    rows = [(name, day, active) for day, active in (("2026-03-02", 12), ("2026-03-09", 31)) for name in names]
    return csvio.write_csv([c for c, _ in COLUMNS], rows)


def parse_usage_csv(upload: bytes | IO[bytes], initiative: Initiative) -> list[dict]:
    """Rows for `services.import_figures`; ValidationFailed with every shape problem of the file."""
    records = csvio.read_csv(upload, required=[c for c, _ in COLUMNS], max_rows=MAX_FIGURES)
    by_name = {g.name.strip().casefold(): g.id for g in initiative.groups}
    ids = {g.id for g in initiative.groups}
    problems: list[Problem] = []
    rows = []
    for record in records:
        row = record["row"]
        group_id = csvio.name_or_id(record["group"], by_name, ids)
        if group_id is None:
            message = (
                f"No group “{record['group']}” in this initiative."
                if record["group"]
                else "The group is required."
            )
            problems.append(Problem(message, row=row, column="group"))
        day = csvio.iso_day(record["date"])
        if day is None:
            problems.append(
                Problem(f"“{record['date']}” is not a date written YYYY-MM-DD.", row=row, column="date")
            )
        active = csvio.whole_number(record["active_users"])
        if active is None:
            text = record["active_users"]
            message = (
                f"“{text}” is not a whole number." if text else "The number of active users is required."
            )
            problems.append(Problem(message, row=row, column="active_users"))
        rows.append({"row": row, "group_id": group_id, "day": day, "active_users": active})
    if problems:
        raise ValidationFailed(problems)
    return rows

    try:
        return date.fromisoformat(text)
    except ValueError:
        return None
