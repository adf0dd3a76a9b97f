"""Anonymous exports of a wave's responses (CSV and XLSX) that keep the product's anonymity promise.

Groups hidden by suppression (fewer than k responses, or hidden by complementary suppression) are pooled
under one label, so no row can be tied to a group of fewer than k people; a wave with fewer than k responses
exports no rows. Comments come only from visible groups of at least max(k, 10). Dates are the wave's
closing date, rows are in random order, and every text cell is neutralised against formula injection.

Rows are streamed: plan_export decides the pooling from one GROUP BY, stream_rows then reads the responses
through a server-side cursor and checks they still add up to those counts (ExportChanged otherwise), so a
file of a million rows is written with memory flat in the number of rows (docs/scale.md).
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import IO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from sqlalchemy import func, select

from ...csvio import neutralise_cell, neutralise_row, write_csv
from ...elements import BARRIER_CHOICES, ELEMENT_LABELS, ELEMENTS
from ...extensions import db
from ...plan.models import StakeholderGroup
from ...rules.anonymity import comment_threshold, comments_shown, hidden_groups
from ..definitions.survey import SurveyDefinition, item_text
from ..models import Response, Wave, WaveGroup
from .publication import held_by_wave

POOLED_LABEL = "Other groups (each under {k})"
EXPORT_LANGUAGE = "en"
SCORE_DECIMALS = 3
STREAM_BATCH = 2_000  # rows fetched from the cursor at a time
ATTEMPTS = 3  # reads of a wave whose responses change meanwhile, before giving up
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass
class WaveExport:
    """The rows of one wave's anonymous export and what was withheld, for the files and the page."""

    wave: Wave
    k: int
    header: list[str]
    rows: list[list] = field(default_factory=list)
    total: int = 0
    held: int = 0
    pooled_groups: list[str] = field(default_factory=list)
    pooled_count: int = 0
    comment_groups: list[str] = field(default_factory=list)
    # What plan_export decided, for stream_rows: each group's label (its name or the pool) and count.
    labels: dict[int, str] = field(default_factory=dict)
    counts: dict[int, int] = field(default_factory=dict)
    with_comments: set[int] = field(default_factory=set)
    item_ids: list[str] = field(default_factory=list)
    has_comment: bool = False

    @property
    def withheld(self) -> str | None:
        """Why the export holds no rows, or None when it holds them."""
        return withheld_reason(self.total, self.k, held=self.held)

    def notes(self) -> list[str]:
        """Plain-language notes on what the file holds and why, shown on the page and in the XLSX."""
        comment_k = comment_threshold(self.k)
        notes = [
            f"Wave: {self.wave.name} ({self.wave.opens_on.isoformat()} to {self.wave.closes_on.isoformat()}).",
            f"Minimum group size k = {self.k}: no row can be tied to a group of fewer than {self.k} responses.",
            "One row per response, in random order. Answers are 1 (strongly disagree) to 5 (strongly agree); "
            "element scores are the mean of the element's items; the barrier point is the first element "
            "scoring 3.0 or lower.",
            "The date column holds the wave's closing date, never the day or time of an answer.",
            f"Comments are included only for groups of at least {comment_k} responses that are not pooled.",
        ]
        if self.withheld:
            notes.insert(0, f"No rows: {self.withheld}")
        elif self.pooled_groups:
            notes.append(
                f"{len(self.pooled_groups)} group{'s' if len(self.pooled_groups) != 1 else ''} "
                f"({', '.join(self.pooled_groups)}) are pooled as “{POOLED_LABEL.format(k=self.k)}” "
                f"({self.pooled_count} responses): too small on their own, or hidden so the small ones "
                "cannot be worked out by subtraction."
            )
        return notes


def withheld_reason(total: int, k: int, *, held: int = 0) -> str | None:
    """Why a wave with `total` published responses (and `held` answers waiting) exports no rows (None when
    it exports them)."""
    if total == 0 and held:
        return (
            f"No responses are published yet: {held:,} answer{'s' if held != 1 else ''} "
            f"{'are' if held != 1 else 'is'} waiting until a group has {k} of one kind (survey links, "
            "the open link, or imports) to publish together, so that no one can be identified."
        )
    if total == 0:
        return "The wave has no responses yet."
    if total < k:
        return (
            f"The wave has {total} response{'s' if total != 1 else ''}; exports need at least {k} "
            "(the minimum group size) so that no one can be identified from their answers."
        )
    return None


def wave_total(wave: Wave) -> int:
    """Responses of the wave from the tally rows (cheap; the export itself recounts what it reads)."""
    total = db.session.scalar(
        select(func.coalesce(func.sum(WaveGroup.n), 0)).where(WaveGroup.wave_id == wave.id)
    )
    return int(total or 0)


def held_when_unpublished(wave: Wave, total: int) -> int:
    """Answers of the wave waiting for k of their group and kind (adkar.surveys.responses.publication), looked up
    only when it has `total` = 0 published: the one case `withheld_reason` explains them."""
    return 0 if total else held_by_wave(db.session.connection(), [wave.id]).get(wave.id, 0)


