"""Actions practitioners take on a group's barrier point, the library they draw them from, and resistance."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model
from ..timeutil import utc_now

ACTION_STATUSES = ("planned", "in_progress", "done", "cancelled")
ACTION_STATUS_LABELS = {
    "planned": "Planned",
    "in_progress": "In progress",
    "done": "Done",
    "cancelled": "Cancelled",
}
IN_FLIGHT = ("planned", "in_progress")

# Why people resist, in the words of Prosci's most common sources of resistance.
RESISTANCE_REASONS = ("awareness_of_why", "fear_of_unknown", "job_changes", "no_leader_support", "left_out")
RESISTANCE_REASON_LABELS = {
    "awareness_of_why": "Lack of awareness of why the change is happening",
    "fear_of_unknown": "Fear of the unknown",
    "job_changes": "Their job changes",
    "no_leader_support": "No support from their leaders",
    "left_out": "Being left out of the decision",
}
RESISTANCE_STATUSES = ("open", "addressed", "closed")
RESISTANCE_STATUS_LABELS = {"open": "Open", "addressed": "Addressed", "closed": "Closed"}


class LibraryEntry(Model):
    """A suggested action for an element; shared by every initiative and edited by practitioners."""

    __tablename__ = "action_library"
    __table_args__ = (UniqueConstraint("element", "title"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    element: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(default=utc_now, onupdate=utc_now)


class Action(Model):
    """One step of a group's ADKAR action plan (Prosci's ADKAR Blueprint): what, who, when, how far."""

    __tablename__ = "adkar_actions"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("stakeholder_groups.id", ondelete="CASCADE"), index=True)
    element: Mapped[str] = mapped_column(String(20))
    what: Mapped[str] = mapped_column(String(500))
    owner: Mapped[str] = mapped_column(String(120))
    starts_on: Mapped[date]
    due_on: Mapped[date]
    status: Mapped[str] = mapped_column(String(20), default="planned")
    library_entry_id: Mapped[int | None] = mapped_column(
        ForeignKey("action_library.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(default=utc_now, onupdate=utc_now)

    group = relationship("StakeholderGroup")
    library_entry: Mapped[LibraryEntry | None] = relationship()


class ResistanceEntry(Model):
    """Resistance seen in a group: what is resisted, why, by how many, and what is being done."""

    __tablename__ = "resistance_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("stakeholder_groups.id", ondelete="CASCADE"), index=True)
    what: Mapped[str] = mapped_column(String(500))
    reason: Mapped[str] = mapped_column(String(30))
    people: Mapped[int]
    response: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default="open")
    logged_on: Mapped[date]
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(default=utc_now, onupdate=utc_now)

    group = relationship("StakeholderGroup")
