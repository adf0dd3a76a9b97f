"""The readiness table of an initiative as CSV and XLSX: one row per wave and group, plus each wave's overall.

The rows are the trend frame of `readiness.figures.initiative_report`, so the files hold the numbers the
pages and the API show. Shares stay fractions at full precision; suppressed rows keep n, invited and the
response rate and leave every score blank; every text cell is neutralised against formula injection.
"""

from __future__ import annotations

import io
from datetime import date
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from ..analytics.readiness import (
    BARRIER_COLUMNS,
    FAVORABLE_COLUMNS,
    MEAN_COLUMNS,
    OVERALL_NAME,
    REACHED_COLUMNS,
)
from ..analytics.rows import number, to_day
from ..csvio import neutralise_cell, write_csv
from ..plan.models import Initiative
from ..readiness.figures import InitiativeReadiness
from ..rules.anonymity import comment_threshold

XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SCORE_FIELDS: tuple[str, ...] = (
    *MEAN_COLUMNS,
    *FAVORABLE_COLUMNS,
    *BARRIER_COLUMNS,
    *REACHED_COLUMNS,
    "adoption",
    "resistance",
)
HEADER: tuple[str, ...] = (
    "wave_id",
    "wave",
    "closes_on",
    "group_id",
    "group",
    "n",
    "invited",
    "response_rate",
    "suppressed",
    *SCORE_FIELDS,
)


def readiness_rows(report: InitiativeReadiness) -> list[list[Any]]:
    """Rows in wave order (groups by id, then Overall); None where a value is blank."""
    rows = []
    for record in report.trend.to_dict("records"):
        overall = number(record["group_id"]) is None
        hidden = bool(record["suppressed"])
        rows.append(
            [
                int(record["wave_id"]),
                str(record["wave_name"]),
                to_day(record["closes_on"]),
                None if overall else int(record["group_id"]),
                OVERALL_NAME if overall else str(record["name"]),
                int(record["n"]),
                int(record["invited"]),
                number(record["response_rate"]),
                "yes" if hidden else "no",
                *(None if hidden else number(record[c]) for c in SCORE_FIELDS),
            ]
        )
    return rows


def notes(initiative: Initiative, k: int, generated_on: date) -> list[str]:
    """What the file holds and how to read it (the XLSX "About" sheet)."""
    return [
        f"Initiative: {initiative.name}. Go-live: {initiative.go_live.isoformat()}. "
        f"Exported on {generated_on.isoformat()}.",
        "One row per survey wave and stakeholder group, then the wave's Overall row pooling every response.",
        f"Minimum reporting group size k = {k}: a row with fewer than {k} responses (or hidden so that small "
        "groups cannot be worked out by subtraction from the overall) has suppressed = yes and no scores; "
        "n, invited and response_rate are still given.",
        "Shares are fractions from 0 to 1 at full precision (0.5 = 50%); means are on the 1-5 agreement scale.",
        "mean_<element>: mean of the respondents' element scores. favorable_<element>: share scoring 4.0 or "
        "more. barrier_<element>: share whose barrier point (the first element scoring 3.0 or lower) is that "
        "element; barrier_none: no barrier. reached_<element>: share who cleared every element up to and "
        "including it.",
        "adoption = reached_ability; resistance = barrier_awareness + barrier_desire.",
        f"Comments are not part of this file; they are shown only for groups of at least "
        f"{comment_threshold(k)} responses.",
    ]


def to_csv(rows: list[list[Any]]) -> bytes:
    """UTF-8 CSV with a BOM; every cell neutralised by csvio.write_csv."""
    return write_csv(HEADER, ([v.isoformat() if isinstance(v, date) else v for v in row] for row in rows))


def to_xlsx(rows: list[list[Any]], about: list[str]) -> bytes:
    """A "Readiness" sheet with the same rows as the CSV and an "About" sheet with the notes."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Readiness")
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    sheet.append([_cell(sheet, label, font=bold) for label in HEADER])
    for row in rows:
        sheet.append([_cell(sheet, value) for value in row])
    info = workbook.create_sheet("About")
    info.append([_cell(info, "About this export", font=bold)])
    for note in about:
        info.append([_cell(info, note)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def filename(initiative: Initiative, extension: str, on: date) -> str:
    """A safe download name (initiative names may hold any character)."""
    return f"initiative-{initiative.id}-readiness-{on.isoformat()}.{extension}"


def _cell(sheet, value: Any, *, font: Font | None = None) -> WriteOnlyCell:
    if isinstance(value, str):
        value = neutralise_cell(ILLEGAL_CHARACTERS_RE.sub("", value))
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, date):
        cell.number_format = "yyyy-mm-dd"
    if font is not None:
        cell.font = font
    return cell
