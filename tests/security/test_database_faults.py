"""When the database is unavailable, people get a clear retry page (503), nothing half-saved, and the app
works again as soon as the database does.

A real fault on SQLite: another connection holds the write lock past the busy timeout, so storing a
response fails with "database is locked". (Stopping PostgreSQL under load is the CI-only suite's job:
tests/ci_only/test_postgres_restart.py.)
"""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.exc import IntegrityError, OperationalError

from adkar.errors import NOT_SAVED
from adkar.extensions import db
from adkar.surveys.models import HeldAnswer, Response
from adkar.surveys.respond import services as respondent

from ..surveys.wavedata import page_nonce
from . import payload_world
from .support import sign_in

ANSWERS = dict.fromkeys(("aw1", "de1", "kn1", "ab1", "re1"), "4")


@pytest.fixture
def app_config(app_config):
    return {**app_config, "SQLITE_BUSY_TIMEOUT_MS": 200}


@pytest.fixture
def world(app):
    return payload_world.build(app, "Fault-tolerant rollout")


def stored(app, wave_id: int) -> int:
    """Answers received for the wave: published or held until k."""
    with app.app_context():
        count = sum(
            db.session.scalar(select(func.count()).select_from(table).where(table.wave_id == wave_id))
            for table in (Response, HeldAnswer)
        )
        db.session.remove()
    return count


def lost_connection(*_args, **_kwargs):
    raise OperationalError("INSERT ...", {}, Exception("server closed the connection unexpectedly"))


@pytest.mark.parametrize("with_nonce", [False, True], ids=["no-nonce", "nonce"])
def test_a_locked_sqlite_database_gives_a_retry_page_then_works(app, world, engine_name, with_nonce):
    if engine_name != "sqlite":
        pytest.skip("the write lock of another connection is a SQLite fault")
    form = dict(ANSWERS)
    if with_nonce:
        form["nonce"] = page_nonce(app.test_client(), world.personal_token)
    path = app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")
    holder = sqlite3.connect(path, isolation_level=None)
    before = stored(app, world.wave_id)
    try:
        holder.execute("BEGIN IMMEDIATE")  # another writer that does not let go
        response = app.test_client().post(f"/s/{world.personal_token}", data=form)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert response.status_code == 503
    assert NOT_SAVED in response.text and "locked" not in response.text.lower()
    assert int(response.headers["Retry-After"]) > 0
    assert stored(app, world.wave_id) == before
    retry = app.test_client().post(f"/s/{world.personal_token}", data=form)
    assert retry.status_code == 303  # the same link works: nothing was half-saved
    assert stored(app, world.wave_id) == before + 1


def test_a_lost_connection_gives_each_kind_of_caller_a_clear_answer(app, world, monkeypatch):
    owner = sign_in(app, world.owner_email)
    monkeypatch.setattr(respondent, "write_response", lost_connection)
    monkeypatch.setattr(respondent, "resolve_open", lost_connection)
    submitted = app.test_client().post(f"/s/{world.personal_token}", data=ANSWERS)
    assert submitted.status_code == 503 and NOT_SAVED in submitted.text
    opened = app.test_client().get(f"/o/{world.open_token}")
    assert opened.status_code == 503 and "briefly unavailable" in opened.text
    monkeypatch.setattr("adkar.api.readiness.report.wave_report_json", lost_connection)
    api = app.test_client().get(
        f"/api/v1/waves/{world.wave_id}/readiness", headers={"Authorization": f"Bearer {world.api_token}"}
    )
    assert api.status_code == 503 and api.get_json()["error"]["status"] == 503
    assert owner.get("/account").status_code == 200  # the signed-in session survives the fault


def test_other_database_errors_are_still_bugs(app, world, monkeypatch):
    def broken(*_args, **_kwargs):
        raise IntegrityError("INSERT ...", {}, Exception("a constraint nobody expected"))

    monkeypatch.setattr(respondent, "write_response", broken)
    response = app.test_client().post(f"/s/{world.personal_token}", data=ANSWERS)
    assert response.status_code == 500


def test_a_connection_dropped_after_the_page_was_made_does_not_turn_it_into_an_error(app, engine_name):
    """Found by the outage drill: the server closed the connection between the last query and the end
    of the request, and the final rollback made gunicorn answer 500 to a page that had rendered fine."""
    if engine_name != "postgresql":
        pytest.skip("terminating a backend is a PostgreSQL fault")
    admin = create_engine(app.config["SQLALCHEMY_DATABASE_URI"], isolation_level="AUTOCOMMIT")

    def read_then_lose_the_connection():
        pid = db.session.scalar(text("SELECT pg_backend_pid()"))  # the request's transaction is open
        with admin.connect() as conn:
            conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        return "rendered"

    app.add_url_rule("/fault-after-render", "fault_after_render", read_then_lose_the_connection)
    try:
        response = app.test_client().get("/fault-after-render")
        assert response.status_code == 200 and response.text == "rendered"
        assert app.test_client().get("/fault-after-render").status_code == 200  # pre-ping: a new connection
    finally:
        admin.dispose()
