"""Stages an initiative has entered, and the sign-offs named for a stage."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model
from ..timeutil import utc_now

# Degree of implementation, in order: an initiative advances one stage at a time.
STAGES = ("defined", "detailed", "decided", "implemented", "closed")
STAGE_LABELS = {
    "defined": "Defined",
    "detailed": "Detailed",
    "decided": "Decided",
    "implemented": "Implemented",
    "closed": "Closed",
}
FIRST_STAGE = STAGES[0]
# Who signs off, as in the seeds: the business (sponsor), finance, operations, the controller, change management.
APPROVER_ROLES = ("sponsor", "finance", "operations", "controller", "change_manager")
APPROVER_ROLE_LABELS = {
    "sponsor": "Sponsor",
    "finance": "Finance",
    "operations": "Operations",
    "controller": "Controller",
    "change_manager": "Change manager",
}
PENDING, APPROVED, REJECTED = "pending", "approved", "rejected"
DECISIONS = (APPROVED, REJECTED)


class StageEntry(Model):
    """One step of an initiative's stage history: which stage, when, who moved it and why."""

    __tablename__ = "initiative_stages"

    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = mapped_column(ForeignKey("initiatives.id", ondelete="CASCADE"), index=True)
    stage: Mapped[str] = mapped_column(String(20))
    entered_at: Mapped[datetime] = mapped_column(default=utc_now)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    note: Mapped[str] = mapped_column(Text, default="")

    user = relationship("User")


class SignOff(Model):
    """A named approver's decision on an initiative entering a stage; only that person may decide."""

    __tablename__ = "sign_offs"

    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = mapped_column(ForeignKey("initiatives.id", ondelete="CASCADE"), index=True)
    stage: Mapped[str] = mapped_column(String(20))
    role: Mapped[str] = mapped_column(String(20))
    approver_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    decision: Mapped[str] = mapped_column(String(10), default=PENDING)
    comment: Mapped[str] = mapped_column(Text, default="")
    decided_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utc_now)

    approver = relationship("User")
    initiative = relationship("Initiative")


class SignOffLink(Model):
    """An e-mailed link that lets the named approver decide a sign-off: single use, expiring, and only the
    token's hash is stored (the e-mail holds the token itself)."""

    __tablename__ = "sign_off_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    sign_off_id: Mapped[int] = mapped_column(ForeignKey("sign_offs.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utc_now)

    sign_off = relationship("SignOff")


class CriterionSetting(Model):
    """An initiative's departure from a default entry criterion: switched off (`enabled` false, with the
    justification), or, for the key "required_roles", the sign-off roles the stage requires."""

    __tablename__ = "stage_criteria"
    __table_args__ = (UniqueConstraint("initiative_id", "stage", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = mapped_column(ForeignKey("initiatives.id", ondelete="CASCADE"))
    stage: Mapped[str] = mapped_column(String(20))
    key: Mapped[str] = mapped_column(String(40))
    enabled: Mapped[bool] = mapped_column(default=True)
    roles: Mapped[list | None] = mapped_column(JSON)
    justification: Mapped[str] = mapped_column(Text, default="")
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(default=utc_now, onupdate=utc_now)
