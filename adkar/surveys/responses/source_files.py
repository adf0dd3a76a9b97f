"""Reading the files survey tools really write, whatever their encoding, separator and header rows.

Microsoft Forms and Google Forms write one header row, SurveyMonkey two (the question, then "Response" or the
matrix statement), Qualtrics three (codes, texts, then {"ImportId": ...}); LimeSurvey writes semicolons in
Windows-1252 when asked to. `read_source` works out which, says so in plain words (`SourceTable.described`),
and gives every column as the file writes it, so each problem can name the column the practitioner sees.
Rows are numbered as a spreadsheet numbers them: the first header row is row 1.
"""

from __future__ import annotations

import csv
import io
import json
import warnings
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from ...spreadsheet import cell_text, is_xlsx
from ...validation import ValidationFailed

MAX_BYTES = 6_000_000
DELIMITERS = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
SAMPLE_CHARS = 64_000
_SUBHEADER_WORDS = {
    "response",
    "open-ended response",
    "other (please specify)",
    "antwort",
    "offene antwort",
    "réponse",
    "réponse ouverte",
}
"""What SurveyMonkey writes in its second header row under a question with one answer column."""
_SAVE_AS_HELP = (
    "Save it from your spreadsheet as “CSV UTF-8” or “Excel Workbook (.xlsx)” and upload it again."
)


@dataclass(frozen=True)
class SourceColumn:
    """One column: `name` as the file writes it (for messages), `letter` as a spreadsheet shows it, and every
    text the file gives it (code, question, statement), which the mapping step matches against the survey."""

    index: int
    name: str
    texts: tuple[str, ...]
    import_id: str = ""

    @property
    def letter(self) -> str:
        return get_column_letter(self.index + 1)


@dataclass
class SourceTable:
    kind: str  # "csv" or "xlsx"
    encoding: str = ""
    delimiter: str = ""
    header_rows: int = 1
    columns: list[SourceColumn] = field(default_factory=list)
    rows: list[tuple[int, list[str]]] = field(default_factory=list)
    """(row number as a spreadsheet shows it, cell texts) of every non-blank data row."""

    @property
    def described(self) -> str:
        """How the file was read, e.g. "Read as UTF-16, semicolon-separated, 2 header rows"."""
        if self.kind == "xlsx":
            parts = ["Read as an Excel workbook (first sheet)"]
        else:
            parts = [f"Read as {self.encoding}", f"{DELIMITERS[self.delimiter]}-separated"]
        parts.append("1 header row" if self.header_rows == 1 else f"{self.header_rows} header rows")
        return ", ".join(parts)


def read_source(data: bytes, filename: str = "", *, max_bytes: int = MAX_BYTES) -> SourceTable:
    """The table an uploaded CSV or XLSX holds; ValidationFailed when it cannot be read, saying how to fix it."""
    if len(data) > max_bytes:
        raise ValidationFailed.one(
            f"The file is larger than {max_bytes / 1_000_000:g} MB. Split it into smaller files."
        )
    if not data.strip(b"\xef\xbb\xbf\xff\xfe\x00 \t\r\n"):
        raise ValidationFailed.one("The file is empty.")
    if is_xlsx(data, filename):
        table = SourceTable(kind="xlsx")
        records: Iterator[list[str]] = _xlsx_records(data)
    else:
        text, encoding = decode(data)
        delimiter = sniff_delimiter(text)
        table = SourceTable(kind="csv", encoding=encoding, delimiter=delimiter)
        records = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    _fill(table, records)
    return table


def decode(data: bytes) -> tuple[str, str]:
    """(text, how it was read): a BOM decides (UTF-8, UTF-16), else UTF-8, else Windows-1252."""
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8"), "UTF-8 (with BOM)"
        except UnicodeDecodeError as exc:
            raise ValidationFailed.one(f"The file starts like UTF-8 but is not. {_SAVE_AS_HELP}") from exc
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError as exc:
            raise ValidationFailed.one(f"The file starts like UTF-16 but is not. {_SAVE_AS_HELP}") from exc
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError as exc:
        raise ValidationFailed.one(f"The file's text encoding cannot be recognised. {_SAVE_AS_HELP}") from exc


def sniff_delimiter(text: str) -> str:
    """The separator csv.Sniffer finds in a sample, kept when it splits the first rows into equal widths;
    otherwise the one that does (most columns first, then comma, semicolon, tab, pipe)."""
    sample = text[:SAMPLE_CHARS]
    if len(text) > SAMPLE_CHARS:  # a cut line would look like a row of another width
        sample = sample[: sample.rfind("\n") + 1] or sample
    try:
        found = csv.Sniffer().sniff(sample, delimiters="".join(DELIMITERS)).delimiter
    except csv.Error:
        found = ""
    widths = {d: _widths(sample, d) for d in DELIMITERS}
    if found in widths and _consistent(widths[found]):
        return found
    consistent = [d for d in DELIMITERS if _consistent(widths[d])]
    candidates = consistent or list(DELIMITERS)
    return max(candidates, key=lambda d: max(widths[d], default=0))


