"""Reading the audit trail: per initiative for its practitioners, everything for admins."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from .. import keyset
from ..accounts.models import User
from ..extensions import db
from .models import AuditEvent

PAGE_SIZE = 200
MAX_FILTER = 100
TRAIL_KEYS = (AuditEvent.at, AuditEvent.id)  # the trail's order, newest first


def events_query(*, initiative_id: int | None = None) -> Select:
    query = (
        select(AuditEvent)
        .options(selectinload(AuditEvent.user))
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    )
    if initiative_id is not None:
        query = query.where(AuditEvent.initiative_id == initiative_id)
    return query


@dataclass(frozen=True)
class TrailPage:
    """One page of the trail, newest first, filtered on the server; `older` is the next page's cursor."""

    events: list[AuditEvent]
    action: str
    who: str
    older: str | None


def trail_page(
    *, initiative_id: int | None = None, action: str = "", who: str = "", before: str | None = None
) -> TrailPage:
    """PAGE_SIZE events older than the `before` cursor (keyset.BadCursor for one not given out), whose
    action starts with `action` (e.g. "wave.") and whose author's e-mail holds `who`."""
    action, who = _clean(action), _clean(who)
    query = events_query(initiative_id=initiative_id)
    if action:
        query = query.where(AuditEvent.action.startswith(action, autoescape=True))
    if who:
        query = query.join(User, User.id == AuditEvent.user_id).where(
            User.email.contains(who.lower(), autoescape=True)
        )
    if before:
        query = query.where(keyset.beyond(TRAIL_KEYS, keyset.decode(before, TRAIL_KEYS), descending=True))
    events = list(db.session.scalars(query.limit(PAGE_SIZE + 1)))
    older = keyset.cursor_of(events[PAGE_SIZE - 1], TRAIL_KEYS) if len(events) > PAGE_SIZE else None
    return TrailPage(events[:PAGE_SIZE], action, who, older)


def _clean(text: str) -> str:
    return " ".join(text.split())[:MAX_FILTER]


def event_row(event: AuditEvent) -> dict:
    """One event as the page and the export show it."""
    return {
        "at": event.at.isoformat(timespec="seconds") + "Z",
        "who": event.user.email if event.user else "system",
        "action": event.action,
        "target": f"{event.target_type} {event.target_id}" if event.target_id else event.target_type,
        "detail": ", ".join(f"{k}={v}" for k, v in sorted((event.detail or {}).items())),
    }
