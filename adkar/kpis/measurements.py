"""KPI measurements: stored all or nothing (CSV now, the API later), and each KPI's status read from them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..accounts.models import User
from ..audit import services as audit
from ..database import begin_write
from ..dates import date_problem
from ..extensions import db
from ..plan.models import Initiative
from ..timeutil import today as current_day
from ..validation import Problem, ValidationFailed
from .checks import number_problem
from .models import Kpi, KpiMeasurement
from .status import KpiStatus, kpi_status

MAX_MEASUREMENTS = 5000


def measurement_problems(
    item: Mapping[str, Any], kpis: Mapping[int, Kpi], *, row: int | None, today: date
) -> list[Problem]:
    """Rules for one measurement {"kpi_id", "day", "value"}; problems name the row and field."""
    problems = []
    kpi_id = item.get("kpi_id")
    if not isinstance(kpi_id, int) or kpi_id not in kpis:
        problems.append(Problem("Choose a KPI of this initiative.", field="kpi_id", row=row))
    day = item.get("day")
    if not isinstance(day, date):
        problems.append(Problem("Enter the date as YYYY-MM-DD.", field="date", row=row))
    elif (implausible := date_problem(day, "date", row=row)) is not None:
        problems.append(implausible)
    elif day > today:
        message = f"{day.isoformat()} is in the future; a KPI can only be measured for past days."
        problems.append(Problem(message, field="date", row=row))
    if (bad := number_problem(item.get("value"), "value", label="The value", row=row)) is not None:
        problems.append(bad)
    return problems


def import_measurements(
    *, initiative: Initiative, actor: User, rows: Iterable[Mapping[str, Any]], source: str
) -> tuple[int, int]:
    """Store measurements all-or-nothing; one for a KPI and day that exists replaces it.

    rows: {"kpi_id", "day", "value", "row"?}; returns (created, replaced).
    """
    rows = list(rows)
    today = current_day()
    begin_write()
    kpis = {k.id: k for k in db.session.scalars(select(Kpi).where(Kpi.initiative_id == initiative.id))}
    problems: list[Problem] = [] if rows else [Problem("Send at least one measurement.")]
    if len(rows) > MAX_MEASUREMENTS:
        problems.append(Problem(f"Send at most {MAX_MEASUREMENTS:,} measurements at a time."))
    seen: dict[tuple[int, date], int] = {}
    for number, item in enumerate(rows, start=1):
        row = item.get("row", number)
        found = measurement_problems(item, kpis, row=row, today=today)
        if not found:
            key = (item["kpi_id"], item["day"])
            if key in seen:
                found.append(
                    Problem(f"This KPI and date appear twice (also row {seen[key]}).", field="date", row=row)
                )
            seen.setdefault(key, row)
        problems += found
    if problems:
        db.session.rollback()
        raise ValidationFailed(problems)
    existing = {
        (m.kpi_id, m.day): m
        for m in db.session.scalars(select(KpiMeasurement).where(KpiMeasurement.kpi_id.in_(list(kpis))))
    }
    created = replaced = 0
    for item in rows:
        value = float(item["value"])
        measurement = existing.get((item["kpi_id"], item["day"]))
        if measurement is None:
            db.session.add(KpiMeasurement(kpi_id=item["kpi_id"], day=item["day"], value=value))
            created += 1
        elif measurement.value != value:
            measurement.value = value
            replaced += 1
    audit.record(
        user_id=actor.id,
        action="kpi_measurement.import",
        target_type="initiative",
        target_id=initiative.id,
        initiative_id=initiative.id,
        detail={"source": source, "created": created, "replaced": replaced, "rows": len(rows)},
    )
    db.session.commit()
    return created, replaced


def delete_measurement(*, measurement: KpiMeasurement, actor: User) -> None:
    begin_write()
    audit.record(
        user_id=actor.id,
        action="kpi_measurement.delete",
        target_type="kpi_measurement",
        target_id=measurement.id,
        initiative_id=measurement.kpi.initiative_id,
        detail={"kpi": measurement.kpi.name, "date": measurement.day.isoformat(), "value": measurement.value},
    )
    db.session.delete(measurement)
    db.session.commit()


@dataclass(frozen=True)
class KpiView:
    """A KPI with its measurements (oldest first) and the status they give it."""

    kpi: Kpi
    points: list[tuple[date, float]]
    result: KpiStatus

    @property
    def status(self) -> str:
        return self.result.status


def status_of(kpi: Kpi) -> KpiView:
    points = [(m.day, m.value) for m in kpi.measurements]
    return KpiView(
        kpi, points, kpi_status(points, direction=kpi.direction, target=kpi.target, due=kpi.due_on)
    )


def kpi_views(initiative_id: int) -> list[KpiView]:
    """Every KPI of the initiative by name, with its status (measurements loaded in one query)."""
    kpis = db.session.scalars(
        select(Kpi)
        .where(Kpi.initiative_id == initiative_id)
        .options(selectinload(Kpi.measurements))
        .order_by(Kpi.name)
    )
    return [status_of(kpi) for kpi in kpis]