class ExportChanged(RuntimeError):
    """Responses were added or removed while the export was read: the rows no longer match the counts that
    decided which groups are pooled, so the file is thrown away and read again."""


def plan_export(wave: Wave, defn: SurveyDefinition, *, k: int) -> WaveExport:
    """Decide, from one GROUP BY of the wave's responses, which groups are pooled and which keep comments;
    no response row is read here (stream_rows reads them afterwards)."""
    groups = dict(
        db.session.execute(
            select(WaveGroup.group_id, StakeholderGroup.name)
            .join(StakeholderGroup, StakeholderGroup.id == WaveGroup.group_id)
            .where(WaveGroup.wave_id == wave.id)
        ).all()
    )
    counts = {
        int(group_id): int(n)
        for group_id, n in db.session.execute(
            select(Response.group_id, func.count())
            .where(Response.wave_id == wave.id)
            .group_by(Response.group_id)
        ).all()
    }
    total = sum(counts.values())
    export = WaveExport(
        wave=wave, k=k, header=_header(defn), total=total, held=held_when_unpublished(wave, total)
    )
    if export.withheld:
        return export
    for group_id in counts:
        groups.setdefault(group_id, f"Group {group_id}")  # a response whose group left the wave
    n = {group_id: counts.get(group_id, 0) for group_id in sorted(groups)}
    hidden = hidden_groups(n, k)
    with_comments = {
        group_id for group_id in groups if comments_shown(hidden=group_id in hidden, n=n[group_id], k=k)
    }
    export.pooled_groups = [groups[g] for g in sorted(groups) if g in hidden and n[g] > 0]
    export.pooled_count = sum(n[g] for g in hidden)
    export.comment_groups = [groups[g] for g in sorted(with_comments)]
    pooled = POOLED_LABEL.format(k=k)
    export.labels = {g: pooled if g in hidden else name for g, name in groups.items()}
    export.counts = counts
    export.with_comments = with_comments
    export.item_ids = [item.id for item in defn.items if item.question_type.widget != "textarea"]
    export.has_comment = len(export.item_ids) < len(defn.items)
    return export


def stream_rows(export: WaveExport, *, heartbeat: Callable[[], None] | None = None) -> Iterator[list]:
    """The export's rows, read through a server-side cursor on a connection of their own (yield_per: a few
    thousand rows in memory at a time, on SQLite and PostgreSQL), so the caller's session stays free.

    Raises ExportChanged when the rows read disagree with the counts plan_export pooled by: a file written
    from them must be discarded. `heartbeat` is called every STREAM_BATCH rows (a job renews its lease)."""
    closes_on, item_ids, has_comment = export.wave.closes_on, export.item_ids, export.has_comment
    labels, with_comments = export.labels, export.with_comments
    for record in _records(export, heartbeat):
        group_id = record[0]
        row: list = [labels[group_id], closes_on]
        row += [record[1].get(item_id) for item_id in item_ids]
        if has_comment:
            row.append(record[-1] if group_id in with_comments and record[-1] else None)
        row += [round(float(record[2 + i]), SCORE_DECIMALS) for i in range(len(ELEMENTS))]
        row.append(BARRIER_CHOICES[record[-2]])
        yield row


def _csv_rows(export: WaveExport, heartbeat: Callable[[], None] | None) -> Iterator[list]:
    """stream_rows as csvio.write_csv_to would write them (None as "", dates as YYYY-MM-DD, text
    neutralised), with what repeats on every row (labels, the date, barrier names) neutralised once: the
    per-row work is what decides a million-row export's speed (docs/scale.md)."""
    closes_on = export.wave.closes_on.isoformat()
    labels = {group_id: neutralise_cell(label) for group_id, label in export.labels.items()}
    barriers = [neutralise_cell(name) for name in BARRIER_CHOICES]
    item_ids, has_comment, with_comments = export.item_ids, export.has_comment, export.with_comments
    scores = range(2, 2 + len(ELEMENTS))
    for record in _records(export, heartbeat):
        group_id, answers = record[0], record[1]
        row: list = [labels[group_id], closes_on]
        for item_id in item_ids:
            value = answers.get(item_id)
            row.append("" if value is None else neutralise_cell(value) if isinstance(value, str) else value)
        if has_comment:
            comment = record[-1]
            row.append(neutralise_cell(comment) if comment and group_id in with_comments else "")
        row += [round(float(record[i]), SCORE_DECIMALS) for i in scores]
        row.append(barriers[record[-2]])
        yield row


