"""Spreadsheets: the XLSX twin of csvio.write_csv and of csvio.read_csv, and the one attachment response every
export sends.

A CSV and an XLSX export of the same table hold the same rows. In the XLSX, text is neutralised exactly as
in the CSV (csvio.neutralise_cell), while numbers stay numbers and dates stay dates, so a spreadsheet can
sum and sort them; the header is bold and frozen, columns are sized to their contents, and an optional
"About" sheet says what the file holds. An uploaded XLSX is read (its first sheet) by the rules of
csvio.read_cells, so a CSV and an XLSX import of the same table give the same rows and the same problems.
"""

from __future__ import annotations

import io
import re
import warnings
import zipfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date, datetime, time
from typing import IO, Any

from flask import Response
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from .csvio import MAX_BYTES, MAX_ROWS, neutralise_cell, read_cells, write_csv
from .validation import ValidationFailed

CSV_MEDIA_TYPE = "text/csv"
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MIN_WIDTH, MAX_WIDTH, NOTES_WIDTH = 8, 60, 100
_SAFE_FILENAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
_BOLD = Font(bold=True)
XLSX_SIGNATURE = b"PK\x03\x04"  # an XLSX file is a zip archive
BLANK_ROWS_ALLOWED = 10_000  # empty but formatted rows a sheet may hold beyond its data before it is refused


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


def is_xlsx(data: bytes, filename: str = "") -> bool:
    """An upload is read as XLSX when it is named so or starts like a zip archive (CSV text never does)."""
    return filename.lower().endswith(".xlsx") or data.startswith(XLSX_SIGNATURE)


def read_xlsx(
    source: bytes | IO[bytes],
    *,
    required: Sequence[str],
    optional: Sequence[str] = (),
    allow_extra: bool = False,
    extras: bool = False,
    max_bytes: int = MAX_BYTES,
    max_rows: int = MAX_ROWS,
) -> list[dict[str, Any]]:
    """The first sheet of an uploaded workbook, as csvio.read_csv reads a CSV: the same records and problems.

    Opened read-only (rows are streamed, never the whole sheet in memory) with formulas' cached values; numbers
    become their text (12, not 12.0) and dates YYYY-MM-DD. Raises ValidationFailed.
    """
    data = source.read(max_bytes + 1) if hasattr(source, "read") else source
    if len(data) > max_bytes:
        raise ValidationFailed.one(
            f"The file is larger than {max_bytes / 1_000_000:g} MB. Split it into smaller files."
        )
    if not data:
        raise ValidationFailed.one("The file is empty.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about styles and extensions it does not read
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError, OSError) as exc:
        raise ValidationFailed.one(
            "The file cannot be read as an XLSX workbook. Save it from Excel as “Excel Workbook (.xlsx)”, "
            "or as “CSV UTF-8”, and upload it again."
        ) from exc
    try:
        sheet = workbook.worksheets[0] if workbook.worksheets else None
        if sheet is None:
            raise ValidationFailed.one("The workbook has no sheet.")
        return read_cells(
            _sheet_rows(sheet, limit=max_rows + BLANK_ROWS_ALLOWED),
            required=required,
            optional=optional,
            allow_extra=allow_extra,
            extras=extras,
            max_rows=max_rows,
        )
    finally:
        workbook.close()


def _sheet_rows(sheet, *, limit: int) -> Iterator[list[str]]:
    for count, values in enumerate(sheet.iter_rows(values_only=True), start=1):
        if count > limit:
            raise ValidationFailed.one(
                f"The sheet has more than {limit:,} rows. Split it into smaller files."
            )
        cells = [cell_text(value) for value in values]
        while cells and not cells[-1]:
            cells.pop()
        yield cells


def cell_text(value: Any) -> str:
    """A spreadsheet value as the text a CSV export of it would hold."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(sep=" ")
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value)
