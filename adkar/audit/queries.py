"""Reading the audit trail: per initiative for its practitioners, everything for admins."""

from __future__ import annotations

from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from .models import AuditEvent

PAGE_SIZE = 200


def events_query(*, initiative_id: int | None = None) -> Select:
    query = (
        select(AuditEvent)
        .options(selectinload(AuditEvent.user))
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    )
    if initiative_id is not None:
        query = query.where(AuditEvent.initiative_id == initiative_id)
    return query


def event_row(event: AuditEvent) -> dict:
    """One event as the page and the export show it."""
    return {
        "at": event.at.isoformat(timespec="seconds") + "Z",
        "who": event.user.email if event.user else "system",
        "action": event.action,
        "target": f"{event.target_type} {event.target_id}" if event.target_id else event.target_type,
        "detail": ", ".join(f"{k}={v}" for k, v in sorted((event.detail or {}).items())),
    }
