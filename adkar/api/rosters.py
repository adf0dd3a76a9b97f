"""API endpoints: a stakeholder group's roster, read whole or replaced whole (all or nothing).

Rosters hold people's addresses: practitioners and admins of the initiative only; sponsors get 403 even to
read, strangers 404.
"""

from __future__ import annotations

from ..plan.models import StakeholderGroup
from ..plan.roster import services
from ..plan.roster.models import Participant
from ..validation import Problem, ValidationFailed
from . import bp
from .auth import api_user
from .crud import WRITE_ERRORS, api_record, items
from .http import json_response
from .openapi import operation
from .payload import read_body
from .rows import problems_at_json_paths, row_shape_problems, row_value
from .schemas import rosters as schema
from .serialise import iso_datetime

TAG = "plan"
PARTICIPANT_KEYS = tuple(schema.ParticipantIn.model_fields)


def participant_json(participant: Participant) -> dict:
    return {
        "id": participant.id,
        "email": participant.email,
        "name": participant.name,
        "language": participant.language,
        "attributes": dict(participant.attributes),
        "created_at": iso_datetime(participant.created_at),
        "updated_at": iso_datetime(participant.updated_at),
    }


def read_participants(participants: list) -> list[dict]:
    """Each item's shape and kinds; problems carry `row` (index from 0), `column` and `field` (its JSON path)."""
    rows, problems = [], []
    expected = f"Expected an object {schema.PARTICIPANT_SHAPE}."
    for index, item in enumerate(participants):
        path = f"participants[{index}]"
        problems += row_shape_problems(item, index=index, path=path, keys=PARTICIPANT_KEYS, expected=expected)
        if not isinstance(item, dict):
            continue
        if "email" not in item:
            problems.append(
                Problem("This field is required.", field=f"{path}.email", row=index, column="email")
            )
        row: dict = {"row": index}
        for key in PARTICIPANT_KEYS:
            if key in item:
                row[key], refused = row_value(schema.ParticipantIn, item, key, index=index, path=path)
                problems += refused
        rows.append(row)
    if problems:
        raise ValidationFailed(problems)
    return rows


@bp.get("/groups/<id:group_id>/participants")
@operation(
    summary="The roster of a stakeholder group",
    description="Everyone on the roster, by e-mail address. Practitioners and admins of the initiative only: "
    "sponsors get 403.",
    tag=TAG,
    responses={200: schema.ParticipantList},
    errors=WRITE_ERRORS,
)
def list_participants(group_id: int):
    group = api_record(StakeholderGroup, group_id, write=True)
    return items(services.participants_of(group.id), participant_json)


@bp.put("/groups/<id:group_id>/participants")
@operation(
    summary="Replace the roster of a stakeholder group (all or nothing)",
    description=(
        "The list becomes the whole roster: people already on it (by address, ignoring case) keep their "
        "record, people not listed leave it. When any person has a problem nothing is stored, and `problems` "
        "lists each one with `row` (its index in `participants`, from 0), `column` and `field` (its JSON "
        "path); an address given twice is a problem. When the group's headcount follows its roster, the "
        "headcount becomes the roster's size (an empty roster leaves it). Sponsors get 403."
    ),
    tag=TAG,
    body=schema.RosterIn,
    responses={200: schema.RosterChange},
    errors=WRITE_ERRORS,
)
def replace_participants(group_id: int):
    user = api_user()
    group = api_record(StakeholderGroup, group_id, write=True)
    rows = read_participants(read_body(schema.RosterIn)["participants"])
    with problems_at_json_paths("participants"):
        change = services.replace_roster(group=group, rows=rows, actor=user, source="api")
    return json_response(
        {
            "participants": change.total,
            "added": change.added,
            "updated": change.updated,
            "removed": change.removed,
            "headcount": group.headcount,
        }
    )
