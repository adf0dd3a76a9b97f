"""Engine tuning and transaction helpers shared by every service.

SQLite: WAL, foreign keys, a busy timeout and synchronous=NORMAL; write transactions start with
BEGIN IMMEDIATE so a read-then-write transaction never fails with "database is locked".
"""

from __future__ import annotations

from contextlib import suppress

from flask import Flask
from sqlalchemy import Connection, Table, event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError

from .extensions import Base, db

WRITE_OPTION = "adkar_write"


def table_of(model: type[Base]) -> Table:
    """A model's Core table, for statements built once at import (declarative typing says FromClause)."""
    table = model.__table__
    assert isinstance(table, Table)
    return table


def is_sqlite(engine: Engine | None = None) -> bool:
    return (engine or db.engine).dialect.name == "sqlite"


def init_app(app: Flask) -> None:
    app.teardown_appcontext(_end_session)  # runs before Flask-SQLAlchemy's own (teardowns run in reverse)
    with app.app_context():
        engine = db.engine
        if is_sqlite(engine):
            _tune_sqlite(engine, app.config["SQLITE_BUSY_TIMEOUT_MS"])


def _end_session(_exc: BaseException | None) -> None:
    """Close the request's session. A connection the server dropped after the response was made fails
    its final rollback: SQLAlchemy has invalidated it, so it is discarded instead of turning into a 500."""
    try:
        db.session.remove()
    except DBAPIError:
        with suppress(DBAPIError):
            db.session.close()
        db.session.registry.clear()


def _tune_sqlite(engine: Engine, busy_timeout_ms: int) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves (see _on_begin)
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get(WRITE_OPTION) else "BEGIN")


def begin_write() -> None:
    """Start the session's transaction as a write transaction (BEGIN IMMEDIATE on SQLite).

    Call first thing in a service that writes; harmless on PostgreSQL and when a transaction is open.
    """
    session = db.session()
    if session.in_transaction():
        if session.connection().get_execution_options().get(WRITE_OPTION):
            return
        if session.new or session.dirty or session.deleted:
            raise RuntimeError("begin_write() must be called before changing objects")
        session.commit()  # end the read transaction; SQLite cannot upgrade it safely
    session.connection(execution_options={WRITE_OPTION: True})


def start_writing(connection: Connection) -> None:
    """Turn a Core connection that has been reading into one that writes. SQLite has one writer at a time,
    so there the read transaction ends and the next statement begins with BEGIN IMMEDIATE: the write lock
    is held for the writes alone. PostgreSQL goes on in the same transaction.

    For the respondent POST, the busiest write: Core statements on one connection skip the ORM session's
    bookkeeping. Whatever was read must be checked again by the writes (e.g. UPDATE ... WHERE used = false).
    """
    connection.execution_options(**{WRITE_OPTION: True})
    if is_sqlite(connection.engine) and connection.in_transaction():
        connection.rollback()
