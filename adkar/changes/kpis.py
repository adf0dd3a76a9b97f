"""Change KPIs of an initiative, aggregated in the database: change success rate, lead time from request to
implementation (deployment speed), and incidents linked to each change within N days after it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Float, and_, case, cast, func, select

from ..extensions import db
from ..plan.models import Milestone
from .models import ChangeRecord, Incident

DONE = ("successful", "failed", "rolled_back")
INCIDENT_DAYS = 7


@dataclass(frozen=True)
class ChangeKpis:
    implemented: int  # changes with a result
    successful: int
    success_rate: float | None  # successful / implemented
    lead_time_days: float | None  # mean of implemented_at - requested_at (else the day it was recorded)
    incident_days: int
    incidents: int  # incidents opened within incident_days after their change's implementation
    changes_with_incidents: int


def _days(later: Any, earlier: Any) -> Any:
    """later - earlier in days, as a float, on either engine."""
    if db.engine.dialect.name == "sqlite":
        return cast(func.julianday(later) - func.julianday(earlier), Float)
    return cast(func.extract("epoch", later - earlier) / 86400.0, Float)


def change_kpis(initiative_id: int, *, incident_days: int = INCIDENT_DAYS) -> ChangeKpis:
    mine = (
        select(ChangeRecord.id)
        .join(Milestone, Milestone.id == ChangeRecord.milestone_id)
        .where(Milestone.initiative_id == initiative_id, ChangeRecord.result.in_(DONE))
    )
    totals = db.session.execute(
        select(
            func.count(ChangeRecord.id),
            func.coalesce(func.sum(case((ChangeRecord.result == "successful", 1), else_=0)), 0),
            cast(
                func.avg(
                    case(
                        (
                            ChangeRecord.implemented_at.is_not(None),
                            _days(
                                ChangeRecord.implemented_at,
                                func.coalesce(ChangeRecord.requested_at, ChangeRecord.created_at),
                            ),
                        )
                    )
                ),
                Float,
            ),
        ).where(ChangeRecord.id.in_(mine))
    ).one()
    after = _days(Incident.opened_at, ChangeRecord.implemented_at)
    linked = db.session.execute(
        select(func.count(Incident.id), func.count(func.distinct(Incident.change_record_id)))
        .join(ChangeRecord, ChangeRecord.id == Incident.change_record_id)
        .where(
            ChangeRecord.id.in_(mine),
            and_(after >= 0, after <= incident_days),
        )
    ).one()
    implemented, successful, lead = int(totals[0]), int(totals[1]), totals[2]
    return ChangeKpis(
        implemented=implemented,
        successful=successful,
        success_rate=successful / implemented if implemented else None,
        lead_time_days=None if lead is None else float(lead),
        incident_days=incident_days,
        incidents=int(linked[0]),
        changes_with_incidents=int(linked[1]),
    )
