"""The IT change record behind a milestone, so the technical and the people side of a go-live sit together."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model
from ..timeutil import utc_now

# As in common ITSM tools (ServiceNow, Jira Service Management).
CHANGE_TYPES = ("standard", "normal", "emergency")
CHANGE_STATES = ("new", "assess", "authorize", "scheduled", "implement", "review", "closed")
CHANGE_TYPE_LABELS = {"standard": "Standard", "normal": "Normal", "emergency": "Emergency"}
CHANGE_STATE_LABELS = {
    "new": "New",
    "assess": "Assess",
    "authorize": "Authorize",
    "scheduled": "Scheduled",
    "implement": "Implement",
    "review": "Review",
    "closed": "Closed",
}
# States where the change is about to happen or happening: its people must be ready by now.
COMMITTED_STATES = ("scheduled", "implement")


class ChangeRecord(Model):
    __tablename__ = "change_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    milestone_id: Mapped[int] = mapped_column(ForeignKey("milestones.id", ondelete="CASCADE"), unique=True)
    number: Mapped[str] = mapped_column(String(40))
    change_type: Mapped[str] = mapped_column(String(20))
    state: Mapped[str] = mapped_column(String(20))
    url: Mapped[str] = mapped_column(String(2000), default="")
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(default=utc_now, onupdate=utc_now)

    milestone = relationship("Milestone")
