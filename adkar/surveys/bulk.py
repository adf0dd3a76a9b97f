"""Inserting thousands of imported responses with one driver-level executemany.

SQLAlchemy's Core executemany spends more time binding each row (JSON and date processors, parameter
dicts) than the database spends storing it. Imports hand the driver ready tuples instead: the answers as
the JSON text the JSON type would write, the date as each engine's Date type stores it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from sqlalchemy import Connection

from ..elements import ELEMENTS

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


def insert_sql(paramstyle: str) -> str:
    marker = _MARKERS.get(paramstyle)
    if marker is None:
        raise NotImplementedError(f"no bulk insert for the {paramstyle!r} parameter style")
    # Only constants are interpolated: the column names above and a placeholder from _MARKERS.
    return f"INSERT INTO responses ({', '.join(COLUMNS)}) VALUES ({', '.join([marker] * len(COLUMNS))})"  # noqa: S608


def insert_responses(conn: Connection, records: Sequence[dict]) -> None:
    """Insert `response_row` dicts in the caller's transaction."""
    dialect = conn.dialect
    as_text = dialect.name == "sqlite"  # SQLAlchemy's SQLite Date stores ISO text
    dumps = json.dumps
    conn.exec_driver_sql(
        insert_sql(dialect.paramstyle),
        [
            (
                r["id"],
                r["wave_id"],
                r["group_id"],
                r["submitted_on"].isoformat() if as_text else r["submitted_on"],
                dumps(r["answers"]),
                *(r[f"score_{e}"] for e in ELEMENTS),
                r["barrier"],
                r["comment"],
            )
            for r in records
        ],
    )
