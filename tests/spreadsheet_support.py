"""Reading downloaded CSV and XLSX exports back, to compare the two formats cell by cell."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

from openpyxl import load_workbook

from adkar.csvio import FORMULA_PREFIXES

XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


def workbook(response):
    assert response.status_code == 200, response.status_code
    assert response.mimetype == XLSX_MEDIA_TYPE
    return load_workbook(io.BytesIO(response.data))


def sheet_rows(sheet) -> list[list]:
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def xlsx_rows(response) -> list[list]:
    """The first sheet's rows (openpyxl reads date cells back as midnight datetimes)."""
    return sheet_rows(workbook(response).worksheets[0])


def same_cell(text: str, value) -> bool:
    """Does an XLSX cell hold what the CSV cell says? Blank is None; dates and numbers are typed."""
    if value is None:
        return text == ""
    if isinstance(value, datetime):
        return value.time() == datetime.min.time() and text == value.date().isoformat()
    if isinstance(value, date):
        return text == value.isoformat()
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return text == str(value)
    if isinstance(value, float):
        return float(text) == value
    return text == value


def assert_same_table(csv_table: list[list[str]], xlsx_table: list[list]) -> None:
    assert len(csv_table) == len(xlsx_table)
    for csv_row, xlsx_row in zip(csv_table, xlsx_table, strict=True):
        assert len(csv_row) == len(xlsx_row), (csv_row, xlsx_row)
        mismatched = [(t, v) for t, v in zip(csv_row, xlsx_row, strict=True) if not same_cell(t, v)]
        assert not mismatched, (csv_row, xlsx_row)


def formula_like(values) -> list[str]:
    return [v for v in values if isinstance(v, str) and v.startswith(FORMULA_PREFIXES)]


def day(value: date) -> datetime:
    """A date as openpyxl reads it back from a date cell."""
    return datetime(value.year, value.month, value.day)
