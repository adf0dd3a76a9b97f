"""Counting changes per stakeholder group and month across initiatives (pure Python, no database).

Groups are matched across initiatives by name, ignoring case and surrounding spaces, so "Service desk
agents" in two plans is one row. A change is a milestone that impacts the group (a milestone naming no
group impacts every group of its initiative) or an initiative's go-live; a go-live milestone on the
go-live date is the same change, counted once.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

MAX_MONTHS = 24


@dataclass(frozen=True)
class Change:
    initiative_id: int
    initiative: str
    group: str  # the group's name as that initiative writes it
    day: date
    name: str  # the milestone's name, or "Go-live"
    go_live: bool


@dataclass
class Cell:
    month: date
    changes: list[Change] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.changes)

    @property
    def go_lives(self) -> int:
        return sum(c.go_live for c in self.changes)

    @property
    def initiatives(self) -> int:
        return len({c.initiative_id for c in self.changes})


@dataclass
class Row:
    key: str
    name: str
    initiatives: list[str]
    cells: list[Cell]

    @property
    def total(self) -> int:
        return sum(c.count for c in self.cells)

    @property
    def peak(self) -> int:
        return max((c.count for c in self.cells), default=0)


@dataclass
class Saturation:
    months: list[date]
    rows: list[Row]

    @property
    def busiest(self) -> tuple[Row, Cell] | None:
        """The group and month with the most changes (earliest month, then first row, on ties)."""
        best = None
        for row in self.rows:
            for cell in row.cells:
                if cell.count and (best is None or cell.count > best[1].count):
                    best = (row, cell)
        return best

    @property
    def overlaps(self) -> int:
        """Group-months hit by changes from two or more initiatives."""
        return sum(cell.initiatives >= 2 for row in self.rows for cell in row.cells)


def group_key(name: str) -> str:
    return name.strip().casefold()


def month_of(day: date) -> date:
    return day.replace(day=1)


def months_from(start: date, count: int) -> list[date]:
    """`count` first-of-month dates from start's month on."""
    if not 1 <= count <= MAX_MONTHS:
        raise ValueError(f"count must be between 1 and {MAX_MONTHS}, got {count}")
    result, month = [], month_of(start)
    for _ in range(count):
        result.append(month)
        month = month.replace(year=month.year + month.month // 12, month=month.month % 12 + 1)
    return result


def saturation(changes: Iterable[Change], *, months: Sequence[date]) -> Saturation:
    """Rows (busiest first: total, then peak, then name) with one cell per month; changes outside the
    months are left out, and so are groups with no change inside them. A row is named by the spelling
    most changes use (the earliest one on ties)."""
    months = [month_of(m) for m in months]
    index = {m: i for i, m in enumerate(months)}
    spellings: dict[str, Counter[str]] = {}
    plans: dict[str, set[str]] = {}
    cells: dict[str, list[Cell]] = {}
    for change in sorted(changes, key=lambda c: (c.day, c.initiative_id, c.name)):
        position = index.get(month_of(change.day))
        if position is None:
            continue
        key = group_key(change.group)
        spellings.setdefault(key, Counter())[change.group.strip()] += 1
        plans.setdefault(key, set()).add(change.initiative)
        row_cells = cells.setdefault(key, [Cell(m) for m in months])
        row_cells[position].changes.append(change)
    rows = [
        Row(
            key=key,
            name=spellings[key].most_common(1)[0][0],  # ties: the spelling seen first
            initiatives=sorted(plans[key], key=str.casefold),
            cells=row_cells,
        )
        for key, row_cells in cells.items()
    ]
    rows.sort(key=lambda r: (-r.total, -r.peak, r.name.casefold()))
    return Saturation(months=list(months), rows=rows)