def _records(export: WaveExport, heartbeat: Callable[[], None] | None) -> Iterator[tuple]:
    """(group_id, answers, five scores, barrier, comment) per response, checked against the plan's counts."""
    if export.withheld:
        return
    query = (
        select(
            Response.group_id,
            Response.answers,
            *(getattr(Response, f"score_{e}") for e in ELEMENTS),
            Response.barrier,
            Response.comment,
        )
        .where(Response.wave_id == export.wave.id)
        .order_by(Response.id)  # random ids: the order says nothing about when anyone answered
    )
    seen: Counter[int] = Counter()
    counts = export.counts
    with db.engine.connect() as connection:
        result = connection.execution_options(yield_per=STREAM_BATCH).execute(query)
        try:
            for index, record in enumerate(result, start=1):
                group_id = record[0]
                seen[group_id] += 1
                if seen[group_id] > counts.get(group_id, 0):
                    raise ExportChanged(f"group {group_id} has more responses than when the export began")
                yield record
                if heartbeat is not None and index % STREAM_BATCH == 0:
                    heartbeat()
        finally:
            result.close()  # a server-side cursor left open would outlive its connection
    if dict(seen) != {g: n for g, n in counts.items() if n}:
        raise ExportChanged("responses were removed while the export was read")


def build_export(wave: Wave, defn: SurveyDefinition, *, k: int) -> WaveExport:
    """The whole export in memory, for direct downloads of waves up to ADKAR_EXPORT_BACKGROUND_ROWS rows
    (larger waves stream to a file on a worker: write_csv_file / write_xlsx_file)."""
    for attempt in range(1, ATTEMPTS + 1):
        export = plan_export(wave, defn, k=k)
        try:
            export.rows = list(stream_rows(export))
        except ExportChanged:
            db.session.rollback()
            if attempt == ATTEMPTS:
                raise
            continue
        return export
    raise AssertionError("unreachable")


def _header(defn: SurveyDefinition) -> list[str]:
    header = ["Group", "Submitted"]
    comment = None
    for item in defn.items:
        label = f"{item.id}: {item_text(item, EXPORT_LANGUAGE)}"
        if item.question_type.widget == "textarea":
            comment = comment or label
        else:
            header.append(label)
    if comment:
        header.append(comment)
    header += [f"{ELEMENT_LABELS[e]} score" for e in ELEMENTS]
    header.append("Barrier point")
    return header


def to_csv(export: WaveExport, *, european: bool = False) -> bytes:
    """UTF-8 CSV with a BOM; dates as YYYY-MM-DD; every text cell neutralised (csvio.write_csv); with
    `european`, semicolon-separated with decimal commas."""
    return write_csv(export.header, ([_csv_value(v) for v in row] for row in export.rows), european=european)


def write_csv_file(
    export: WaveExport, handle: IO[bytes], *, heartbeat: Callable[[], None] | None = None
) -> int:
    """The same bytes as to_csv, written row by row from the cursor to a binary file; returns the rows.
    Raises ExportChanged (the file is then incomplete and must be discarded)."""
    text = io.TextIOWrapper(handle, encoding="utf-8", newline="", write_through=False)
    try:
        text.write("\ufeff")
        writer = csv.writer(text)
        writer.writerow(neutralise_row(export.header))
        written = 0
        for row in _csv_rows(export, heartbeat):
            writer.writerow(row)
            written += 1
        return written
    finally:
        text.flush()
        text.detach()


def _csv_value(value):
    return value.isoformat() if isinstance(value, date) else value


def to_xlsx(export: WaveExport) -> bytes:
    """The same rows as the CSV in a "Responses" sheet, plus an "About" sheet with the notes."""
    buffer = io.BytesIO()
    _write_xlsx(export, export.rows, buffer)
    return buffer.getvalue()


def write_xlsx_file(
    export: WaveExport, handle: IO[bytes], *, heartbeat: Callable[[], None] | None = None
) -> int:
    """The same workbook as to_xlsx, streamed: openpyxl's write-only mode keeps only the current row in memory
    (each sheet goes to a temporary file until the zip is written). Raises ExportChanged."""
    return _write_xlsx(export, stream_rows(export, heartbeat=heartbeat), handle)


def _write_xlsx(export: WaveExport, rows: Iterable[list], handle: IO[bytes]) -> int:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Responses")
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    sheet.append([_xlsx_cell(sheet, label, font=bold) for label in export.header])
    written = 0
    try:
        for row in rows:
            sheet.append([_xlsx_cell(sheet, value) for value in row])
            written += 1
    except BaseException:
        _discard(sheet)
        raise
    about = workbook.create_sheet("About")
    about.append([_xlsx_cell(about, "About this export", font=bold)])
    for note in export.notes():
        about.append([_xlsx_cell(about, note)])
    workbook.save(handle)
    return written


def _discard(sheet) -> None:
    """Close an unfinished write-only sheet and delete its temporary file (a stopped export keeps nothing)."""
    sheet.close()
    sheet._writer.cleanup()


def _xlsx_cell(sheet, value, *, font: Font | None = None) -> WriteOnlyCell:
    if isinstance(value, str):
        value = neutralise_cell(ILLEGAL_CHARACTERS_RE.sub("", value))
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, date):
        cell.number_format = "yyyy-mm-dd"
    if font is not None:
        cell.font = font
    return cell


def filename(wave: Wave, extension: str) -> str:
    """A safe download name: wave-<id>-responses.<ext> (wave names may hold any character)."""
    return f"wave-{wave.id}-responses.{extension}"