def _widths(sample: str, delimiter: str) -> list[int]:
    try:
        rows = list(csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter))
    except csv.Error:
        return []
    return [len(row) for row in rows[:50] if any(cell.strip() for cell in row)]


def _consistent(widths: list[int]) -> bool:
    return bool(widths) and widths[0] > 1 and all(w <= widths[0] for w in widths)


def _xlsx_records(data: bytes) -> Iterator[list[str]]:
    """The first sheet's rows, streamed (openpyxl read-only), as cell texts."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError, OSError) as exc:
        raise ValidationFailed.one(f"The file cannot be read as an Excel workbook. {_SAVE_AS_HELP}") from exc
    try:
        if not workbook.worksheets:
            raise ValidationFailed.one("The workbook has no sheet.")
        for values in workbook.worksheets[0].iter_rows(values_only=True):
            cells = [cell_text(value) for value in values]
            while cells and not cells[-1]:
                cells.pop()
            yield cells
    finally:
        workbook.close()


def _fill(table: SourceTable, records: Iterator[list[str]]) -> None:
    """Header rows (one, two or three, recognised by their content), then the data rows, numbered."""
    head: list[list[str]] = []
    number = 0
    try:
        for cells in records:
            number += 1
            if not head and not any(c.strip() for c in cells):
                continue
            if len(head) < 3 and (not head or _still_header(head, cells)):
                head.append(cells)
                continue
            if any(c.strip() for c in cells):
                table.rows.append((number, [c.strip() for c in cells]))
    except csv.Error as exc:
        raise ValidationFailed.one(f"Row {number + 1} cannot be read ({exc}). {_SAVE_AS_HELP}") from exc
    if not head:
        raise ValidationFailed.one("The file is empty.")
    table.header_rows = len(head)
    table.columns = _columns(head)
    if not table.rows:
        raise ValidationFailed.one("The file has a header but no rows of answers.")


def _still_header(head: list[list[str]], cells: list[str]) -> bool:
    """Row 2 of SurveyMonkey (blanks, "Response", statements under a question) and row 2 and 3 of Qualtrics
    (texts, then {"ImportId": ...})."""
    if any(c.strip().startswith('{"ImportId"') for c in cells):
        return True
    if len(head) == 1:
        first = head[0]
        words = [c.strip().casefold() for c in cells]
        if any(w in _SUBHEADER_WORDS for w in words):
            return True
        if _qualtrics_codes(first):  # Qualtrics: row 2 holds the question texts
            return True
        # SurveyMonkey matrix: row 1 leaves blanks where row 2 names the statements, and row 2 leaves column A
        # blank, where every data row has its respondent's id
        blanks_filled = [
            i for i, c in enumerate(cells) if c.strip() and i < len(first) and not first[i].strip()
        ]
        return bool(blanks_filled) and not (cells[0].strip() if cells else "")
    return False


def _qualtrics_codes(first: list[str]) -> bool:
    return {"ResponseId", "StartDate"} <= {c.strip() for c in first}


def _columns(head: list[list[str]]) -> list[SourceColumn]:
    width = max(len(row) for row in head)
    rows = [[*row, *[""] * (width - len(row))] for row in head]
    qualtrics = len(rows) == 3 and any(c.strip().startswith('{"ImportId"') for c in rows[2])
    columns = []
    question = ""
    texts: tuple[str, ...]
    seen: set[str] = set()
    for index in range(width):
        cells = [row[index].strip() for row in rows]
        if qualtrics:  # the code (the column's name), the text; the ImportId row names tool fields
            name, texts, import_id = cells[0], (cells[0], cells[1]), _import_id(cells[2])
        elif len(rows) == 2:  # SurveyMonkey: a question over "Response", or over its matrix statements
            question = cells[0] or question
            top, sub = cells[0] or question, cells[1]
            if not sub or sub.casefold() in _SUBHEADER_WORDS:
                name, texts = top, (top,)
            else:
                name, texts = sub, (sub, f"{top} - {sub}", top)
            import_id = ""
        else:
            name, texts, import_id = cells[0], (cells[0],), ""
        if name and name in seen:  # two columns of one name: the letter tells them apart in every message
            name = f"{name} ({get_column_letter(index + 1)})"
        seen.add(name)
        columns.append(SourceColumn(index, name, tuple(t for t in texts if t), import_id=import_id))
    return columns


def _import_id(cell: str) -> str:
    try:
        value = json.loads(cell)
    except ValueError:
        return ""
    return str(value.get("ImportId", "")) if isinstance(value, dict) else ""
