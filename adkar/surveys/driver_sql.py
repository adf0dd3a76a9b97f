"""Writes run on the driver's own cursor: the respondent POST's, from SQL compiled once per dialect.

For one-row writes, SQLAlchemy's execution of a statement (compiled-cache lookup, bind processing, events,
a result object, transaction bookkeeping) costs more than the database work itself: about a fifth of the
busiest request the app serves (docs/performance.md). The statements stay SQLAlchemy Core, compiled by
the engine's own dialect, and values go through the bind processors of their SQLAlchemy types (JSON, and
dates on SQLite); only the execution moves to the DBAPI cursor. Errors come back as
SQLAlchemy's exceptions, so the error pages treat them as before, and a connection the server dropped is
invalidated as SQLAlchemy would invalidate it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql.expression import Executable
from sqlalchemy.types import TypeEngine

Processor = Callable[[Any], Any]


@dataclass(frozen=True)
class DriverStatement:
    sql: str
    positions: tuple[str, ...] | None  # parameter names in placeholder order, for positional styles
    bound: Mapping[str, Any]  # values the statement carries itself (such as used = true), processed
    processors: tuple[tuple[str, Processor], ...]  # the parameters whose type converts them, and how


@cache
def compiled(statement: Executable, dialect: Dialect) -> DriverStatement:
    """`statement` as `dialect` renders it, with its types' bind processors (once per statement and
    engine)."""
    found = statement.compile(dialect=dialect)
    positions = tuple(found.positiontup) if found.positional and found.positiontup else None
    processors = {}
    for name, bind in found.binds.items():
        if (process := processor(bind.type, dialect)) is not None:
            processors[name] = process
    bound = {
        name: processors[name](value) if name in processors else value
        for name, value in found.params.items()
        if value is not None
    }
    return DriverStatement(found.string, positions, bound, tuple(processors.items()))


def processor(type_: TypeEngine, dialect: Dialect) -> Processor | None:
    """How SQLAlchemy's `type_` hands a Python value to `dialect`'s driver (None: as it is)."""
    return type_.dialect_impl(dialect).bind_processor(dialect)


class Driver:
    """Runs compiled statements on one checked-out connection's DBAPI cursor, outside SQLAlchemy's own
    transaction: on SQLite `write_transaction` brackets them with BEGIN IMMEDIATE and COMMIT; PostgreSQL
    connections used here are in autocommit, so each statement is its own transaction."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.dialect = connection.dialect
        self.sqlite = self.dialect.name == "sqlite"
        self.cursor = connection.connection.driver_connection.cursor()

    def run(self, statement: Executable, params: Mapping[str, Any]) -> int:
        """Execute with Python values (dates, JSON dicts) as SQLAlchemy would bind them; the rowcount."""
        found = compiled(statement, self.dialect)
        values = {**found.bound, **params}
        for name, process in found.processors:
            if name in params:
                values[name] = process(params[name])
        args = tuple(values[name] for name in found.positions) if found.positions else values
        self._execute(found.sql, args)
        return self.cursor.rowcount

    @contextmanager
    def write_transaction(self) -> Iterator[None]:
        """SQLite: BEGIN IMMEDIATE ... COMMIT, rolled back on any exception (AlreadyAnswered included)."""
        if not self.sqlite:
            yield
            return
        self._execute("BEGIN IMMEDIATE", ())
        try:
            yield
        except BaseException:
            if self.connection.connection.driver_connection.in_transaction:
                self._execute("ROLLBACK", ())
            raise
        self._execute("COMMIT", ())

    def _execute(self, sql: str, args: Any) -> None:
        try:
            self.cursor.execute(sql, args)
        except self.dialect.loaded_dbapi.Error as exc:
            dbapi_connection = self.connection.connection.dbapi_connection
            lost = self.dialect.is_disconnect(exc, dbapi_connection, self.cursor)
            if lost:
                self.connection.invalidate(exc)
            raise as_sqlalchemy_error(exc, sql, args, self.dialect, invalidated=lost) from exc


def as_sqlalchemy_error(
    exc: Exception, sql: str, args: Any, dialect: Dialect, *, invalidated: bool = False
) -> DBAPIError:
    """The driver's error as SQLAlchemy would raise it (IntegrityError, OperationalError...), so error
    pages and callers catching SQLAlchemy's exceptions treat it as before."""
    return DBAPIError.instance(
        sql, args, exc, dialect.loaded_dbapi.Error, connection_invalidated=invalidated, dialect=dialect
    )
