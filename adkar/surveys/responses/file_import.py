"""A survey tool's file, once its columns are mapped: the preview (counts per group, every problem by row and
column as the file writes them) and the all-or-nothing import of every group's responses.

The answers go through the same checks (imports.check_rows) and the same write path (services.store_batches:
sealing, publication in batches of k) as every other import; identity columns are never read past the header.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlalchemy import select

from ...csvio import restore_cell
from ...extensions import db
from ...plan.models import StakeholderGroup
from ...validation import Problem, ValidationFailed
from ..definitions.survey import SurveyDefinition, item_text
from ..models import Wave, WaveGroup
from . import imports
from .answer_values import Scale, labels_help
from .column_check import ScoredBatch
from .column_mapping import GROUP, IGNORE, Proposal, propose
from .services import store_batches
from .source_files import SourceTable

_AMBIGUOUS_THOUSANDS = re.compile(r"\d{1,3}[.,]\d{3}")


@dataclass
class FileMapping:
    """What the practitioner confirmed: column name (as written) -> item id, GROUP or IGNORE; the group for
    every row when no column names one; the columns whose bare numbers run 5..1."""

    targets: dict[str, str]
    group_id: int | None = None
    reverse: frozenset[str] = frozenset()

    def as_dict(self) -> dict:
        return {"targets": self.targets, "group_id": self.group_id, "reverse": sorted(self.reverse)}

    @classmethod
    def from_dict(cls, data: Mapping) -> FileMapping:
        return cls(
            targets=dict(data.get("targets") or {}),
            group_id=data.get("group_id"),
            reverse=frozenset(data.get("reverse") or ()),
        )


@dataclass
class Preview:
    described: str
    rows: int
    counts: dict[str, int] = field(default_factory=dict)
    identity_columns: list[str] = field(default_factory=list)
    reversed_columns: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    batches: dict[int, ScoredBatch] = field(default_factory=dict)

    @property
    def ready(self) -> bool:
        return not self.problems and bool(self.batches)


def proposed_mapping(
    defn: SurveyDefinition,
    table: SourceTable,
    groups: Mapping[int, str],
    saved: Mapping[str, str] | None = None,
) -> tuple[FileMapping, dict[str, Proposal]]:
    """The proposal for each column; with no column named like a group, the first whose every value names
    one of the wave's groups ("Which team are you in?")."""
    proposals = propose(defn, table.columns, saved)
    if GROUP not in {p.target for p in proposals.values()}:
        names = {name.casefold() for name in groups.values()}
        for column in table.columns:
            proposal = proposals.get(column.name)
            if proposal is None or proposal.target != IGNORE or proposal.identity:
                continue
            values = {_cell(cells, column.index).casefold() for _, cells in table.rows} - {""}
            if values and values <= names:
                proposals[column.name] = Proposal(GROUP, "its values are the wave's groups")
                break
    mapping = FileMapping({name: p.target for name, p in proposals.items()})
    if len(groups) == 1:
        mapping.group_id = next(iter(groups))
    return mapping, proposals


def wave_groups(wave: Wave) -> dict[int, str]:
    rows = db.session.execute(
        select(StakeholderGroup.id, StakeholderGroup.name)
        .join(WaveGroup, WaveGroup.group_id == StakeholderGroup.id)
        .where(WaveGroup.wave_id == wave.id)
        .order_by(StakeholderGroup.name)
    )
    return {group_id: name for group_id, name in rows}


