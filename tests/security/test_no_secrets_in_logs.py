"""Issue 15, item 3: a database error during a respondent POST must not put the answers, the comment, the
link's token or its hash in any log line (nor in the error page).

The faults are real: triggers make writes fail inside the database, whatever table, statement or
connection the write path uses. On PostgreSQL the trigger's error carries the row, as the server's own
constraint errors do ("Failing row contains (...)"), so the database's message is as dangerous as the
statement's parameters. Two moments of the POST fail:
- the first write (spending the link), which carries the token's hash: the person gets an error page;
- the write that holds the comment in plain text (publishing the group's batch once it has k answers):
  the answer is durable already, so the person is thanked and the failure is only logged.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from flask import request
from sqlalchemy import inspect

from adkar import create_app
from adkar.extensions import db

from ..surveys.wavedata import count_responses, invitation_used, invite, make_wave, pulse_form

COMMENT = "canary-comment-xyz"
ANSWERS = {"aw1": "1", "de1": "5", "kn1": "2", "ab1": "5", "re1": "3"}
# PostgreSQL error codes: check_violation is an IntegrityError (a bug: 500), disk_full an OperationalError
# (the database is unwell: 503).
FAULTS = {"constraint": "23514", "disk-full": "53100"}
LOGGERS = (
    "",
    "werkzeug",
    "flask",
    "flask.app",
    "adkar",
    "sqlalchemy",
    "sqlalchemy.engine",
    "sqlalchemy.pool",
)
_NONCE = re.compile(r'name="nonce" value="([^"]+)"')


@contextmanager
def writes_fail(fault: str, *, holding: str | None = None) -> Iterator[None]:
    """Every INSERT and UPDATE of every table fails inside the database, on any connection and statement;
    with `holding`, only those of rows holding that text in some column."""
    with db.engine.begin() as conn:
        tables = [t for t in inspect(conn).get_table_names() if t != "alembic_version"]
        if conn.dialect.name == "sqlite":
            # RAISE(ABORT) is a constraint error (IntegrityError); a failing function an OperationalError.
            body = (
                "SELECT RAISE(ABORT, 'constraint failed');"
                if fault == "constraint"
                else "SELECT json('no space left on device');"
            )
            for table in tables:
                when = ""
                if holding is not None:
                    columns = [c["name"] for c in inspect(conn).get_columns(table)]
                    when = "WHEN " + " OR ".join(
                        f"""CAST(NEW."{c}" AS TEXT) LIKE '%{holding}%'""" for c in columns
                    )
                for operation in ("INSERT", "UPDATE"):
                    conn.exec_driver_sql(
                        f'CREATE TRIGGER "adkar_fault_{operation}_{table}" BEFORE {operation} ON "{table}" '
                        f"FOR EACH ROW {when} BEGIN {body} END"
                    )
        else:
            conn.exec_driver_sql(
                "CREATE FUNCTION adkar_fault() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                "IF TG_ARGV[1] <> '' AND strpos(NEW::text, TG_ARGV[1]) = 0 THEN RETURN NEW; END IF; "
                "RAISE EXCEPTION USING ERRCODE = TG_ARGV[0], "
                "MESSAGE = 'new row for relation \"' || TG_TABLE_NAME || '\" violates check constraint', "
                "DETAIL = 'Failing row contains ' || NEW::text || '.'; END $$"
            )
            for table in tables:
                conn.exec_driver_sql(
                    f'CREATE TRIGGER adkar_fault BEFORE INSERT OR UPDATE ON "{table}" FOR EACH ROW '
                    f"EXECUTE FUNCTION adkar_fault('{FAULTS[fault]}', '{holding or ''}')"
                )
    try:
        yield
    finally:
        db.session.rollback()
        with db.engine.begin() as conn:
            if conn.dialect.name == "sqlite":
                for table in tables:
                    for operation in ("INSERT", "UPDATE"):
                        conn.exec_driver_sql(f'DROP TRIGGER "adkar_fault_{operation}_{table}"')
            else:
                conn.exec_driver_sql("DROP FUNCTION adkar_fault() CASCADE")


def secrets_found(text: str, token: str) -> list[str]:
    """Which of the respondent's secrets `text` holds."""
    found = [name for name, value in (("comment", COMMENT), ("token", token)) if value in text]
    if hashlib.sha256(token.encode()).hexdigest() in text:
        found.append("token hash")
    for item, value in ANSWERS.items():  # an item next to its value: JSON, a dict's repr, a form
        if re.search(rf"""['"]?\b{item}\b['"]?\s*[:=]\s*['"]?{value}\b""", text):
            found.append(f"answer {item}")
    return found


@pytest.fixture
def captured(caplog) -> pytest.LogCaptureFixture:
    for name in LOGGERS:
        caplog.set_level(logging.DEBUG, logger=name)
    return caplog


@pytest.fixture
def logged_exceptions(app) -> Iterator[list[BaseException]]:
    """Every exception handed to a logger, as it was before any redaction (the tests' control)."""
    seen: list[BaseException] = []
    make = logging.getLogRecordFactory()  # the app's (create_app has run), wrapped once more

    def spying(name, level, fn, lno, msg, args, exc_info, *rest, **kwargs):
        if exc_info and exc_info[1] is not None:
            seen.append(exc_info[1])
        return make(name, level, fn, lno, msg, args, exc_info, *rest, **kwargs)

    logging.setLogRecordFactory(spying)
    try:
        yield seen
    finally:
        logging.setLogRecordFactory(make)


