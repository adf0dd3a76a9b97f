"""Inserting a batch of responses with one Core executemany (SQLAlchemy batches it into multi-row INSERTs).

The batch's answers are already the JSON text the JSON type would write (ScoredBatch.answers_json), so the
statement names the same table with `answers` as text: nothing is decoded to be encoded again.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import (
    JSON,
    Connection,
    Date,
    Double,
    Integer,
    SmallInteger,
    String,
    Text,
    column,
    insert,
    table,
)
from sqlalchemy.types import TypeDecorator

from ...elements import ELEMENTS
from .column_check import ScoredBatch


class JsonText(TypeDecorator):
    """A JSON column bound from text that is JSON already: the driver gets it unchanged (and PostgreSQL
    the cast to json that SQLAlchemy renders for the JSON type)."""

    impl = JSON
    cache_ok = True

    def bind_processor(self, dialect):
        return None


RESPONSES = table(
    "responses",
    column("id", String),
    column("wave_id", Integer),
    column("group_id", Integer),
    column("submitted_on", Date),
    column("answers", JsonText),
    *(column(f"score_{e}", Double) for e in ELEMENTS),
    column("barrier", SmallInteger),
    column("comment", Text),
)
_INSERT = insert(RESPONSES)


def insert_responses(conn: Connection, *, wave_id: int, group_id: int, on: date, batch: ScoredBatch) -> None:
    """Insert a checked batch for one group of a wave, dated `on`, in the caller's transaction, in the
    batch's order (publication shuffles it first)."""
    scores = batch.scores.tolist()
    barriers = batch.barriers.tolist()
    rows = [
        {
            "id": response_id,
            "wave_id": wave_id,
            "group_id": group_id,
            "submitted_on": on,
            "answers": batch.answers_json[i],
            **{f"score_{e}": scores[i][j] for j, e in enumerate(ELEMENTS)},
            "barrier": barriers[i],
            "comment": batch.comments[i],
        }
        for i, response_id in enumerate(batch.ids())
    ]
    if rows:
        conn.execute(_INSERT, rows)
