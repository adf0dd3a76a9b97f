"""A user's choice per alert kind, and the alerts already sent (so each goes out once)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import Model
from ..timeutil import utc_now

KIND_MAX, KEY_MAX = 40, 200


class AlertPreference(Model):
    """Only choices a user made are stored; a kind without a row follows the role's default."""

    __tablename__ = "alert_preferences"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(KIND_MAX), primary_key=True)
    enabled: Mapped[bool]
    updated_at: Mapped[datetime] = mapped_column(default=utc_now, onupdate=utc_now)


class AlertSent(Model):
    """One alert mailed to one user; the dedupe key names what it was about ("gate:12:2027-01-15")."""

    __tablename__ = "alerts_sent"
    __table_args__ = (UniqueConstraint("user_id", "kind", "dedupe_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(KIND_MAX))
    dedupe_key: Mapped[str] = mapped_column(String(KEY_MAX), index=True)
    sent_at: Mapped[datetime] = mapped_column(default=utc_now)
