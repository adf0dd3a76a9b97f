"""Running per-(wave, group) counts, updated in the same transaction as the responses they count.

Readiness reads these rows instead of scanning responses, so its cost does not grow with N.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from sqlalchemy import update

from ..elements import BARRIER_CHOICES, ELEMENTS, barrier_point, is_favorable
from ..extensions import db
from .models import WaveGroup

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


def apply(*, wave_id: int, group_id: int, totals: Mapping[str, float]) -> None:
    """Add `totals` to the (wave, group) row with UPDATE col = col + x, in the caller's transaction."""
    table = WaveGroup.__table__
    values = {name: table.c[name] + totals[name] for name in TALLY_COLUMNS if totals.get(name)}
    if not values:
        return
    result = db.session.execute(
        update(table).where(table.c.wave_id == wave_id, table.c.group_id == group_id).values(values)
    )
    if result.rowcount != 1:
        raise LookupError(f"group {group_id} is not part of wave {wave_id}")
