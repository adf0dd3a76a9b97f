"""Turning announced events (adkar.events) into deliveries, one per enabled endpoint that subscribes.

The deliveries join the announcer's session and transaction and are never committed here: they are
committed with the change they report, or rolled back with it (an outbox). So `announce` belongs inside a
write transaction (after `begin_write()`), before its commit; the announcer's commit sends nothing, the next
`deliver_due` does.
"""

from __future__ import annotations

import json
import logging
import secrets
from typing import Any

from sqlalchemy import select

from .. import events
from ..extensions import db
from ..timeutil import utc_now
from .event_types import EVENT_TYPES
from .models import PENDING, WebhookDelivery, WebhookEndpoint

log = logging.getLogger(__name__)


def new_event_id() -> str:
    """A Standard Webhooks message id: shared by every endpoint's delivery of the event, kept on retries."""
    return "msg_" + secrets.token_urlsafe(18)


def body(event_type: str, data: dict[str, Any], *, at=None) -> str:
    """The JSON body {"type", "timestamp", "data"}, serialised once so every attempt signs the same bytes."""
    when = (at or utc_now()).replace(microsecond=0).isoformat() + "Z"
    return json.dumps({"type": event_type, "timestamp": when, "data": data}, separators=(",", ":"))


def queue(endpoint: WebhookEndpoint, event_type: str, payload: str, event_id: str) -> WebhookDelivery:
    """A delivery due now, added to the current session (the caller commits)."""
    delivery = WebhookDelivery(
        endpoint_id=endpoint.id,
        event_id=event_id,
        event_type=event_type,
        payload=payload,
        status=PENDING,
        next_attempt_at=utc_now(),
    )
    db.session.add(delivery)
    return delivery


def store_event(event_type: str, data: dict[str, Any], initiative_id: int | None) -> list[WebhookDelivery]:
    """Deliveries of one event for every enabled endpoint subscribed to it; unknown event types go nowhere."""
    if event_type not in EVENT_TYPES:
        log.warning("webhooks: %r is not a documented event type; not delivered", event_type)
        return []
    endpoints = db.session.scalars(select(WebhookEndpoint).where(WebhookEndpoint.enabled.is_(True))).all()
    chosen = [e for e in endpoints if e.subscribes_to(event_type, initiative_id)]
    if not chosen:
        return []
    payload, event_id = body(event_type, data), new_event_id()
    return [queue(endpoint, event_type, payload, event_id) for endpoint in chosen]


def _receive(event_type: str, *, data: dict[str, Any], initiative_id: int | None = None) -> None:
    store_event(event_type, data, initiative_id)


def connect() -> None:
    """Subscribe once per process (every app shares the signal; the receiver uses the current app)."""
    events.happened.connect(_receive, weak=False)
