"""Reading and saving which alerts a user wants; a kind they never chose follows their role's default."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import select

from ..accounts.models import User
from ..database import begin_write
from ..extensions import db
from ..validation import Problem, ValidationFailed
from .kinds import KINDS, default_enabled
from .models import AlertPreference


def enabled_kinds(users: Sequence[User]) -> dict[int, frozenset[str]]:
    """user id -> the kinds that user gets, for many users in one query."""
    ids = [u.id for u in users]
    chosen: dict[int, dict[str, bool]] = {i: {} for i in ids}
    if ids:
        rows = db.session.execute(
            select(AlertPreference.user_id, AlertPreference.kind, AlertPreference.enabled).where(
                AlertPreference.user_id.in_(ids)
            )
        )
        for user_id, kind, enabled in rows:
            chosen[user_id][kind] = bool(enabled)
    return {
        u.id: frozenset(k for k in KINDS if chosen[u.id].get(k, default_enabled(u.role, k))) for u in users
    }


def preferences(user: User) -> dict[str, bool]:
    """kind -> on or off, in KINDS order."""
    on = enabled_kinds([user])[user.id]
    return {kind: kind in on for kind in KINDS}


def save_preferences(*, user: User, enabled: Iterable[str]) -> dict[str, bool]:
    """Store a choice for every kind: those in `enabled` on, the others off. Unknown kinds change nothing."""
    wanted = set(enabled)
    unknown = sorted(wanted - set(KINDS))
    if unknown:
        db.session.rollback()
        raise ValidationFailed([Problem(f"There is no alert called {k!r}.", field="kinds") for k in unknown])
    begin_write()
    existing = {
        p.kind: p
        for p in db.session.scalars(select(AlertPreference).where(AlertPreference.user_id == user.id))
    }
    for kind in KINDS:
        row = existing.get(kind)
        if row is None:
            db.session.add(AlertPreference(user_id=user.id, kind=kind, enabled=kind in wanted))
        else:
            row.enabled = kind in wanted
    db.session.commit()
    return {kind: kind in wanted for kind in KINDS}
