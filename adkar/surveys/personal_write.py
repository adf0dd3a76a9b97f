"""PostgreSQL: a personal link spent, its response counted and stored, in one statement.

Three data-modifying CTEs in a chain, each running only if the one before it changed a row: the invitation
is marked used (`WHERE used = false`, which PostgreSQL re-checks under the row lock, so two tabs store
once), the tally of its (wave, group) gains the response, and the response row is inserted. A statement is
atomic on its own, so the respondent POST sends it in autocommit: with the pool's ping, two round trips
where BEGIN, three writes and COMMIT took five.

SQLite cannot modify data in a CTE; it runs the same three writes in one transaction (write_response).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any

from sqlalchemy import Insert, Update, bindparam, exists, insert, select

from . import tally
from .models import Response


@cache
def statement(mark: Update) -> Insert:
    """The chain that starts with `mark`, the UPDATE that spends an invitation (responses._MARK_USED or
    its variant that also checks the wave still takes the form): built once for each, so every request
    only binds values."""
    invitations = mark.table
    spent = mark.returning(invitations.c.id).cte("spent")
    counted = tally.ADD.where(exists(select(spent.c.id))).returning(tally.ADD.table.c.wave_id).cte("counted")
    responses = Response.__table__
    columns = [column.name for column in responses.columns]
    values = select(*(bindparam(f"row_{name}", type_=responses.c[name].type) for name in columns))
    stored = insert(responses).from_select(columns, values.select_from(counted))
    return stored.execution_options(preserve_rowcount=True)  # SQLAlchemy keeps an INSERT's only on request


def parameters(spend: Mapping[str, Any], counted: Mapping[str, Any], row: Mapping[str, Any]) -> dict:
    """The chain's values: the mark's (`spend`), tally.ADD's (`counted`) and the response row's. It stored
    the response when its rowcount is 1; 0 means the link was used and nothing changed."""
    return {**spend, **counted, **{f"row_{name}": value for name, value in row.items()}}
