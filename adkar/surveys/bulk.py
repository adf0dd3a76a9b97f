"""Inserting thousands of imported responses with one driver-level executemany.

SQLAlchemy's Core executemany spends more time binding each row (JSON and date processors, parameter
dicts) than the database spends storing it. Imports hand the driver ready tuples instead, zipped from a
ScoredBatch's columns: the answers as the JSON text the JSON type would write, the date as each engine's
Date type stores it.
"""

from __future__ import annotations

from datetime import date
from itertools import repeat

from sqlalchemy import Connection

from ..elements import ELEMENTS
from .driver_sql import as_sqlalchemy_error, processor
from .models import Response
from .scored_batch import ScoredBatch

COLUMNS = (
    "id",
    "wave_id",
    "group_id",
    "submitted_on",
    "answers",
    *(f"score_{e}" for e in ELEMENTS),
    "barrier",
    "comment",
)
_MARKERS = {"qmark": "?", "format": "%s", "pyformat": "%s", "numeric_dollar": None}
COPY_SQL = f"COPY responses ({', '.join(COLUMNS)}) FROM STDIN"


def insert_sql(paramstyle: str) -> str:
    marker = _MARKERS.get(paramstyle)
    if marker is None:
        raise NotImplementedError(f"no bulk insert for the {paramstyle!r} parameter style")
    # Only constants are interpolated: the column names above and a placeholder from _MARKERS.
    return f"INSERT INTO responses ({', '.join(COLUMNS)}) VALUES ({', '.join([marker] * len(COLUMNS))})"  # noqa: S608


def _submitted_on(on: date, conn: Connection):
    """The date as the Date type of `responses.submitted_on` hands it to this engine's driver."""
    process = processor(Response.__table__.c.submitted_on.type, conn.dialect)
    return process(on) if process is not None else on


def insert_responses(conn: Connection, *, wave_id: int, group_id: int, on: date, batch: ScoredBatch) -> None:
    """Insert a checked batch for one group of a wave, dated `on`, in the caller's transaction: COPY on
    PostgreSQL (its bulk-load path, several times an executemany's speed), executemany elsewhere."""
    count = len(batch)
    rows = zip(
        batch.ids(),
        repeat(wave_id, count),
        repeat(group_id, count),
        repeat(_submitted_on(on, conn), count),
        batch.answers_json,
        *(batch.scores[:, column].tolist() for column in range(len(ELEMENTS))),
        batch.barriers.tolist(),
        batch.comments,
        strict=True,
    )
    if conn.dialect.name == "postgresql":
        try:
            with conn.connection.driver_connection.cursor() as cursor, cursor.copy(COPY_SQL) as copy:
                for row in rows:
                    copy.write_row(row)
        except conn.dialect.loaded_dbapi.Error as exc:
            raise as_sqlalchemy_error(exc, COPY_SQL, None, conn.dialect) from exc
        return
    conn.exec_driver_sql(insert_sql(conn.dialect.paramstyle), list(rows))
