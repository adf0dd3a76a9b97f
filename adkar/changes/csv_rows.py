"""Change records from and to CSV: milestone (name or id), number, type, state, url."""

from __future__ import annotations

from datetime import datetime
from typing import IO

from .. import csvio
from ..plan.models import Initiative, Milestone
from ..validation import Problem, ValidationFailed
from .models import CHANGE_STATE_LABELS, CHANGE_TYPE_LABELS, ChangeRecord
from .services import MAX_ROWS

COLUMNS = (
    ("milestone", True, "The milestone's name as on the plan page (any case), or its id."),
    ("number", True, "The change record's number in your ITSM tool, e.g. CHG0031234."),
    ("type", True, f"One of: {', '.join(CHANGE_TYPE_LABELS)}."),
    ("state", True, f"One of: {', '.join(CHANGE_STATE_LABELS)}."),
    ("url", False, "Optional link to the record, starting with https:// or http://."),
)
FIELD_COLUMNS = {
    "milestone_id": "milestone",
    "number": "number",
    "type": "type",
    "state": "state",
    "url": "url",
}
EXPORT_HEADER = (
    "milestone",
    "milestone_id",
    "due",
    "number",
    "type",
    "state",
    "url",
    "risk",
    "planned_start",
    "planned_end",
    "cab_decision",
    "result",
)


def parse_change_csv(upload: bytes | IO[bytes], initiative: Initiative) -> list[dict]:
    """Rows for `change_records.import_change_records`; ValidationFailed naming rows and columns."""
    records = csvio.read_csv(
        upload,
        required=[c for c, needed, _ in COLUMNS if needed],
        optional=[c for c, needed, _ in COLUMNS if not needed],
        max_rows=MAX_ROWS,
    )
    problems: list[Problem] = []
    rows = []
    for record in records:
        milestone_id, problem = _milestone(record["milestone"], initiative.milestones)
        if problem:
            problems.append(Problem(problem, row=record["row"], column="milestone"))
        rows.append(
            {
                "row": record["row"],
                "milestone_id": milestone_id,
                "number": record["number"],
                "type": record["type"].strip().lower(),
                "state": record["state"].strip().lower(),
                "url": record["url"],
            }
        )
    if problems:
        raise ValidationFailed(problems)
    return rows


def _milestone(text: str, milestones: list[Milestone]) -> tuple[int | None, str | None]:
    key = text.strip().casefold()
    if not key:
        return None, "The milestone is required."
    named = [m for m in milestones if m.name.strip().casefold() == key]
    if len(named) == 1:
        return named[0].id, None
    if len(named) > 1:
        return None, f"{len(named)} milestones are called “{text}”; use the milestone's id instead."
    if key.isdigit() and int(key) in {m.id for m in milestones}:
        return int(key), None
    return None, f"No milestone “{text}” in this initiative."


def example_csv(initiative: Initiative) -> bytes:
    names = [m.name for m in initiative.milestones[-2:]] or ["Go-live"]
    rows = [
        (
            name,
            f"CHG00{31230 + i}",
            "normal",
            "scheduled",
            f"https://itsm.example.com/change/CHG00{31230 + i}",
        )
        for i, name in enumerate(names)
    ]
    return csvio.write_csv([c for c, _, _ in COLUMNS], rows)


def export_rows(milestones: list[Milestone], records: dict[int, list[ChangeRecord]]) -> list[list]:
    """One row per change record (a milestone may have several), and a blank one for a milestone without."""
    rows = []
    for m in milestones:
        mine: list[ChangeRecord | None] = list(records.get(m.id, [])) or [None]
        for record in mine:
            rows.append(
                [
                    m.name,
                    m.id,
                    m.due,
                    *(
                        [
                            record.number,
                            record.change_type,
                            record.state,
                            record.url,
                            record.risk,
                            _moment(record.planned_start),
                            _moment(record.planned_end),
                            record.cab_decision,
                            record.result,
                        ]
                        if record
                        else [""] * 9
                    ),
                ]
            )
    return rows


def _moment(value: datetime | None) -> str:
    return "" if value is None else value.isoformat(timespec="minutes") + "Z"
