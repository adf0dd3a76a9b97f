"""Usage figures of the new system per group and date, and each initiative's target utilisation."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model
from ..timeutil import utc_now

DEFAULT_TARGET_UTILISATION = 0.8


class UsageFigure(Model):
    """How many people of a group actively used the new system on (or up to) a date."""

    __tablename__ = "usage_figures"
    __table_args__ = (UniqueConstraint("group_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # The unique (group_id, day) index serves lookups by group too.
    group_id: Mapped[int] = mapped_column(ForeignKey("stakeholder_groups.id", ondelete="CASCADE"))
    day: Mapped[date]
    active_users: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(default=utc_now, onupdate=utc_now)

    group = relationship("StakeholderGroup")


class AdoptionSettings(Model):
    """Per-initiative adoption settings, kept apart so the initiatives table stays as it is."""

    __tablename__ = "adoption_settings"

    initiative_id: Mapped[int] = mapped_column(
        ForeignKey("initiatives.id", ondelete="CASCADE"), primary_key=True
    )
    target_utilisation: Mapped[float] = mapped_column(default=DEFAULT_TARGET_UTILISATION)
    updated_at: Mapped[datetime] = mapped_column(default=utc_now, onupdate=utc_now)
