"""Who reads each initiative, by the access rule every page uses (adkar.access): admins, owner, members."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select

from ..access import visible_initiatives_query
from ..accounts.models import User
from ..extensions import db
from ..plan.models import Initiative


def active_users() -> list[User]:
    return list(db.session.scalars(select(User).where(User.active.is_(True)).order_by(User.id)))


def readers_by_initiative(users: list[User]) -> dict[int, list[User]]:
    """initiative id -> the active users who may read it, in user id order."""
    readers: dict[int, list[User]] = defaultdict(list)
    for user in users:
        ids = db.session.scalars(visible_initiatives_query(user).with_only_columns(Initiative.id))
        for initiative_id in ids:
            readers[int(initiative_id)].append(user)
    return readers
