"""Plan records as JSON, in the shapes their models in schemas/plan.py declare."""

from __future__ import annotations

from datetime import date, datetime

from flask import url_for

from ..accounts.models import User
from ..plan.models import Initiative, InitiativeMember, Milestone, StakeholderGroup


def iso_date(value: date) -> str:
    return value.isoformat()


def iso_datetime(value: datetime) -> str:
    """Stored times are naive UTC; say so with a Z."""
    return value.isoformat(timespec="seconds") + "Z"


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
        "headcount_follows_roster": group.headcount_follows_roster,
        "created_at": iso_datetime(group.created_at),
        "url": url_for("api.get_group", group_id=group.id),
        "participants_url": url_for("api.list_participants", group_id=group.id),
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
