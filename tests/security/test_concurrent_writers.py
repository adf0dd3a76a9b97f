"""Sixteen respondents answering at the same moment through a real threaded HTTP server: every one sees the
thank-you page, nobody sees "database is locked", and every answer is stored and counted.

On SQLite this exercises WAL, the busy timeout and BEGIN IMMEDIATE (adkar.database); with CSRF on, each
respondent first opens the form (a read) and then submits it (a write), as a browser does. The related
proof that 50 simultaneous submissions of ONE token store one response, on both engines, lives in
tests/surveys/test_concurrency.py.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator

import pytest
from sqlalchemy import func, select
from werkzeug.serving import make_server

from adkar.extensions import db
from adkar.surveys.models import HeldAnswer, Invitation, Response, WaveGroup

from . import payload_world
from .webclient import Browser, Page

WRITERS = 16
ROUNDS = 4  # each writer answers this many personal links, one after another
ANSWERS = dict.fromkeys(("aw1", "de1", "kn1", "ab1", "re1"), "4")


@pytest.fixture
def app_config(app_config):
    return {**app_config, "WTF_CSRF_ENABLED": True}


@pytest.fixture
def live_url(app) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)
    server.server_close()


def issue_tokens(app, world, count: int) -> list[str]:
    from adkar.accounts.models import User
    from adkar.surveys.invitations import services as invitations
    from adkar.surveys.models import Wave

    with app.app_context():
        wave = db.session.get(Wave, world.wave_id)
        owner = db.session.scalar(select(User).where(User.email == world.owner_email))
        tokens = invitations.issue_links(wave=wave, group_id=world.group_id, count=count, actor=owner)
        db.session.remove()
    return tokens


@pytest.mark.slow
def test_sixteen_concurrent_writers_all_succeed(app, live_url, caplog):
    world = payload_world.build(app, "Concurrent rollout")
    tokens = issue_tokens(app, world, WRITERS * ROUNDS)
    barrier = threading.Barrier(WRITERS)
    results: list[tuple[Page, Page]] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def writer(mine: list[str]) -> None:
        try:
            barrier.wait(timeout=30)
            for token in mine:
                outcome = Browser(live_url, timeout=60).answer(f"/s/{token}", ANSWERS)
                with lock:
                    results.append(outcome)
        except BaseException as exc:
            with lock:
                errors.append(exc)

    chunks = [tokens[i::WRITERS] for i in range(WRITERS)]
    threads = [threading.Thread(target=writer, args=(chunk,)) for chunk in chunks]
    with caplog.at_level(logging.ERROR):
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=300)
    assert not errors, errors
    assert len(results) == WRITERS * ROUNDS
    for form, result in results:
        assert form.status == 200
        assert "locked" not in (form.body + result.body).lower()
        assert result.status == 303 and result.location.endswith("/thank-you?lang=en"), result
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], caplog.text

    with app.app_context():
        stored = db.session.scalar(
            select(func.count()).select_from(Response).where(Response.wave_id == world.wave_id)
        )
        held = db.session.scalar(
            select(func.count()).select_from(HeldAnswer).where(HeldAnswer.wave_id == world.wave_id)
        )
        used = db.session.scalar(
            select(func.count()).select_from(Invitation).where(Invitation.used.is_(True))
        )
        tally = db.session.get(WaveGroup, (world.wave_id, world.group_id)).n
    imported = payload_world.COMMENTED_RESPONSES
    assert (stored + held, used, tally) == (imported + WRITERS * ROUNDS, WRITERS * ROUNDS, stored)
    assert held < app.config["MIN_GROUP_SIZE"]  # every full batch was published
