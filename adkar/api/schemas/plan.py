"""Declarations of the plan resources: initiatives, stakeholder groups, milestones, members and users."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import Field

from ...plan.models import APPROACHES, MEMBER_ROLES
from ...plan.services import DEFAULT_THRESHOLD, DESCRIPTION_MAX, MAX_HEADCOUNT, NAME_MAX
from ...plan.templates import MILESTONE_KINDS
from ...rules.roles import ROLES
from ..fields import ELEMENT, Day, Email, Flag, Ids, OneOf, Share, Text, Whole
from .base import Answer, Body, changes_of, list_of, page_of
from .common import Id, Moment, Url

# --- answers ---------------------------------------------------------------------------------------------


class Person(Answer):
    """A user, as others see them."""

    id: Id
    email: str
    name: str


class User(Person):
    """The user a token belongs to."""

    role: Annotated[str, OneOf(ROLES)]


class Initiative(Answer):
    """A technology rollout whose people's readiness is tracked."""

    id: Id
    name: str
    description: str
    approach: Annotated[str, OneOf(APPROACHES)]
    go_live: date
    owner: Person
    access: Annotated[
        str, OneOf(("read", "write")), Field(description="What the token's user may do with it.")
    ]
    created_at: Moment
    url: Url
    groups_url: Url
    milestones_url: Url
    members_url: Url


class Group(Answer):
    """A stakeholder group: people the change affects in the same way."""

    id: Id
    initiative_id: Id
    name: str
    headcount: Annotated[int, Field(ge=1)]
    description: str
    headcount_follows_roster: Annotated[
        bool, Field(description="The headcount is the roster's size whenever the roster changes.")
    ]
    created_at: Moment
    url: Url
    participants_url: Annotated[Url, Field(description="The group's roster (not for sponsors).")]


class Milestone(Answer):
    """A readiness gate: the share of each impacted group that must have reached an element by a date."""

    id: Id
    initiative_id: Id
    name: str
    kind: Annotated[str, Field(description=f"Usually one of: {', '.join(MILESTONE_KINDS)}.")]
    due: date
    target_element: Annotated[str, ELEMENT]
    threshold: Annotated[float, Field(gt=0, le=1)]
    group_ids: Annotated[
        list[Id], Field(description="The groups the gate reads; empty means every group of the initiative.")
    ]
    created_at: Moment
    url: Url


class Member(Answer):
    """Someone besides the owner with access: a practitioner co-runs the plan, a sponsor reads it."""

    user_id: Id
    email: str
    name: str
    role: Annotated[str, OneOf(MEMBER_ROLES)]
    url: Url


InitiativeList = page_of(Initiative)
GroupList = page_of(Group)
MilestoneList = list_of(Milestone)
MemberList = list_of(Member)

# --- bodies ----------------------------------------------------------------------------------------------


class InitiativeIn(Body):
    """A new initiative, owned by the token's user."""

    name: Annotated[str, Text(max_length=200)]
    description: Annotated[str, Text(max_length=5000, blank=True, multiline=True)] = ""
    approach: Annotated[str, OneOf(APPROACHES), Field(description="How the technology is delivered.")]
    go_live: Annotated[date, Day(), Field(description="The day the change goes live.")]
    template: Annotated[
        bool, Flag(), Field(description="Add the approach's usual milestones, dated from go_live.")
    ] = False


class GroupIn(Body):
    """A new stakeholder group of the initiative."""

    name: Annotated[
        str, Text(max_length=NAME_MAX), Field(description="Unique within the initiative (ignoring case).")
    ]
    headcount: Annotated[
        int, Whole(minimum=1, maximum=MAX_HEADCOUNT), Field(description="How many people the group holds.")
    ]
    description: Annotated[str, Text(max_length=DESCRIPTION_MAX, blank=True, multiline=True)] = ""
    headcount_follows_roster: Annotated[
        bool,
        Flag(),
        Field(
            description="Set the headcount to the roster's size whenever the roster changes (and now, when "
            "it has people); a headcount other than the roster's is then refused."
        ),
    ] = False


class MilestoneIn(Body):
    """A new milestone with its readiness gate."""

    name: Annotated[str, Text(max_length=200)]
    kind: Annotated[str, OneOf(MILESTONE_KINDS)]
    due: Annotated[date, Day()]
    target_element: Annotated[
        str, ELEMENT, Field(description="The element people must have reached by `due`.")
    ]
    threshold: Annotated[
        float, Share(), Field(description="The share of each group that must have reached it.")
    ] = DEFAULT_THRESHOLD
    group_ids: Annotated[
        list[int], Ids(), Field(description="Groups of this initiative the gate reads; empty means all.")
    ] = Field(default=[])


class MemberIn(Body):
    """Who to give access to, and how much."""

    email: Annotated[str, Email(), Field(description="An existing user's email.")]
    role: Annotated[
        str, OneOf(MEMBER_ROLES), Field(description="practitioner: co-runs the plan; sponsor: reads it.")
    ]


InitiativeChanges = changes_of(InitiativeIn, "InitiativeChanges", leave_out=("template",))
GroupChanges = changes_of(GroupIn, "GroupChanges")
MilestoneChanges = changes_of(MilestoneIn, "MilestoneChanges")
