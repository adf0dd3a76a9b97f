"""Plan records as JSON, each beside the OpenAPI schema that promises its shape."""

from __future__ import annotations

from datetime import date, datetime

from flask import url_for

from ..accounts.models import User
from ..elements import ELEMENTS
from ..plan.models import APPROACHES, MEMBER_ROLES, Initiative, InitiativeMember, Milestone, StakeholderGroup
from ..plan.templates import MILESTONE_KINDS
from ..rules.roles import ROLES
from .openapi import component
from .payload import MAX_ID

ID = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
DATE = {"type": "string", "format": "date"}
DATETIME = {"type": "string", "format": "date-time", "description": "UTC"}
URL = {"type": "string", "description": "A path on this server"}


def iso_date(value: date) -> str:
    return value.isoformat()


def iso_datetime(value: datetime) -> str:
    """Stored times are naive UTC; say so with a Z."""
    return value.isoformat(timespec="seconds") + "Z"


def _closed(properties: dict, description: str = "") -> dict:
    schema = {
        "type": "object",
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
    }
    return {"description": description, **schema} if description else schema


PERSON = component(
    "Person",
    _closed(
        {"id": ID, "email": {"type": "string"}, "name": {"type": "string"}}, "A user, as others see them."
    ),
)
USER = component(
    "User",
    _closed(
        {"id": ID, "email": {"type": "string"}, "name": {"type": "string"}, "role": {"enum": list(ROLES)}},
        "The user a token belongs to.",
    ),
)
INITIATIVE = component(
    "Initiative",
    _closed(
        {
            "id": ID,
            "name": {"type": "string"},
            "description": {"type": "string"},
            "approach": {"enum": list(APPROACHES)},
            "go_live": DATE,
            "owner": PERSON,
            "access": {"enum": ["read", "write"], "description": "What the token's user may do with it."},
            "created_at": DATETIME,
            "url": URL,
            "groups_url": URL,
            "milestones_url": URL,
            "members_url": URL,
        },
        "A technology rollout whose people's readiness is tracked.",
    ),
)
GROUP = component(
    "Group",
    _closed(
        {
            "id": ID,
            "initiative_id": ID,
            "name": {"type": "string"},
            "headcount": {"type": "integer", "minimum": 1},
            "description": {"type": "string"},
            "created_at": DATETIME,
            "url": URL,
        },
        "A stakeholder group: people the change affects in the same way.",
    ),
)
MILESTONE = component(
    "Milestone",
    _closed(
        {
            "id": ID,
            "initiative_id": ID,
            "name": {"type": "string"},
            "kind": {"type": "string", "description": f"Usually one of: {', '.join(MILESTONE_KINDS)}."},
            "due": DATE,
            "target_element": {"enum": list(ELEMENTS)},
            "threshold": {"type": "number", "exclusiveMinimum": 0, "maximum": 1},
            "group_ids": {
                "type": "array",
                "items": ID,
                "description": "The groups the gate reads; empty means every group of the initiative.",
            },
            "created_at": DATETIME,
            "url": URL,
        },
        "A readiness gate: the share of each impacted group that must have reached an element by a date.",
    ),
)
MEMBER = component(
    "Member",
    _closed(
        {
            "user_id": ID,
            "email": {"type": "string"},
            "name": {"type": "string"},
            "role": {"enum": list(MEMBER_ROLES)},
            "url": URL,
        },
        "Someone besides the owner with access: a practitioner co-runs the plan, a sponsor reads it.",
    ),
)


def person_json(user: User) -> dict:
    return {"id": user.id, "email": user.email, "name": user.name}


def user_json(user: User) -> dict:
    return {**person_json(user), "role": user.role}


def initiative_json(initiative: Initiative, *, access: str) -> dict:
    return {
        "id": initiative.id,
        "name": initiative.name,
        "description": initiative.description,
        "approach": initiative.approach,
        "go_live": iso_date(initiative.go_live),
        "owner": person_json(initiative.owner),
        "access": access,
        "created_at": iso_datetime(initiative.created_at),
        "url": url_for("api.get_initiative", initiative_id=initiative.id),
        "groups_url": url_for("api.list_groups", initiative_id=initiative.id),
        "milestones_url": url_for("api.list_milestones", initiative_id=initiative.id),
        "members_url": url_for("api.list_members", initiative_id=initiative.id),
    }


def group_json(group: StakeholderGroup) -> dict:
    return {
        "id": group.id,
        "initiative_id": group.initiative_id,
        "name": group.name,
        "headcount": group.headcount,
        "description": group.description,
        "created_at": iso_datetime(group.created_at),
        "url": url_for("api.get_group", group_id=group.id),
    }


def milestone_json(milestone: Milestone) -> dict:
    return {
        "id": milestone.id,
        "initiative_id": milestone.initiative_id,
        "name": milestone.name,
        "kind": milestone.kind,
        "due": iso_date(milestone.due),
        "target_element": milestone.target_element,
        "threshold": milestone.threshold,
        "group_ids": [group.id for group in milestone.groups],
        "created_at": iso_datetime(milestone.created_at),
        "url": url_for("api.get_milestone", milestone_id=milestone.id),
    }


def member_json(member: InitiativeMember) -> dict:
    return {
        "user_id": member.user_id,
        "email": member.user.email,
        "name": member.user.name,
        "role": member.role,
        "url": url_for("api.remove_member", initiative_id=member.initiative_id, user_id=member.user_id),
    }