def injected(exceptions: list[BaseException], fault: str) -> list[BaseException]:
    """The logged database errors that are the triggers' fault (not some other failure)."""
    found = []
    for exc in exceptions:
        orig = getattr(exc, "orig", None)
        if orig is None:
            continue
        code = getattr(orig, "sqlstate", None)
        if code == FAULTS[fault] or (
            code is None and re.search(r"constraint failed|malformed JSON", str(orig))
        ):
            found.append(exc)
    return found


def carried(exceptions: list[BaseException], token: str) -> list[str]:
    """The respondent's secrets the failing statements sent to the database."""
    return secrets_found(" ".join(repr(getattr(e, "params", "")) for e in exceptions), token)


def respondent_form(client, token: str) -> dict:
    """The distinctive answers and comment, with the page's nonce as a browser posts it back."""
    page = client.get(f"/s/{token}")
    assert page.status_code == 200
    form = {**ANSWERS, "comment": COMMENT}
    nonce = _NONCE.search(page.get_data(as_text=True))
    if nonce:
        form["nonce"] = nonce.group(1)
    return form


def post_logged(client, token: str, form: dict, captured) -> tuple[int, str, str, list[logging.LogRecord]]:
    """Status, page, every log line and record of this one POST."""
    captured.clear()
    response = client.post(f"/s/{token}", data=form)
    records = list(captured.records)
    logged = captured.text + "\n".join(r.getMessage() for r in records)
    return response.status_code, response.get_data(as_text=True), logged, records


@pytest.mark.parametrize("fault", list(FAULTS))
def test_a_database_fault_spending_the_link_logs_no_answer_comment_or_token(
    app, factory, captured, logged_exceptions, fault
):
    wave, (group,), _ = make_wave(factory)
    token = invite(wave, group)
    client = app.test_client()
    form = respondent_form(client, token)
    with writes_fail(fault):
        status, body, logged, records = post_logged(client, token, form, captured)
    assert status == (500 if fault == "constraint" else 503)
    assert count_responses(wave.id) == 0 and not invitation_used(token)
    # The control: the injected fault was logged, raised by a statement carrying the link's hash ...
    faults = injected(logged_exceptions, fault)
    assert faults, f"the injected fault was not what failed: {logged_exceptions!r}"
    assert "token hash" in carried(faults, token)
    # ... and the log holds none of the respondent's secrets.
    assert any(r.levelno >= logging.ERROR for r in records)
    assert not secrets_found(logged, token), f"the log holds the respondent's secrets:\n{logged}"
    assert not secrets_found(body, token), "the error page holds the respondent's secrets"


@pytest.mark.parametrize("fault", list(FAULTS))
def test_a_database_fault_writing_the_comment_logs_no_answer_comment_or_token(
    app, factory, captured, logged_exceptions, fault
):
    """The last of k colleagues answers: writing the group's rows, one of which holds the comment in plain
    text, fails (and only that write: the trigger fires on rows holding the comment)."""
    wave, (group,), _ = make_wave(factory)
    k = app.config["MIN_GROUP_SIZE"]
    tokens = [invite(wave, group) for _ in range(k)]
    for earlier in tokens[:-1]:
        assert app.test_client().post(f"/s/{earlier}", data=pulse_form(4)).status_code == 303
    token = tokens[-1]
    client = app.test_client()
    form = respondent_form(client, token)
    with writes_fail(fault, holding=COMMENT):
        status, body, logged, records = post_logged(client, token, form, captured)
    assert status in (303, 500, 503)
    assert count_responses(wave.id) == 0
    # The control: the injected fault was logged, raised by the write carrying the comment and answers ...
    faults = injected(logged_exceptions, fault)
    assert faults, f"the injected fault was not what failed: {logged_exceptions!r}"
    assert {"comment", "answer aw1"} <= set(carried(faults, token))
    # ... and the log holds none of the respondent's secrets.
    assert any(r.levelno >= logging.ERROR for r in records)
    assert not secrets_found(logged, token), f"the log holds the respondent's secrets:\n{logged}"
    assert not secrets_found(body, token), "the page holds the respondent's secrets"


def test_an_error_on_a_respondent_page_logs_no_message(app, factory, captured):
    """Any error while a respondent's request runs is logged without its message, which may quote what
    the person typed (int() of a bad answer does: "invalid literal for int() ... 'canary-comment-xyz'")."""

    @app.before_request
    def quote_the_comment():
        if "comment" in request.form:
            int(request.form["comment"])

    wave, (group,), _ = make_wave(factory)
    token = invite(wave, group)
    client = app.test_client()
    form = respondent_form(client, token)
    status, body, logged, records = post_logged(client, token, form, captured)
    assert status == 500
    assert any(r.levelno >= logging.ERROR for r in records) and "ValueError" in logged
    assert not secrets_found(logged, token), f"the log holds the respondent's secrets:\n{logged}"
    assert not secrets_found(body, token)


def test_statement_parameters_stay_hidden_whatever_the_configuration(database_url):
    """hide_parameters is forced on: a configuration that sets other engine options (or tries to turn it
    off) cannot drop it."""
    for options in ({}, {"pool_pre_ping": False, "pool_recycle": 300}, {"hide_parameters": False}):
        app = create_app(
            {"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url, "SQLALCHEMY_ENGINE_OPTIONS": options}
        )
        with app.app_context():
            assert db.engine.hide_parameters, options
            db.engine.dispose()
