"""After the run: the running tallies must equal the app's own GROUP BY over every stored response.

This proves the bulk loader set the tallies as record_response/store_imported would have, and that no
submission under load left a tally behind its responses.
"""

from __future__ import annotations

import numpy as np
from sqlalchemy import select

from adkar.analytics.counts import COUNT_COLUMNS, SUM_COLUMNS
from adkar.extensions import db
from adkar.readiness.loaders import load_counts, scan_counts
from adkar.surveys.models import Wave

from . import figures
from .context import Context


def tallies_match(ctx: Context) -> None:
    with ctx.app.app_context():
        try:
            wave_ids = list(db.session.scalars(select(Wave.id).order_by(Wave.id)))
            kept = load_counts(wave_ids)
            scanned = scan_counts(wave_ids)
        finally:
            db.session.remove()
    exact = [c for c in COUNT_COLUMNS if c not in SUM_COLUMNS]
    same_shape = kept.shape == scanned.shape
    ok = (
        same_shape
        and kept[exact].reset_index(drop=True).equals(scanned[exact].reset_index(drop=True))
        and np.allclose(kept[list(SUM_COLUMNS)].to_numpy(), scanned[list(SUM_COLUMNS)].to_numpy(), rtol=1e-9)
    )
    total = int(scanned["n"].sum()) if same_shape else 0
    ctx.add(
        figures.check(
            "Tallies equal GROUP BY over all responses",
            ctx.engine,
            bool(ok),
            note=f"{len(wave_ids)} waves, {total:,} responses",
        )
    )
