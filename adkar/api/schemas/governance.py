"""Declarations of an initiative's stage, its entry checklist, its history, and sign-offs."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from ...governance.criteria import SWITCHABLE
from ...governance.models import APPROVER_ROLES, DECISIONS, PENDING, STAGES
from ...governance.services import NOTE_MAX
from ...governance.settings import JUSTIFICATION_MAX
from ..fields import Flag, OneOf, Text, Whole
from .base import Answer, Body
from .common import Id, Moment

Stage = Annotated[str, OneOf(STAGES)]
Note = Annotated[str, Text(max_length=NOTE_MAX, blank=True, multiline=True)]

# --- answers ---------------------------------------------------------------------------------------------


class Criterion(Answer):
    """One entry criterion of the next stage: what is needed, whether it holds, and what the app found."""

    label: str
    met: bool
    found: str
    customised: bool = Field(
        description="Switched off or set differently for this initiative (see the page)."
    )


class StageStep(Answer):
    """A stage the initiative entered: when, who moved it (null once their account is gone), and why."""

    stage: Stage
    entered_at: Moment
    by: str | None
    note: str


class SignOff(Answer):
    """A named approver's decision on the initiative entering a stage."""

    id: Id
    stage: Stage
    role: Annotated[str, OneOf(APPROVER_ROLES)]
    approver_id: Id
    approver: str
    decision: Annotated[str, OneOf((PENDING, *DECISIONS))]
    comment: str
    decided_at: Moment | None


class Governance(Answer):
    """Where the initiative stands: its stage, what the next one needs, the history and the sign-offs."""

    stage: Stage
    next_stage: Stage | None = Field(description="null once closed")
    ready: bool = Field(description="Every criterion of the next stage holds.")
    criteria: list[Criterion]
    history: list[StageStep]
    sign_offs: list[SignOff]


# --- bodies ----------------------------------------------------------------------------------------------


class StageMove(Body):
    """Enter the next stage; refused with 409 and every unmet criterion when they do not all hold."""

    to: Stage
    note: Note = ""


class SignOffIn(Body):
    """Name who signs off the initiative entering a stage, in which role (someone who can read it)."""

    stage: Annotated[str, OneOf(STAGES[1:])]
    role: Annotated[str, OneOf(APPROVER_ROLES)]
    approver_id: Annotated[int, Whole(minimum=1)]


class DecisionIn(Body):
    """The named approver's decision; a rejection says why in `comment`."""

    decision: Annotated[str, OneOf(DECISIONS)]
    comment: Note = ""


Justification = Annotated[
    str,
    Text(max_length=JUSTIFICATION_MAX, blank=True, multiline=True),
    Field(description="Why this initiative departs from the default: at least 20 characters."),
]


class CriterionSwitch(Body):
    """Switch a default entry criterion off for this initiative (with a justification), or on again."""

    stage: Annotated[str, OneOf(tuple(dict.fromkeys(stage for stage, _ in SWITCHABLE)))]
    key: Annotated[
        str,
        OneOf(tuple(dict.fromkeys(key for _, key in SWITCHABLE))),
        Field(description="Which criterion of the stage (docs/governance.md lists them)."),
    ]
    enabled: Annotated[bool, Flag()]
    justification: Justification = ""


class RolesIn(Body):
    """The sign-off roles entering a stage requires for this initiative; null restores the default."""

    stage: Annotated[str, OneOf(STAGES[1:])]
    roles: list[Annotated[str, OneOf(APPROVER_ROLES)]] | None
    justification: Justification = ""