def preview(
    defn: SurveyDefinition, table: SourceTable, mapping: FileMapping, groups: Mapping[int, str]
) -> Preview:
    """Read every row by the mapping and check it; `batches` holds the checked responses by group when the
    file has no problem at all."""
    result = Preview(described=table.described, rows=len(table.rows))
    proposals = propose(defn, table.columns)
    result.identity_columns = [name for name, p in proposals.items() if p.identity]
    positions = {column.name: column.index for column in table.columns if column.name}
    identity = set(result.identity_columns)
    mapping = FileMapping(
        {name: IGNORE if name in identity else target for name, target in mapping.targets.items()},
        mapping.group_id,
        mapping.reverse,
    )
    result.problems = _mapping_problems(defn, mapping, groups)
    if result.problems:
        return result
    items = {name: target for name, target in mapping.targets.items() if target not in (GROUP, IGNORE)}
    group_column = next((name for name, target in mapping.targets.items() if target == GROUP), None)
    column_of = {item_id: name for name, item_id in items.items()}
    by_name = {name.casefold(): group_id for group_id, name in groups.items()}
    scale = Scale.of(defn)
    records: dict[int, list[tuple[int, dict]]] = {}
    problems: list[Problem] = []
    for number, cells in table.rows:
        group_id = mapping.group_id
        if group_column is not None:
            group_id = _group_of(_cell(cells, positions[group_column]), by_name, groups)
            if group_id is None:
                problems.append(
                    _group_problem(_cell(cells, positions[group_column]), number, group_column, groups)
                )
                continue
        answers: dict = {}
        for name, item_id in items.items():
            text = _cell(cells, positions[name])
            if not text:
                continue
            if not defn.items_by_id[item_id].scored:
                answers[item_id] = restore_cell(text)
                continue
            value = scale.read(text, name, reverse=name in mapping.reverse)
            if value is None:
                problems.append(Problem(_answer_message(defn, text), row=number, column=name))
                answers[item_id] = text
            else:
                answers[item_id] = value
        assert group_id is not None
        records.setdefault(group_id, []).append((number, answers))
    result.reversed_columns = sorted(scale.reversed_columns)
    reported = {(p.row, p.column) for p in problems}
    for group_id, group_records in records.items():
        result.counts[groups[group_id]] = len(group_records)
        try:
            batch = imports.check_rows(defn, group_records)
        except ValidationFailed as exc:
            for problem in exc.problems:
                problem.column = column_of.get(problem.column or "", problem.column)
                if (problem.row, problem.column) not in reported:
                    problems.append(problem)
            continue
        result.batches[group_id] = batch
    problems.sort(key=lambda p: (p.row or 0, positions.get(p.column or "", 0)))
    result.problems = problems
    if problems:
        result.batches = {}
    return result


def import_file(
    *,
    wave: Wave,
    defn: SurveyDefinition,
    table: SourceTable,
    mapping: FileMapping,
    actor_id: int,
    source: str,
) -> int:
    """Check the whole file, then store every group's responses in one transaction, or none."""
    result = preview(defn, table, mapping, wave_groups(wave))
    if not result.ready:
        raise ValidationFailed(
            imports.capped(result.problems) or [Problem("There are no responses to import.")]
        )
    return store_batches(
        wave_id=wave.id,
        batches=result.batches,
        actor_id=actor_id,
        initiative_id=wave.initiative_id,
        source=source,
    )


def _mapping_problems(
    defn: SurveyDefinition, mapping: FileMapping, groups: Mapping[int, str]
) -> list[Problem]:
    problems = []
    seen: dict[str, str] = {}
    for name, target in mapping.targets.items():
        if target in (GROUP, IGNORE):
            continue
        if target not in defn.items_by_id:
            problems.append(Problem(f"“{target}” is not an item of this survey.", column=name))
        elif target in seen:
            problems.append(
                Problem(
                    f"Both this column and “{seen[target]}” are matched to {target}: keep one.", column=name
                )
            )
        seen.setdefault(target, name)
    for item in defn.items:
        if item.required and item.id not in seen:
            problems.append(
                Problem(
                    f"No column is matched to {item.id} (“{item_text(item, 'en')}”): choose the column that "
                    "holds its answers."
                )
            )
    group_columns = [name for name, target in mapping.targets.items() if target == GROUP]
    if len(group_columns) > 1:
        problems.append(Problem(f"Only one column can name the group (now: {', '.join(group_columns)})."))
    if not group_columns and mapping.group_id not in groups:
        problems.append(Problem("Choose the group these responses belong to, or the column that names it."))
    return problems


def _cell(cells: list[str], index: int) -> str:
    return cells[index] if index < len(cells) else ""


def _group_of(text: str, by_name: Mapping[str, int], groups: Mapping[int, str]) -> int | None:
    found = by_name.get(text.strip().casefold())
    if found is None and text.strip().isdigit() and int(text) in groups:
        found = int(text)
    return found


def _group_problem(text: str, number: int, column: str, groups: Mapping[int, str]) -> Problem:
    names = ", ".join(groups.values())
    if not text:
        return Problem(f"No group: write one of the wave's groups ({names}).", row=number, column=column)
    return Problem(
        f"“{text}” is not a group of this wave: write one of {names}, or add the group to the wave first.",
        row=number,
        column=column,
    )


def _answer_message(defn: SurveyDefinition, text: str) -> str:
    if _AMBIGUOUS_THOUSANDS.fullmatch(text):
        return f"“{text}” reads as a thousand in some languages and as {text[0]} in others. " + labels_help(
            defn
        )
    return f"“{text[:60]}” is not an answer on the agreement scale. " + labels_help(defn)
