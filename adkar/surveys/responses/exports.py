"""Anonymous exports of a wave's responses (CSV and XLSX) that keep the product's anonymity promise.

Groups hidden by suppression (fewer than k responses, or hidden by complementary suppression) are pooled
under one label, so no row can be tied to a group of fewer than k people; a wave with fewer than k responses
exports no rows. Comments come only from visible groups of at least max(k, 10). Dates are the wave's
closing date, rows are in random order, and every text cell is neutralised against formula injection.
"""

from __future__ import annotations

import io
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from sqlalchemy import func, select

from ...csvio import neutralise_cell, write_csv
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


def build_export(wave: Wave, defn: SurveyDefinition, *, k: int) -> WaveExport:
    """Read the wave's responses once and shape the anonymous rows (counts come from the same read)."""
    groups = dict(
        db.session.execute(
            select(WaveGroup.group_id, StakeholderGroup.name)
            .join(StakeholderGroup, StakeholderGroup.id == WaveGroup.group_id)
            .where(WaveGroup.wave_id == wave.id)
        ).all()
    )
    records = db.session.execute(
        select(
            Response.group_id,
            Response.answers,
            *(getattr(Response, f"score_{e}") for e in ELEMENTS),
            Response.barrier,
            Response.comment,
        )
        .where(Response.wave_id == wave.id)
        .order_by(Response.id)  # random ids: the order says nothing about when anyone answered
    ).all()
    total = len(records)
    export = WaveExport(
        wave=wave, k=k, header=_header(defn), total=total, held=held_when_unpublished(wave, total)
    )
    if export.withheld:
        return export

    counts = Counter(record.group_id for record in records)
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
    item_ids = [item.id for item in defn.items if item.question_type.widget != "textarea"]
    has_comment = len(item_ids) < len(defn.items)
    for record in records:
        group_id = record.group_id
        row: list = [pooled if group_id in hidden else groups[group_id], wave.closes_on]
        row += [record.answers.get(item_id) for item_id in item_ids]
        if has_comment:
            row.append(record.comment if group_id in with_comments and record.comment else None)
        row += [round(float(record[2 + i]), SCORE_DECIMALS) for i in range(len(ELEMENTS))]
        row.append(BARRIER_CHOICES[record.barrier])
        export.rows.append(row)
    return export


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


def _csv_value(value):
    return value.isoformat() if isinstance(value, date) else value


def to_xlsx(export: WaveExport) -> bytes:
    """The same rows as the CSV in a "Responses" sheet, plus an "About" sheet with the notes."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Responses")
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    sheet.append([_xlsx_cell(sheet, label, font=bold) for label in export.header])
    for row in export.rows:
        sheet.append([_xlsx_cell(sheet, value) for value in row])
    about = workbook.create_sheet("About")
    about.append([_xlsx_cell(about, "About this export", font=bold)])
    for note in export.notes():
        about.append([_xlsx_cell(about, note)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


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
