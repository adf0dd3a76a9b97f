"""Webhook endpoints, the deliveries queued for them, and what the sweep has already announced.

Deliveries are an outbox: they are stored in the transaction that changes what they report, and sent
afterwards by `deliver_due`, so an event is only sent about something that was committed.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model
from ..timeutil import utc_now

PENDING, DELIVERED, FAILED = "pending", "delivered", "failed"
DELIVERY_STATUSES = (PENDING, DELIVERED, FAILED)
URL_MAX, DESCRIPTION_MAX, ERROR_MAX = 2000, 200, 300


class WebhookEndpoint(Model):
    """Where events are sent. `event_types` empty means every event; `initiative_id` limits it to one
    initiative (deleted with it, so it can never widen to all). The signing secret is encrypted at rest
    (adkar.encryption): signing needs it in full, so it cannot be a hash."""

    __tablename__ = "webhook_endpoints"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(URL_MAX))
    description: Mapped[str] = mapped_column(String(DESCRIPTION_MAX), default="")
    event_types: Mapped[list] = mapped_column(JSON, default=list)
    initiative_id: Mapped[int | None] = mapped_column(
        ForeignKey("initiatives.id", ondelete="CASCADE"), index=True
    )
    enabled: Mapped[bool] = mapped_column(default=True)
    secret_encrypted: Mapped[str] = mapped_column(Text)
    secret_rotated_at: Mapped[datetime] = mapped_column(default=utc_now)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(default=utc_now, onupdate=utc_now)

    initiative = relationship("Initiative")

    def subscribes_to(self, event_type: str, initiative_id: int | None) -> bool:
        if self.event_types and event_type not in self.event_types:
            return False
        return self.initiative_id is None or self.initiative_id == initiative_id


class WebhookDelivery(Model):
    """One event for one endpoint: the exact body sent on every attempt, and how the attempts went.

    `claim` and a lease in `next_attempt_at` mark a delivery a worker is sending, so a second worker skips
    it; a worker that dies leaves it due again when the lease ends."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        UniqueConstraint("endpoint_id", "event_id"),
        Index("ix_webhook_deliveries_due", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    endpoint_id: Mapped[int] = mapped_column(ForeignKey("webhook_endpoints.id", ondelete="CASCADE"))
    event_id: Mapped[str] = mapped_column(String(40))
    event_type: Mapped[str] = mapped_column(String(60))
    payload: Mapped[str] = mapped_column(Text)  # the JSON body, byte for byte as signed and sent
    status: Mapped[str] = mapped_column(String(10), default=PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime | None]
    last_attempt_at: Mapped[datetime | None]
    last_status_code: Mapped[int | None]
    last_error: Mapped[str] = mapped_column(String(ERROR_MAX), default="")
    claim: Mapped[str | None] = mapped_column(String(32))
    delivered_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(default=utc_now, onupdate=utc_now)

    endpoint: Mapped[WebhookEndpoint] = relationship()


class WaveMark(Model):
    """When the sweep announced a wave's opening and closing: each is announced once."""

    __tablename__ = "webhook_wave_marks"

    wave_id: Mapped[int] = mapped_column(ForeignKey("waves.id", ondelete="CASCADE"), primary_key=True)
    opened_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]


class GateMark(Model):
    """The gate status the sweep last saw for a milestone, and whether it was projected to miss then."""

    __tablename__ = "webhook_gate_marks"

    milestone_id: Mapped[int] = mapped_column(
        ForeignKey("milestones.id", ondelete="CASCADE"), primary_key=True
    )
    status: Mapped[str] = mapped_column(String(10))
    projected_to_miss: Mapped[bool] = mapped_column(default=False)
    checked_at: Mapped[datetime] = mapped_column(default=utc_now)
