"""IT change records behind a milestone, so the technical and the people side of a go-live sit together: several
changes per milestone, each with its lifecycle (request, risk, window, CAB, result, review)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
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
# The lifecycle's choices; "" everywhere means "not known yet".
IMPACT_LABELS = {"": "Not assessed", "low": "Low", "medium": "Medium", "high": "High"}
RISK_LABELS = {"": "Not assessed", "low": "Low", "moderate": "Moderate", "high": "High"}
CAB_LABELS = {"": "Pending", "approved": "Approved", "rejected": "Rejected"}
RESULT_LABELS = {
    "": "Not implemented yet",
    "successful": "Successful",
    "failed": "Failed",
    "rolled_back": "Rolled back",
}
DEFAULT_EMERGENCY_REVIEW_DAYS = 5


class ChangeRecord(Model):
    __tablename__ = "change_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    milestone_id: Mapped[int] = mapped_column(ForeignKey("milestones.id", ondelete="CASCADE"), index=True)
    number: Mapped[str] = mapped_column(String(40))
    change_type: Mapped[str] = mapped_column(String(20))
    state: Mapped[str] = mapped_column(String(20))
    url: Mapped[str] = mapped_column(String(2000), default="")
    # the request: what, why, which services, how much it touches
    description: Mapped[str] = mapped_column(Text, default="")
    reason: Mapped[str] = mapped_column(Text, default="")
    affected_services: Mapped[str] = mapped_column(String(500), default="")
    impact: Mapped[str] = mapped_column(String(20), default="")
    risk: Mapped[str] = mapped_column(String(20), default="")
    requested_at: Mapped[datetime | None]
    planned_start: Mapped[datetime | None]
    planned_end: Mapped[datetime | None]
    cab_decision: Mapped[str] = mapped_column(String(20), default="")
    result: Mapped[str] = mapped_column(String(20), default="")
    implemented_at: Mapped[datetime | None]
    review_notes: Mapped[str] = mapped_column(Text, default="")
    # inbound sync: where the record came from (servicenow, jsm), its id there and the last update applied
    sync_source: Mapped[str] = mapped_column(String(20), default="")
    external_id: Mapped[str] = mapped_column(String(64), default="")
    external_updated: Mapped[str] = mapped_column(String(40), default="")
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(default=utc_now, onupdate=utc_now)

    milestone = relationship("Milestone")


INCIDENT_STATES = ("new", "in_progress", "on_hold", "resolved", "closed", "canceled")


class Incident(Model):
    """An incident from the ITSM tool, linked to the change that caused it (ServiceNow caused_by / rfc)."""

    __tablename__ = "change_incidents"
    __table_args__ = (UniqueConstraint("sync_source", "external_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = mapped_column(ForeignKey("initiatives.id", ondelete="CASCADE"), index=True)
    change_record_id: Mapped[int | None] = mapped_column(
        ForeignKey("change_records.id", ondelete="SET NULL"), index=True
    )
    number: Mapped[str] = mapped_column(String(40))
    short_description: Mapped[str] = mapped_column(String(500), default="")
    state: Mapped[str] = mapped_column(String(20))
    opened_at: Mapped[datetime | None]
    sync_source: Mapped[str] = mapped_column(String(20))
    external_id: Mapped[str] = mapped_column(String(64))
    external_updated: Mapped[str] = mapped_column(String(40), default="")
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(default=utc_now, onupdate=utc_now)


class ChangeSettings(Model):
    """Per-initiative change rules, kept apart so the initiatives table stays as it is."""

    __tablename__ = "change_settings"

    initiative_id: Mapped[int] = mapped_column(
        ForeignKey("initiatives.id", ondelete="CASCADE"), primary_key=True
    )
    emergency_review_days: Mapped[int] = mapped_column(default=DEFAULT_EMERGENCY_REVIEW_DAYS)
    updated_at: Mapped[datetime] = mapped_column(default=utc_now, onupdate=utc_now)
