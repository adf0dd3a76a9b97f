"""Bulk-loading generated responses straight into the app's tables, with their tallies kept consistent.

SQLite gets executemany in large transactions, PostgreSQL gets COPY. The running tallies (wave_groups) are
computed from the very same arrays and added with one UPDATE per wave group, as record_response would
have done one response at a time; checks.tallies_match() proves it afterwards with the app's GROUP BY.
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from adkar.surveys.responses.tally import TALLY_COLUMNS

from .datagen import RESPONSE_COLUMNS, Layout, readiness_level, respondents, response_rows, split, tally
from .engines import Target
from .plain import PLAIN_COLUMNS
from .seed import GroupSpec, WaveSpec

SQLITE_COMMIT_EVERY = 200_000


@dataclass(frozen=True)
class Cell:
    """n respondents of one group in one wave, at the group's readiness level for that wave."""

    wave: WaveSpec
    group: GroupSpec
    n: int
    waves: int

    @property
    def level(self) -> float:
        return readiness_level(self.wave.index, self.waves, self.group.speed)


class Loader:
    """One bare DBAPI connection that appends responses (and optionally the plain floor table) in bulk."""

    def __init__(self, target: Target, layout: Layout, rng: np.random.Generator) -> None:
        self.target = target
        self.layout = layout
        self.rng = rng
        self.conn = target.connect()
        # Loading only: the generated rows reference existing waves and groups by construction, so the
        # per-row foreign-key checks are skipped (PostgreSQL: no RI triggers for this session).
        if target.is_sqlite:
            self.conn.execute("PRAGMA foreign_keys = OFF")
            self.conn.execute("PRAGMA synchronous = OFF")  # the app's connections use NORMAL
            self.conn.execute("PRAGMA cache_size = -262144")
        else:
            self.conn.execute("SET session_replication_role = replica")
            self.conn.commit()
        self._pending = 0

    def close(self) -> None:
        self.conn.close()

    def load(self, cells: Iterable[Cell], *, plain_table: str | None = None) -> dict[str, float]:
        """Insert every cell's respondents and add their tallies; returns rows and where the time went.

        Call tidy() once after the last load.
        """
        started = time.perf_counter()
        spent = {"generate": 0.0, "write": 0.0}
        totals: dict[tuple[int, int], dict[str, float]] = defaultdict(lambda: dict.fromkeys(TALLY_COLUMNS, 0))
        invited: dict[tuple[int, int], int] = defaultdict(int)
        count = 0
        for cell in cells:
            mark = time.perf_counter()
            batch = respondents(
                self.rng, cell.n, level=cell.level, lagging=cell.group.lagging, layout=self.layout
            )
            rows = response_rows(
                batch,
                wave_id=cell.wave.id,
                group_id=cell.group.id,
                days=cell.wave.days,
                rng=self.rng,
                layout=self.layout,
            )
            scores = [(cell.group.id, *s) for s in batch.scores.tolist()] if plain_table else []
            key = (cell.wave.id, cell.group.id)
            for name, value in tally(batch).items():
                totals[key][name] += value
            invited[key] += math.ceil(cell.n / cell.group.response_rate)
            count += cell.n
            written = time.perf_counter()
            spent["generate"] += written - mark
            self._write("responses", RESPONSE_COLUMNS, rows)
            if plain_table:
                self._write(plain_table, PLAIN_COLUMNS, scores)
            spent["write"] += time.perf_counter() - written
        mark = time.perf_counter()
        self._add_tallies(totals, invited)
        self.conn.commit()
        self._pending = 0
        spent["write"] += time.perf_counter() - mark
        return {
            "rows": count,
            "seconds": round(time.perf_counter() - started, 2),
            **{f"{k}_seconds": round(v, 2) for k, v in spent.items()},
        }

    def _write(self, table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
        if self.target.is_sqlite:
            marks = ", ".join("?" * len(columns))
            self.conn.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)
            self._pending += len(rows)
            if self._pending >= SQLITE_COMMIT_EVERY:
                self.conn.commit()
                self._pending = 0
            return
        with (
            self.conn.cursor() as cursor,
            cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)  # psycopg's C formatter: NULLs and escaping handled

    def _add_tallies(self, totals: dict, invited: dict) -> None:
        p = self.target.placeholder
        sets = ", ".join(f"{c} = {c} + {p}" for c in (*TALLY_COLUMNS, "invited"))
        sql = f"UPDATE wave_groups SET {sets} WHERE wave_id = {p} AND group_id = {p}"
        params = [
            (*(totals[key][c] for c in TALLY_COLUMNS), invited[key], key[0], key[1]) for key in sorted(totals)
        ]
        if self.target.is_sqlite:
            self.conn.executemany(sql, params)
        else:
            with self.conn.cursor() as cursor:
                cursor.executemany(sql, params)

    def tidy(self) -> float:
        """Fresh statistics and a clean WAL / visibility map, so the first timed read is not the cleaner."""
        started = time.perf_counter()
        if self.target.is_sqlite:
            self.conn.execute("ANALYZE")
            self.conn.commit()
            self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        else:
            self.conn.autocommit = True
            try:
                self.conn.execute("VACUUM ANALYZE")
            finally:
                self.conn.autocommit = False
        return round(time.perf_counter() - started, 2)


def rollout_cells(waves: list[WaveSpec], groups: list[GroupSpec], total: int) -> list[Cell]:
    """`total` responses over every wave and group: equal per wave, by group weight within a wave."""
    per_wave = split(total, [1.0] * len(waves))
    cells = []
    for wave, wave_total in zip(waves, per_wave, strict=True):
        for group, n in zip(groups, split(wave_total, [g.weight for g in groups]), strict=True):
            cells.append(Cell(wave, group, n, len(waves)))
    return cells


def wave_cells(wave: WaveSpec, groups: list[GroupSpec], added: int, waves: int) -> list[Cell]:
    """`added` responses in one wave, by group weight."""
    return [
        Cell(wave, group, n, waves)
        for group, n in zip(groups, split(added, [g.weight for g in groups]), strict=True)
    ]
