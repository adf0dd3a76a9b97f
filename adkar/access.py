"""Who may see and change an initiative. One place, used by pages and the API alike.

Invisible initiatives answer 404 (their existence is not disclosed); visible but read-only ones 403 on change.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from operator import attrgetter
from typing import Any, TypeVar

from flask import abort
from flask_login import current_user, login_required
from sqlalchemy import exists, or_, select

from .accounts.models import User
from .extensions import db
from .plan.models import Initiative, InitiativeMember
from .rules.roles import may_write

READ, WRITE = "read", "write"
R = TypeVar("R")
# How to find a record's initiative: most hold its id, records of a stakeholder group reach it through the group.
OWN_INITIATIVE: Callable[[Any], int] = attrgetter("initiative_id")
GROUP_INITIATIVE: Callable[[Any], int] = attrgetter("group.initiative_id")


def can_write_anything(user: User) -> bool:
    return may_write(user.role)


def visible_initiatives_query(user: User):
    query = select(Initiative).order_by(Initiative.go_live, Initiative.id)
    if user.is_admin:
        return query
    member = exists().where(
        InitiativeMember.initiative_id == Initiative.id, InitiativeMember.user_id == user.id
    )
    return query.where(or_(Initiative.owner_id == user.id, member))


def access_level(user: User, initiative: Initiative) -> str | None:
    """READ, WRITE or None for this user on this initiative."""
    if user.is_admin:
        return WRITE
    if initiative.owner_id == user.id:
        return WRITE if can_write_anything(user) else READ
    role = db.session.scalar(
        select(InitiativeMember.role).where(
            InitiativeMember.initiative_id == initiative.id, InitiativeMember.user_id == user.id
        )
    )
    if role is None:
        return None
    if role == "practitioner" and can_write_anything(user):
        return WRITE
    return READ


def load_initiative(user: User, initiative_id: int, *, write: bool = False) -> Initiative:
    """The initiative if the user may read it (404 otherwise); 403 when a change is asked without the right."""
    initiative = db.session.get(Initiative, initiative_id)
    if initiative is None:
        abort(404)
    level = access_level(user, initiative)
    if level is None:
        abort(404)
    if write and level != WRITE:
        abort(403)
    return initiative


def load_record(
    user: User,
    model: type[R],
    record_id: int,
    *,
    write: bool = False,
    initiative_of: Callable[[R], int] = OWN_INITIATIVE,
) -> R:
    """A record of an initiative, answered like its initiative: 404 when missing or not visible to the user,
    403 when a change is asked without the right."""
    record = db.session.get(model, record_id)
    if record is None:
        abort(404)
    load_initiative(user, initiative_of(record), write=write)
    return record


def role_required(*roles: str) -> Callable:
    """Page decorator: signed in, and one of these roles (403 otherwise)."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator
