"""CSV in and out for every import and export, so uploads are read and cells are written one safe way.

Reading: UTF-8 with or without a BOM, comma, semicolon or tab separated, columns found by header name
(case-insensitive, trimmed; spaces, hyphens and underscores alike). A bad file is rejected whole with
ValidationFailed, each Problem naming its data row (1 = the first row under the header) and column.

Writing: spreadsheet programs run cells that start with =, +, -, @, tab or carriage return as formulas
("CSV injection"); neutralise_cell() prefixes those with a single quote before any CSV or XLSX export.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence, Set
from datetime import date
from typing import IO, Any

from .validation import Problem, ValidationFailed

MAX_BYTES = 1_000_000
MAX_ROWS = 5_000
DELIMITERS = (",", ";", "\t")
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_ENCODING_HELP = "Save it as “CSV UTF-8” (in Excel: File › Save As › CSV UTF-8) and upload it again."


# A whole number as people and spreadsheets write it: plain digits, or digits in groups of three with one
# thousands separator (comma, full stop, space, no-break space, apostrophe), then optionally a decimal part of
# zeros ("1200.0", "1.000,0"). A separator followed by exactly three digits is always a thousands separator,
# so "1.000" and "1,000" are both 1000 in every file: never 1, whatever the file's language.
_WHOLE_NUMBER = re.compile(
    r"(?P<digits>\d{1,3}(?P<sep>[,. \u00a0\u202f'])\d{3}(?:(?P=sep)\d{3})*|\d+)(?:[.,]0+)?"
)


def whole_number(text: str) -> int | None:
    """The whole number a cell holds ('1200', '1,200', '1.200', '1 200', '1200.0', '1.200,0'), or None when
    it holds anything else ('12.5', '1,5', '1.2.3', '', 'ten')."""
    match = _WHOLE_NUMBER.fullmatch(text.strip())
    if match is None:
        return None
    digits = match.group("digits")
    separator = match.group("sep")
    if separator and text.strip()[match.end("digits") :].startswith(separator):
        return None  # "1,000,0": the decimal mark cannot also be the thousands separator
    return int(re.sub(r"\D", "", digits))


def header_key(name: str) -> str:
    """The form a header is matched in: 'Target element', 'target-element' and 'TARGET_ELEMENT' agree."""
    return re.sub(r"[\s_-]+", "_", name.replace("\ufeff", "").strip().lower())


def read_csv(
    source: bytes | str | IO[bytes],
    *,
    required: Sequence[str],
    optional: Sequence[str] = (),
    allow_extra: bool = False,
    extras: bool = False,
    max_bytes: int = MAX_BYTES,
    max_rows: int = MAX_ROWS,
) -> list[dict[str, Any]]:
    """Rows of an uploaded CSV as dicts keyed by the given column names, plus `row` (1-based data row).

    Values are trimmed strings ("" for an optional column the file lacks). Blank lines are skipped but
    still counted, so row numbers match what the user sees under the header. Raises ValidationFailed.
    With `extras`, columns not named are kept too: each record's "extras" maps their header keys to values.
    """
    columns = [header_key(c) for c in [*required, *optional]]
    text = _decode(_read_bytes(source, max_bytes))
    records = csv.reader(io.StringIO(text, newline=""), delimiter=_sniff_delimiter(text, columns))
    return read_cells(
        records,
        required=required,
        optional=optional,
        allow_extra=allow_extra,
        extras=extras,
        max_rows=max_rows,
    )


def read_cells(
    records: Iterator[list[str]],
    *,
    required: Sequence[str],
    optional: Sequence[str] = (),
    allow_extra: bool = False,
    extras: bool = False,
    max_rows: int = MAX_ROWS,
) -> list[dict[str, Any]]:
    """read_csv's rules over rows of cell texts from any file format (a CSV reader, a spreadsheet's sheet)."""
    names = [*required, *optional]
    columns = [header_key(c) for c in names]
    reserved = {"row", "extras"} if extras else {"row"}
    if reserved & set(columns) or len(set(columns)) != len(columns):
        raise ValueError(f"column names must be distinct and must not be {' or '.join(sorted(reserved))}")
    header = _read_header(records)
    found = _column_positions(header, list(required), names, allow_extra or extras)
    positions = {name: found[header_key(name)] for name in names}
    kept = {i: key for i, key in enumerate(header) if key and key not in columns} if extras else {}
    rows: list[dict[str, Any]] = []
    problems: list[Problem] = []
    number = 0
    while True:
        number += 1
        try:
            cells = next(records)
        except StopIteration:
            break
        except csv.Error as exc:
            raise ValidationFailed([Problem(f"This row cannot be read ({exc}).", row=number)]) from exc
        if not any(cell.strip() for cell in cells):
            continue
        if len(rows) >= max_rows:
            raise ValidationFailed.one(
                f"The file has more than {max_rows:,} rows. Split it into smaller files."
            )
        if any("\x00" in cell for cell in cells):
            problems.append(
                Problem("This row contains a NUL character; is the file really CSV text?", row=number)
            )
            continue
        used = {**positions, **{key: index for index, key in kept.items()}}
        problems += _stray_values(cells, header, used, number)
        record: dict[str, Any] = {"row": number}
        for key, index in positions.items():
            record[key] = _cell(cells, index)
        if extras:
            record["extras"] = {key: _cell(cells, index) for index, key in kept.items()}
        rows.append(record)
    if problems:
        raise ValidationFailed(problems)
    if not rows:
        raise ValidationFailed.one("The file has a header row but no data rows.")
    return rows


def _cell(cells: list[str], index: int | None) -> str:
    value = cells[index] if index is not None and index < len(cells) else ""
    return restore_cell(value.strip())


def _read_bytes(source: bytes | str | IO[bytes], max_bytes: int) -> bytes | str:
    data = source.read(max_bytes + 1) if hasattr(source, "read") else source
    if len(data) > max_bytes:
        raise ValidationFailed.one(
            f"The file is larger than {max_bytes / 1_000_000:g} MB. Split it into smaller files."
        )
    if not data or not (data.strip() if isinstance(data, str) else data.strip(b"\xef\xbb\xbf \t\r\n")):
        raise ValidationFailed.one("The file is empty.")
    return data


def _decode(data: bytes | str) -> str:
    if isinstance(data, str):
        return data.removeprefix("\ufeff")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ValidationFailed.one(f"The file is saved as UTF-16. {_ENCODING_HELP}")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationFailed.one(f"The file is not UTF-8 text. {_ENCODING_HELP}") from exc


def _sniff_delimiter(text: str, columns: Sequence[str]) -> str:
    """The separator that splits the header into the most expected columns (then the most columns)."""
    first_line = next((line for line in text.splitlines() if line.strip()), "")

    def score(delimiter: str) -> tuple[int, int]:
        cells = next(csv.reader([first_line], delimiter=delimiter), [])
        return sum(header_key(c) in columns for c in cells), len(cells)

    return max(DELIMITERS, key=score)  # max() keeps the first of equals: comma wins ties


def _read_header(records) -> list[str]:
    try:
        for cells in records:
            if any(cell.strip() for cell in cells):
                return [header_key(cell) for cell in cells]
    except csv.Error as exc:
        raise ValidationFailed.one(f"The header row cannot be read ({exc}).") from exc
    raise ValidationFailed.one("The file is empty.")


def _column_positions(
    header: list[str], required: list[str], names: list[str], allow_extra: bool
) -> dict[str, int | None]:
    """{header key: index in the file or None}; header problems all at once, named as the caller names them."""
    columns = [header_key(n) for n in names]
    problems = []
    seen: set[str] = set()
    for key in header:
        if key and key in seen:
            problems.append(Problem("This column appears more than once in the header.", column=key))
        seen.add(key)
    for name in required:
        if header_key(name) not in header:
            problems.append(Problem("This required column is missing from the header row.", column=name))
    if not allow_extra:
        for key in header:
            if key and key not in columns:
                expected = ", ".join(names)
                problems.append(
                    Problem(f"This column is not expected here (expected: {expected}).", column=key)
                )
    if problems:
        raise ValidationFailed(problems)
    return {key: (header.index(key) if key in header else None) for key in columns}


def _stray_values(cells: list[str], header: list[str], positions: dict, number: int) -> list[Problem]:
    """Values past the last header column, or under an empty header cell, would be silently lost."""
    used = {i for i in positions.values() if i is not None}
    problems = []
    for index, cell in enumerate(cells):
        if not cell.strip() or index in used:
            continue
        if index >= len(header):
            problems.append(Problem("This row has more values than the header has columns.", row=number))
            break
        if not header[index]:
            problems.append(Problem(f"Column {index + 1} has a value but no header.", row=number))
    return problems


def by_column(problems: list[Problem], columns: Mapping[str, str] | None = None) -> list[Problem]:
    """Problems a service names by field, named by the file's column instead (`columns` maps the fields whose
    column is called otherwise), so a row's message points at the cell to correct."""
    for problem in problems:
        if problem.row is not None and problem.column is None and problem.field:
            problem.column = (columns or {}).get(problem.field, problem.field)
    return problems


