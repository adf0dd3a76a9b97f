"""Spreadsheet downloads: the XLSX twin of csvio.write_csv and the one attachment response every export sends.

A CSV and an XLSX export of the same table hold the same rows. In the XLSX, text is neutralised exactly as
in the CSV (csvio.neutralise_cell), while numbers stay numbers and dates stay dates, so a spreadsheet can
sum and sort them; the header is bold and frozen, columns are sized to their contents, and an optional
"About" sheet says what the file holds.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Any

from flask import Response
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from .csvio import neutralise_cell, write_csv

CSV_MEDIA_TYPE = "text/csv"
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MIN_WIDTH, MAX_WIDTH, NOTES_WIDTH = 8, 60, 100
_SAFE_FILENAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
_BOLD = Font(bold=True)


def write_xlsx(
    header: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    sheet: str = "Export",
    notes: Sequence[str] = (),
    number_formats: Mapping[str, str] | None = None,
) -> bytes:
    """One sheet with the header and rows (plus an "About" sheet when there are notes), as XLSX bytes.

    number_formats maps a header name to an Excel number format for that column (e.g. "0.0000").
    """
    rows = [list(row) for row in rows]
    workbook = Workbook(write_only=True)
    table = workbook.create_sheet(sheet)
    table.freeze_panes = "A2"
    for index, width in enumerate(_widths(header, rows), start=1):
        table.column_dimensions[get_column_letter(index)].width = width
    formats = [(number_formats or {}).get(name) for name in header]
    table.append([_cell(table, name, font=_BOLD) for name in header])
    for row in rows:
        table.append(
            [
                _cell(table, value, number_format=formats[i] if i < len(formats) else None)
                for i, value in enumerate(row)
            ]
        )
    if notes:
        about = workbook.create_sheet("About")
        about.column_dimensions["A"].width = NOTES_WIDTH
        wrap = Alignment(wrap_text=True, vertical="top")
        about.append([_cell(about, "About this export", font=_BOLD)])
        for note in notes:
            about.append([_cell(about, note, alignment=wrap)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def download(body: bytes, mimetype: str, filename: str) -> Response:
    """The file as an attachment; the name is built by the app from ids and dates, never from user text."""
    if not _SAFE_FILENAME.fullmatch(filename):
        raise ValueError(f"unsafe download name: {filename!r}")
    return Response(
        body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{filename}"'}
    )


def table_download(
    kind: str,
    header: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    stem: str,
    sheet: str = "Export",
    notes: Sequence[str] = (),
    number_formats: Mapping[str, str] | None = None,
) -> Response:
    """The same table as a CSV or an XLSX attachment named `stem.kind`, so both formats share one route body."""
    if kind == "csv":
        return download(write_csv(header, rows), CSV_MEDIA_TYPE, f"{stem}.csv")
    if kind == "xlsx":
        body = write_xlsx(header, rows, sheet=sheet, notes=notes, number_formats=number_formats)
        return download(body, XLSX_MEDIA_TYPE, f"{stem}.xlsx")
    raise ValueError(f"unknown export format: {kind!r}")


def _cell(
    sheet,
    value: Any,
    *,
    font: Font | None = None,
    number_format: str | None = None,
    alignment: Alignment | None = None,
) -> WriteOnlyCell:
    if isinstance(value, str):
        # Strip first: removing a control character could otherwise uncover a formula prefix.
        value = neutralise_cell(ILLEGAL_CHARACTERS_RE.sub("", value))
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, date) and not isinstance(value, datetime):
        cell.number_format = "yyyy-mm-dd"
    elif number_format and isinstance(value, int | float) and not isinstance(value, bool):
        cell.number_format = number_format
    if font is not None:
        cell.font = font
    if alignment is not None:
        cell.alignment = alignment
    return cell


def _widths(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> list[float]:
    """Each column as wide as its longest value (a bold header a little wider), within sensible bounds."""
    widths = [len(str(name)) + 2 for name in header]
    for row in rows:
        for index, value in enumerate(row[: len(widths)]):
            widths[index] = max(widths[index], _text_length(value))
    return [min(max(width + 1, MIN_WIDTH), MAX_WIDTH) for width in widths]


def _text_length(value: Any) -> int:
    if value is None:
        return 0
    if isinstance(value, date):
        return 10
    return max((len(line) for line in str(value).splitlines()), default=0)
