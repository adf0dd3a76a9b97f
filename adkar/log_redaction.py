"""What a log line may hold: never a statement's values, a row's values, or what a respondent typed.

SQLAlchemy's `hide_parameters` (forced on by config.load) keeps values out of the statements it logs and out
of its exceptions' text, but not out of the database's own messages (PostgreSQL's "Failing row contains
(...)" or "Key (token_hash)=(...) already exists") nor out of the rows it logs at DEBUG. So every log
record, whichever logger makes it, passes through one record factory that:
- writes the traceback of a database error without any exception's message (its type, SQLSTATE, table,
  constraint and the kind of statement stay, which is what an operator needs);
- does the same for any error during a respondent request, whose messages may quote the answers;
- hides the values of the result rows SQLAlchemy logs at DEBUG.
"""

from __future__ import annotations

import logging
import re
import sqlite3
import traceback
from collections.abc import Callable

from flask import Flask, has_request_context, request
from sqlalchemy.exc import StatementError

RESPONDENT_BLUEPRINT = "respond"  # adkar.surveys.respond.views: the pages people answer surveys on
DRIVER_MODULES = frozenset({"psycopg", "psycopg2", "sqlite3"})
HIDDEN = "[values hidden]"
_TABLE = re.compile(r"\b(?:INTO|UPDATE|FROM)\s+(\"?[\w.]+\"?)", re.IGNORECASE)

RecordFactory = Callable[..., logging.LogRecord]


def init_app(app: Flask) -> None:
    install()


def install() -> None:
    """Wrap the logging module's record factory once per process (every app shares it)."""
    current = logging.getLogRecordFactory()
    if not getattr(current, "adkar_redacting", False):
        logging.setLogRecordFactory(_redacting(current))


def is_database_error(exc: BaseException) -> bool:
    return isinstance(exc, StatementError | sqlite3.Error) or (
        type(exc).__module__.partition(".")[0] in DRIVER_MODULES
    )


def chain(exc: BaseException) -> list[BaseException]:
    """`exc` and the exceptions it was raised from or while handling, oldest first (as tracebacks print)."""
    found: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and all(current is not seen for seen in found):
        found.append(current)
        current = current.__cause__ or (None if current.__suppress_context__ else current.__context__)
    return found[::-1]


def describe(exc: BaseException) -> str:
    """One line naming an exception without its message: its type and, for a database error, the
    SQLSTATE, table, constraint and statement kind."""
    parts = [f"{type(exc).__module__}.{type(exc).__qualname__}"]
    orig = getattr(exc, "orig", None) or exc
    if code := getattr(orig, "sqlstate", None):
        parts.append(f"SQLSTATE {code}")
    diag = getattr(orig, "diag", None)
    for name in ("table_name", "constraint_name"):
        if value := getattr(diag, name, None):
            parts.append(f"{name.partition('_')[0]} {value}")
    statement = getattr(exc, "statement", None)
    if isinstance(statement, str) and statement.strip():
        table = _TABLE.search(statement)
        parts.append(f"in {statement.split(None, 1)[0].upper()}" + (f" {table[1]}" if table else ""))
    if is_database_error(exc) or _on_respondent_page():
        parts.append("(message not logged: it may quote the values)")
    return ", ".join(parts)


def safe_traceback(exc: BaseException) -> str:
    """The traceback Python would print, each exception's message replaced by `describe`."""
    blocks = []
    for link in chain(exc):
        frames = "".join(traceback.format_tb(link.__traceback__))
        blocks.append(f"Traceback (most recent call last):\n{frames}{describe(link)}")
    return "\n\nThe above exception led to the following exception:\n\n".join(blocks)


def must_redact(exc: BaseException) -> bool:
    return _on_respondent_page() or any(is_database_error(link) for link in chain(exc))


def redact(record: logging.LogRecord) -> None:
    exc = record.exc_info[1] if record.exc_info else None
    if exc is not None and must_redact(exc):
        record.exc_info, record.exc_text = None, safe_traceback(exc)
    if isinstance(record.args, tuple) and any(isinstance(a, BaseException) for a in record.args):
        record.args = tuple(
            describe(a) if isinstance(a, BaseException) and must_redact(a) else a for a in record.args
        )
    if record.name.startswith("sqlalchemy.engine") and record.msg == "Row %r":
        record.msg, record.args = "Row %s", (HIDDEN,)


def _on_respondent_page() -> bool:
    return has_request_context() and request.blueprint == RESPONDENT_BLUEPRINT


def _redacting(factory: RecordFactory) -> RecordFactory:
    def make(*args, **kwargs) -> logging.LogRecord:
        record = factory(*args, **kwargs)
        try:
            redact(record)
        except Exception:  # logging must never fail: keep the line, drop what could not be checked
            record.exc_info, record.exc_text = None, "(traceback not logged: it could not be redacted)"
        return record

    make.adkar_redacting = True  # type: ignore[attr-defined]
    return make