def neutralise_cell(value: Any) -> Any:
    """Make a cell safe for spreadsheets: text that would start a formula gets a leading single quote.

    Text that already starts with quotes before a formula character gets one more, so restore_cell()
    gives back exactly the original ("'=1" is written "''=1" and read back as "'=1").

    Numbers, dates and None pass through unchanged (a real -5 is not a formula); only text is changed.
    """
    if isinstance(value, str) and _quoted_when_written(value):
        return "'" + value
    return value


def restore_cell(value: str) -> str:
    """Undo neutralise_cell on import, so an exported file uploaded again keeps its original text."""
    if value.startswith("'") and _quoted_when_written(value[1:]):
        return value[1:]
    return value


def _quoted_when_written(text: str) -> bool:
    """Formula-like text, and text that merely looks neutralised ("'=x"), which must keep its own quote."""
    return text.lstrip("'").startswith(FORMULA_PREFIXES)


def neutralise_row(values: Iterable[Any]) -> list[Any]:
    return [neutralise_cell(v) for v in values]


def write_csv(header: Sequence[str], rows: Iterable[Sequence[Any]], *, european: bool = False) -> bytes:
    """A CSV export: UTF-8 with a BOM (Excel then reads accents correctly), every cell neutralised.

    `european` writes what Excel expects where the decimal mark is a comma (de, fr, ...): semicolons
    between cells and decimal commas in numbers (3,667), so the file opens in columns with numbers to sum."""
    buffer = io.StringIO(newline="")
    write_csv_to(buffer, header, rows, bom=False, european=european)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def write_csv_to(
    handle: IO[str],
    header: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    bom: bool = True,
    european: bool = False,
) -> int:
    """The same CSV as write_csv, written row by row to a text handle (so a million rows never sit in
    memory); returns the rows written."""
    if bom:
        handle.write("\ufeff")
    writer = csv.writer(handle, delimiter=";" if european else ",")
    writer.writerow(neutralise_row(header))
    written = 0
    for row in rows:
        cells = ("" if v is None else v for v in row)
        if european:
            cells = (decimal_comma(v) for v in cells)
        writer.writerow(neutralise_row(cells))
        written += 1
    return written


def decimal_comma(value: Any) -> Any:
    """A float written with a decimal comma (3.5 -> "3,5"); anything else unchanged."""
    if isinstance(value, float):
        return repr(value).replace(".", ",")
    return value


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def iso_day(text: str) -> date | None:
    """A cell written YYYY-MM-DD as a date; None for any other shape or a day not in the calendar."""
    if not _ISO_DATE.fullmatch(text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def name_or_id(text: str, by_name: Mapping[str, int], ids: Set[int]) -> int | None:
    """The record a cell names: by its case-folded name first (a record may be called "2024"), then by id."""
    key = text.strip().casefold()
    if key in by_name:
        return by_name[key]
    if key.isdigit() and int(key) in ids:
        return int(key)
    return None
