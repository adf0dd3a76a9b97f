"""The gate board as a table: one row per milestone, one cell per stakeholder group.

Built from `readiness.figures.gate(...)` results, so the table, the gate-board chart and the API agree.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from ..charts.gate_board import cell_text
from ..rules.formatting import pace_sentence

STATUS_WORDS = {"ready": "Ready", "not_ready": "Not ready", "no_data": "No data"}


@dataclass(frozen=True)
class Cell:
    group_id: int
    status: str
    value: float | None
    projected: float | None
    wave_id: int | None
    text: str  # "✓ 85%", "✗ 62% → 71%", "– no data"
    pace: str  # "needs +4 pts a week, going +1", or empty


@dataclass(frozen=True)
class Override:
    by: str
    at: datetime
    justification: str
    computed_status: str


@dataclass(frozen=True)
class GateRow:
    milestone_id: int
    name: str
    kind: str
    due: date
    target_element: str
    threshold: float
    status: str
    overridden: bool
    override: Override | None
    cells: list[Cell | None]  # one per board column; None where the milestone does not impact the group

    @property
    def status_words(self) -> str:
        return STATUS_WORDS[self.status]

    @property
    def can_override(self) -> bool:
        """A gate that is not ready may be passed, once, with a written justification."""
        return self.status != "ready" and not self.overridden


def gate_rows(
    milestones: Sequence[Mapping[str, Any]],
    gates: Sequence[Mapping[str, Any]],
    group_ids: Sequence[int],
    *,
    today: date | None = None,
) -> list[GateRow]:
    """Rows in milestone order (by due date); `group_ids` are the board's columns.

    The pace sentence shows only for milestones still ahead of `today`: for one already past, what it
    would have needed is history, not advice.
    """
    by_id = {g["milestone_id"]: g for g in gates}
    rows = []
    for milestone in milestones:
        gate = by_id[milestone["id"]]
        ahead = today is None or milestone["due"] >= today
        cells = {c["group_id"]: c for c in gate["groups"]}
        rows.append(
            GateRow(
                milestone_id=milestone["id"],
                name=milestone["name"],
                kind=milestone["kind"],
                due=milestone["due"],
                target_element=gate["target_element"],
                threshold=gate["threshold"],
                status=gate["status"],
                overridden=bool(gate.get("overridden")),
                override=_override(gate.get("override")) if gate.get("overridden") else None,
                cells=[_cell(cells[g], ahead=ahead) if g in cells else None for g in group_ids],
            )
        )
    return rows


def _cell(cell: Mapping[str, Any], *, ahead: bool) -> Cell:
    return Cell(
        group_id=int(cell["group_id"]),
        status=cell["status"],
        value=cell["value"],
        projected=cell["projected"],
        wave_id=cell["wave_id"],
        text=cell_text(cell),
        pace=pace_sentence(cell.get("pace"), cell.get("required_pace")) if ahead else "",
    )


def _override(data: Mapping[str, Any] | None) -> Override | None:
    if data is None:
        return None
    return Override(
        by=data["by"],
        at=datetime.fromisoformat(data["at"]),
        justification=data["justification"],
        computed_status=data["computed_status"],
    )
