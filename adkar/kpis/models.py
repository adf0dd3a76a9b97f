"""Outcome KPIs with their measurements, and benefits: what the change is meant to achieve, in figures.

Kept apart from the stages of adkar.governance: a KPI measures the result, a stage the implementation.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model
from ..timeutil import utc_now
from .status import INCREASE

NAME_MAX, UNIT_MAX, OWNER_MAX, SOURCE_MAX = 200, 40, 120, 200


class Kpi(Model):
    """A measure of the change's outcome: which way is better, where it started and where it should get to.

    `legacy` marks a measure of the old way of working that the change contradicts (it is expected to move
    the "wrong" way); `explanation` says why a missed target is accepted.
    """

    __tablename__ = "kpis"
    # Names are unique per initiative, so a CSV row can name its KPI; the index serves lookups by initiative.
    __table_args__ = (UniqueConstraint("initiative_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = mapped_column(ForeignKey("initiatives.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(NAME_MAX))
    unit: Mapped[str] = mapped_column(String(UNIT_MAX), default="")
    direction: Mapped[str] = mapped_column(String(10), default=INCREASE)
    baseline: Mapped[float]
    target: Mapped[float | None]
    owner: Mapped[str] = mapped_column(String(OWNER_MAX), default="")
    due_on: Mapped[date | None]
    source: Mapped[str] = mapped_column(String(SOURCE_MAX), default="")
    legacy: Mapped[bool] = mapped_column(default=False)
    explanation: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(default=utc_now, onupdate=utc_now)

    measurements = relationship(
        "KpiMeasurement",
        order_by="KpiMeasurement.day",
        cascade="all, delete-orphan",
        passive_deletes=True,
        back_populates="kpi",
    )


class KpiMeasurement(Model):
    """A KPI's value on a day; one per day (an import for a day that exists replaces it)."""

    __tablename__ = "kpi_measurements"
    __table_args__ = (UniqueConstraint("kpi_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kpi_id: Mapped[int] = mapped_column(ForeignKey("kpis.id", ondelete="CASCADE"))
    day: Mapped[date]
    value: Mapped[float]
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(default=utc_now, onupdate=utc_now)

    kpi = relationship("Kpi", back_populates="measurements")


class Benefit(Model):
    """A benefit the business case promises (cost saved, hours freed): baseline, target, forecast, actual."""

    __tablename__ = "benefits"

    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = mapped_column(ForeignKey("initiatives.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(NAME_MAX))
    unit: Mapped[str] = mapped_column(String(UNIT_MAX), default="")
    baseline: Mapped[float]
    target: Mapped[float | None]
    forecast: Mapped[float | None]
    actual: Mapped[float | None]
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(default=utc_now, onupdate=utc_now)
