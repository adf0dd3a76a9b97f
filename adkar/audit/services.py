"""Record audit events inside the caller's transaction, so a change and its trail land together."""

from __future__ import annotations

from typing import Any

from ..extensions import db
from .models import AuditEvent


def record(
    *,
    user_id: int | None,
    action: str,
    target_type: str,
    target_id: Any = None,
    initiative_id: int | None = None,
    detail: dict | None = None,
) -> AuditEvent:
    event = AuditEvent(
        user_id=user_id,
        action=action,
        target_type=target_type,
        target_id=None if target_id is None else str(target_id),
        initiative_id=initiative_id,
        detail=detail or {},
    )
    db.session.add(event)
    return event
