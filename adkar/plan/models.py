"""Change plans: initiatives, who may see them, stakeholder groups, milestones and gate decisions."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, ForeignKey, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model, db
from ..timeutil import utc_now

APPROACHES = ("sequential", "iterative", "hybrid")
MEMBER_ROLES = ("practitioner", "sponsor")

milestone_groups = Table(
    "milestone_groups",
    db.Model.metadata,
    Column("milestone_id", ForeignKey("milestones.id", ondelete="CASCADE"), primary_key=True),
    Column("group_id", ForeignKey("stakeholder_groups.id", ondelete="CASCADE"), primary_key=True),
)


class Initiative(Model):
    __tablename__ = "initiatives"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    approach: Mapped[str] = mapped_column(String(20))
    go_live: Mapped[date]
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)

    owner = relationship("User")
    members: Mapped[list[InitiativeMember]] = relationship(
        back_populates="initiative", cascade="all, delete-orphan"
    )
    groups: Mapped[list[StakeholderGroup]] = relationship(
        back_populates="initiative", cascade="all, delete-orphan", order_by="StakeholderGroup.id"
    )
    milestones: Mapped[list[Milestone]] = relationship(
        back_populates="initiative", cascade="all, delete-orphan", order_by="(Milestone.due, Milestone.id)"
    )


class InitiativeMember(Model):
    """A practitioner who co-runs the plan, or a sponsor who reads its dashboard."""

    __tablename__ = "initiative_members"

    initiative_id: Mapped[int] = mapped_column(
        ForeignKey("initiatives.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[str] = mapped_column(String(20))

    initiative: Mapped[Initiative] = relationship(back_populates="members")
    user = relationship("User")


class StakeholderGroup(Model):
    __tablename__ = "stakeholder_groups"
    __table_args__ = (UniqueConstraint("initiative_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = mapped_column(ForeignKey("initiatives.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    headcount: Mapped[int]
    description: Mapped[str] = mapped_column(Text, default="")
    # On: the headcount is the roster's size whenever the roster changes (adkar.plan.roster; docs/readiness.md).
    headcount_follows_roster: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)

    initiative: Mapped[Initiative] = relationship(back_populates="groups")


class Milestone(Model):
    __tablename__ = "milestones"

    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = mapped_column(ForeignKey("initiatives.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(40))
    due: Mapped[date]
    target_element: Mapped[str] = mapped_column(String(20))
    threshold: Mapped[float] = mapped_column(default=0.8)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)

    initiative: Mapped[Initiative] = relationship(back_populates="milestones")
    # Empty means "every group of the initiative at the time the gate is read".
    groups: Mapped[list[StakeholderGroup]] = relationship(
        secondary=milestone_groups, order_by="StakeholderGroup.id"
    )
    overrides: Mapped[list[GateOverride]] = relationship(
        back_populates="milestone", cascade="all, delete-orphan", order_by="GateOverride.created_at"
    )


class GateOverride(Model):
    """A practitioner's written decision to pass a gate that was not ready."""

    __tablename__ = "gate_overrides"

    id: Mapped[int] = mapped_column(primary_key=True)
    milestone_id: Mapped[int] = mapped_column(ForeignKey("milestones.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    computed_status: Mapped[str] = mapped_column(String(20))
    justification: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)

    milestone: Mapped[Milestone] = relationship(back_populates="overrides")
    user = relationship("User")
