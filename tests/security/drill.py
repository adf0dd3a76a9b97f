"""A database outage drill: respondents answer through gunicorn while the database goes away and comes back.

Shared by tests/security/test_postgres_outage.py (this test's own database refuses connections: safe for
everyone else) and tests/ci_only/test_postgres_restart.py (the whole PostgreSQL cluster is stopped).
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.pool import NullPool

from adkar import create_app
from adkar.errors import NOT_SAVED
from adkar.extensions import db
from adkar.migrate import upgrade
from adkar.plan import services as plan
from adkar.surveys.invitations import services as invitations
from adkar.surveys.models import HeldAnswer, Invitation, Response
from adkar.surveys.responses.services import hash_key
from adkar.surveys.waves import services as waves
from adkar.timeutil import today

from ..factories import Factory
from .servers import gunicorn
from .webclient import Browser, Page

ANSWERS = dict.fromkeys(("aw1", "de1", "kn1", "ab1", "re1"), "4")
RETRY_TEXTS = (NOT_SAVED, "briefly unavailable")


@dataclass
class Seeded:
    name: str
    url: str
    admin: Engine
    tokens: list[str]


@contextmanager
def seeded_database(base_url: str, prefix: str, tokens: int) -> Iterator[Seeded]:
    """A PostgreSQL database of the drill's own, migrated, with one open wave and `tokens` personal links."""
    name = f"{prefix}_{os.getpid()}"
    # No pool: a pooled connection would not survive the server being stopped, and cleanup needs one.
    admin = create_engine(base_url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = base_url.rsplit("/", 1)[0] + f"/{name}"
    app = create_app({"TESTING": True, "SECRET_KEY": "drill", "SQLALCHEMY_DATABASE_URI": url})
    upgrade(app)
    with app.app_context():
        owner = Factory().user("practitioner")
        initiative = plan.create_initiative(
            owner=owner, name="Outage drill", approach="sequential", go_live=today() + timedelta(days=30)
        )
        group = plan.create_group(initiative=initiative, actor=owner, name="Everyone", headcount=tokens)
        wave = waves.create_wave(
            initiative=initiative,
            actor=owner,
            name="Pulse",
            survey_key="adkar-pulse",
            opens_on=today() - timedelta(days=1),
            closes_on=today() + timedelta(days=7),
            group_ids=[group.id],
        )
        issued = invitations.issue_links(wave=wave, group_id=group.id, count=tokens, actor=owner)
        db.engine.dispose()
    seeded = Seeded(name, url, admin, issued)
    try:
        yield seeded
    finally:
        drop(seeded)


def drop(seeded: Seeded) -> None:
    with seeded.admin.connect() as conn:
        conn.execute(text(f'ALTER DATABASE "{seeded.name}" WITH ALLOW_CONNECTIONS true'))
        conn.execute(text(f'DROP DATABASE IF EXISTS "{seeded.name}" WITH (FORCE)'))
    seeded.admin.dispose()


@dataclass
class Attempt:
    token: str
    form: Page
    result: Page | None

    @property
    def thanked(self) -> bool:
        return self.result is not None and self.result.status == 303 and "/thank-you" in self.result.location

    @property
    def told_to_retry(self) -> bool:
        page = self.result if self.form.status == 200 and self.result is not None else self.form
        return page.status == 503 and any(t in page.body for t in RETRY_TEXTS)

    @property
    def already_stored(self) -> bool:
        """A retry refused as "already used": the first try was stored after all (its answer was lost)."""
        return self.result is None and self.form.status == 404


def answer(base_url: str, token: str) -> Attempt:
    """Open the personal link, then submit the form with its CSRF token, as a browser does."""
    browser = Browser(base_url, timeout=30)
    form = browser.get(f"/s/{token}")
    if form.status != 200:
        return Attempt(token, form, None)
    _, result = browser.answer(f"/s/{token}", ANSWERS)
    return Attempt(token, form, result)


@dataclass
class Drill:
    attempts: list[Attempt]
    retries: list[Attempt]
    final: list[Attempt]
    timings: dict[str, float]


def run(
    seeded: Seeded,
    *,
    fault: Callable[[], None],
    recover: Callable[[], None],
    clients: int,
    seconds: float,
    fault_at: float,
    down_for: float,
    log: Path,
) -> Drill:
    """`clients` respondents answer for `seconds`; `fault()` at `fault_at`, `recover()` `down_for` later.
    Then every refused respondent tries again, and `clients` fresh respondents answer once: their links
    are kept out of the load, however fast it goes."""
    env = {
        "DATABASE_URL": seeded.url,
        "ADKAR_SECRET_KEY": "drill-secret",
        "ADKAR_RATELIMIT_ENABLED": "false",  # every respondent comes from 127.0.0.1
    }
    with gunicorn(env, workers=4, log=log) as base_url:
        loaded, spare = seeded.tokens[:-clients], seeded.tokens[-clients:]
        attempts, timings = _load(base_url, loaded, fault, recover, clients, seconds, fault_at, down_for)
        retries = [answer(base_url, a.token) for a in attempts if not a.thanked]
        final = [answer(base_url, token) for token in spare]
    return Drill(attempts, retries, final, timings)


def _load(base_url, tokens, fault, recover, clients, seconds, fault_at, down_for):
    queue = iter(tokens)
    lock = threading.Lock()
    attempts: list[Attempt] = []
    errors: list[BaseException] = []
    start = time.monotonic()
    deadline = start + seconds

    def client() -> None:
        while time.monotonic() < deadline:
            with lock:
                token = next(queue, None)
            if token is None:
                return
            try:
                attempt = answer(base_url, token)
            except BaseException as exc:  # a dropped connection: reported by the caller as a failure
                with lock:
                    errors.append(exc)
                return
            with lock:
                attempts.append(attempt)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    try:
        time.sleep(fault_at)
        timings = {"fault_at": round(time.monotonic() - start, 2)}
        fault()
        time.sleep(down_for)
    finally:
        recover()
    timings["recovered_at"] = round(time.monotonic() - start, 2)
    for thread in threads:
        thread.join(timeout=seconds + 120)
    assert not errors, errors
    return attempts, timings


def report(seeded: Seeded, drill: Drill) -> dict:
    """The counts, and the respondents the drill failed (should all be empty)."""
    engine = create_engine(seeded.url, poolclass=NullPool)
    hashes = {hash_key(t): t for t in seeded.tokens}
    with engine.connect() as conn:
        used_hashes = conn.execute(select(Invitation.token_hash).where(Invitation.used.is_(True))).scalars()
        used = {hashes[h] for h in used_hashes if h in hashes}
        published = conn.scalar(select(func.count()).select_from(Response))
        held = conn.scalar(select(func.count()).select_from(HeldAnswer))  # waiting for k of their group
    engine.dispose()
    thanked = [a for a in drill.attempts if a.thanked]
    refused = [a for a in drill.attempts if not a.thanked]
    return {
        "submissions": len(drill.attempts),
        "thanked": len(thanked),
        "told_to_retry": sum(a.told_to_retry for a in refused),
        "unclear": [
            (a.form.status, a.result.status if a.result else None) for a in refused if not a.told_to_retry
        ],
        "retried_ok": sum(r.thanked for r in drill.retries),
        "retried_already_stored": sum(r.already_stored for r in drill.retries),
        "retries_failed": sum(not (r.thanked or r.already_stored) for r in drill.retries),
        "final_ok": sum(f.thanked for f in drill.final),
        "final": len(drill.final),
        "responses_stored": published + held,
        "responses_held": held,
        "links_used": len(used),
        "responses_lost": sum(a.token not in used for a in thanked),
        **drill.timings,
    }


def problems(result: dict) -> list[str]:
    """What the drill's outcome breaks of the promise: nothing lost, every refused respondent told to retry,
    retries and later respondents thanked. Empty when it holds."""
    rules = [
        (result["submissions"] >= 50, "too few submissions to say anything"),
        (result["told_to_retry"] >= 1, "the outage refused nobody: the fault was not exercised"),
        (result["responses_lost"] == 0, "responses were lost"),
        (result["unclear"] == [], "some respondents got an unclear answer"),
        (result["retries_failed"] == 0, "retries failed"),
        (result["final_ok"] == result["final"] > 0, "respondents after the recovery were not all thanked"),
        (result["responses_stored"] == result["links_used"], "stored responses differ from used links"),
    ]
    return [f"{message}: {result}" for held, message in rules if not held]
