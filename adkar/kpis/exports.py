"""The KPI exports' rows: one per KPI with its status, one per measurement, one per benefit.

Plain lists for `spreadsheet.table_download`, which neutralises formula-like cells in CSV and XLSX alike.
"""

from __future__ import annotations

from collections.abc import Sequence

from .measurements import KpiView
from .models import Benefit
from .status import STATUS_LABELS

KPI_HEADER = (
    "kpi",
    "kpi_id",
    "unit",
    "direction",
    "baseline",
    "target",
    "due_on",
    "owner",
    "source",
    "legacy",
    "status",
    "latest_date",
    "latest_value",
    "projected_at_due",
    "explanation",
)
MEASUREMENT_HEADER = ("kpi", "kpi_id", "date", "value")  # the import's columns, so a file goes back in
BENEFIT_HEADER = ("benefit", "benefit_id", "unit", "baseline", "target", "forecast", "actual")


def plain(value: float | None) -> float | int | None:
    """30.0 as 30, so the CSV says "30" as the spreadsheet does; other numbers as they are."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


def kpi_rows(views: Sequence[KpiView]) -> list[list]:
    rows = []
    for view in views:
        kpi, result = view.kpi, view.result
        latest_day, latest_value = result.latest if result.latest else (None, None)
        rows.append(
            [
                kpi.name,
                kpi.id,
                kpi.unit,
                kpi.direction,
                plain(kpi.baseline),
                plain(kpi.target),
                kpi.due_on,
                kpi.owner,
                kpi.source,
                "yes" if kpi.legacy else "no",
                STATUS_LABELS[result.status],
                latest_day,
                plain(latest_value),
                None if result.projected is None else plain(round(result.projected, 4)),
                kpi.explanation,
            ]
        )
    return rows


def measurement_rows(views: Sequence[KpiView]) -> list[list]:
    return [[view.kpi.name, view.kpi.id, day, plain(value)] for view in views for day, value in view.points]


def benefit_rows(benefits: Sequence[Benefit]) -> list[list]:
    return [
        [b.name, b.id, b.unit, *(plain(v) for v in (b.baseline, b.target, b.forecast, b.actual))]
        for b in benefits
    ]
