"""Running per-(wave, group) counts, updated in the same transaction as the responses they count.

Readiness reads these rows instead of scanning responses, so its cost does not grow with N.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from sqlalchemy import Connection, bindparam, update

from ...elements import BARRIER_CHOICES, ELEMENTS, barrier_point, is_favorable
from ...extensions import db
from ..models import WaveGroup

TALLY_COLUMNS: tuple[str, ...] = (
    "n",
    *(f"sum_{e}" for e in ELEMENTS),
    *(f"fav_{e}" for e in ELEMENTS),
    *(f"bar_{b}" for b in BARRIER_CHOICES),
)


def increments(score_sets: Iterable[Mapping[str, float]]) -> dict[str, float]:
    """What a batch of respondents' element scores adds to each tally column."""
    totals: dict[str, float] = dict.fromkeys(TALLY_COLUMNS, 0)
    for scores in score_sets:
        totals["n"] += 1
        for element in ELEMENTS:
            totals[f"sum_{element}"] += scores[element]
            totals[f"fav_{element}"] += is_favorable(scores[element])
        totals[f"bar_{barrier_point(scores)}"] += 1
    return totals


def _add_statement():
    """UPDATE wave_groups SET col = col + :add_col, ... for one (wave, group): built once, compiled once.

    Every column is in the statement (adding 0 where nothing changes) so one cached compilation serves
    every write; building a statement per request cost more than the database work it does.
    """
    table = WaveGroup.__table__
    return (
        update(table)
        .where(table.c.wave_id == bindparam("tally_wave_id"), table.c.group_id == bindparam("tally_group_id"))
        .values({name: table.c[name] + bindparam(f"add_{name}") for name in TALLY_COLUMNS})
    )


ADD = _add_statement()


def parameters(*, wave_id: int, group_id: int, totals: Mapping[str, float]) -> dict[str, float]:
    """The bound values of ADD for adding `totals` to the (wave, group) row."""
    return {
        "tally_wave_id": wave_id,
        "tally_group_id": group_id,
        **{f"add_{name}": totals.get(name, 0) for name in TALLY_COLUMNS},
    }


def add(connection: Connection, params: Mapping[str, float]) -> None:
    """Run ADD with `parameters(...)` on the caller's connection, in its transaction."""
    check_added(connection.execute(ADD, params).rowcount, params)


def check_added(rowcount: int, params: Mapping[str, float]) -> None:
    """ADD changes exactly one row; none means the group is not in the wave (the caller rolls back)."""
    if rowcount != 1:
        wave_id, group_id = params["tally_wave_id"], params["tally_group_id"]
        raise LookupError(f"group {group_id} is not part of wave {wave_id}")


def apply(*, wave_id: int, group_id: int, totals: Mapping[str, float]) -> None:
    """Add `totals` to the (wave, group) row with UPDATE col = col + x, in the session's transaction."""
    add(db.session.connection(), parameters(wave_id=wave_id, group_id=group_id, totals=totals))
