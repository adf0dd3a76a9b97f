"""The plain tables floors are measured on: no foreign keys, no secondary indexes, no app code around them."""

from __future__ import annotations

from collections.abc import Iterable

from .engines import Target

SCORES = "a FLOAT NOT NULL, d FLOAT NOT NULL, k FLOAT NOT NULL, ab FLOAT NOT NULL, r FLOAT NOT NULL"
PLAIN_COLUMNS = ("group_id", "a", "d", "k", "ab", "r")


def readiness_table(size: int) -> str:
    """The plain table holding the scores of the readiness wave of `size` responses."""
    return f"bench_plain_{int(size)}"


def readiness_floor_sql(size: int) -> str:
    return f"SELECT group_id, AVG(a), AVG(d), AVG(k), AVG(ab), AVG(r) FROM {readiness_table(size)} GROUP BY group_id"


IMPORT_COLUMNS = (
    "id, wave_id, group_id, submitted_on, answers, score_awareness, score_desire, score_knowledge, "
    "score_ability, score_reinforcement, barrier, comment"
)


def ddl(target: Target, sizes: Iterable[int]) -> list[str]:
    json_type = "TEXT" if target.is_sqlite else "JSON"
    return [
        *(f"CREATE TABLE {readiness_table(n)} (group_id INTEGER NOT NULL, {SCORES})" for n in sizes),
        "CREATE TABLE bench_floor_submissions "
        "(id VARCHAR(32) PRIMARY KEY, payload TEXT NOT NULL, created_on DATE NOT NULL)",
        "CREATE TABLE bench_import_plain (id VARCHAR(32) PRIMARY KEY, wave_id INTEGER NOT NULL, "
        f"group_id INTEGER NOT NULL, submitted_on DATE NOT NULL, answers {json_type} NOT NULL, "
        "score_awareness FLOAT NOT NULL, score_desire FLOAT NOT NULL, score_knowledge FLOAT NOT NULL, "
        "score_ability FLOAT NOT NULL, score_reinforcement FLOAT NOT NULL, barrier SMALLINT NOT NULL, "
        "comment TEXT)",
    ]


def create_tables(target: Target, sizes: Iterable[int]) -> None:
    conn = target.connect()
    try:
        for statement in ddl(target, sizes):
            conn.execute(statement)
        conn.commit()
    finally:
        conn.close()
