"""Reading KPI measurements from an uploaded CSV: kpi (name or id), date, value.

Every problem of the file is reported at once, by row and column; the service then stores all or nothing.
"""

from __future__ import annotations

import re
from datetime import date
from typing import IO

from .. import csvio
from ..validation import Problem, ValidationFailed
from .measurements import MAX_MEASUREMENTS
from .models import Kpi

COLUMNS = (
    ("kpi", "The KPI's name (as on the KPI page, any case) or its id."),
    ("date", "The day the value describes, written YYYY-MM-DD (e.g. 2026-03-31); not in the future."),
    ("value", "The measured value in the KPI's unit: a number, decimals with a full stop (12.5)."),
)
FIELD_COLUMNS = {"kpi_id": "kpi", "date": "date", "value": "value"}
# No thousands separators: "1,200" might be 1.2 or 1200 depending on who wrote it, so it is refused.
_DECIMAL = re.compile(r"[+-]?\d+(\.\d+)?")


def example_csv(kpis: list[Kpi]) -> bytes:
    names = [k.name for k in kpis[:2]] or ["Ticket resolution hours"]
    rows = [(name, day, value) for day, value in (("2026-03-02", 26.5), ("2026-03-09", 24)) for name in names]
    return csvio.write_csv([c for c, _ in COLUMNS], rows)


def decimal(text: str) -> float | None:
    """ "12.5" → 12.5, "-3" → -3.0; None for anything else (commas, units, blanks)."""
    text = text.strip()
    return float(text) if _DECIMAL.fullmatch(text) else None


def parse_kpi_csv(upload: bytes | IO[bytes], kpis: list[Kpi]) -> list[dict]:
    """Rows for `measurements.import_measurements`; ValidationFailed with every shape problem of the file."""
    records = csvio.read_csv(upload, required=[c for c, _ in COLUMNS], max_rows=MAX_MEASUREMENTS)
    by_name = {k.name.strip().casefold(): k.id for k in kpis}
    ids = {k.id for k in kpis}
    problems: list[Problem] = []
    rows = []
    for record in records:
        row = record["row"]
        kpi_id = csvio.name_or_id(record["kpi"], by_name, ids)
        if kpi_id is None:
            message = (
                f"No KPI “{record['kpi']}” in this initiative." if record["kpi"] else "The KPI is required."
            )
            problems.append(Problem(message, row=row, column="kpi"))
        day = csvio.iso_day(record["date"])
        if day is None:
            problems.append(
                Problem(f"“{record['date']}” is not a date written YYYY-MM-DD.", row=row, column="date")
            )
        value = decimal(record["value"])
        if value is None:
            text = record["value"]
            message = (
                f"“{text}” is not a number written like 12.5 (no thousands separators)."
                if text
                else "The value is required."
            )
            problems.append(Problem(message, row=row, column="value"))
        rows.append({"row": row, "kpi_id": kpi_id, "day": day, "value": value})
    if problems:
        raise ValidationFailed(problems)
    return rows

    try:
        return date.fromisoformat(text)
    except ValueError:
        return None
