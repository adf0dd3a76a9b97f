"""PostgreSQL stopped and started again under a submission load, with the app served by gunicorn.

Proves: every respondent who got the thank-you page has a stored response; every other one got the clear
retry page (503, "We could not save your answers; please try again"); the app recovers without a restart
(pool_pre_ping) and later submissions, and retries of the refused ones, succeed.

It stops the machine's PostgreSQL cluster, so it runs only when asked: ADKAR_CI_FAULTS=1 and
ADKAR_TEST_POSTGRES_URL set (CI runs it on its own, after `make test`). The cluster is always started
again, whatever happens.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select, text

from adkar import create_app
from adkar.errors import NOT_SAVED
from adkar.extensions import db
from adkar.migrate import upgrade
from adkar.plan import services as plan
from adkar.surveys import invitations, waves
from adkar.surveys.models import Invitation, Response
from adkar.surveys.responses import hash_key
from adkar.timeutil import today

from ..factories import Factory
from ..security.servers import gunicorn
from ..security.webclient import Browser, Page

pytestmark = pytest.mark.skipif(
    not (os.environ.get("ADKAR_CI_FAULTS") == "1" and os.environ.get("ADKAR_TEST_POSTGRES_URL")),
    reason="CI-only fault test: set ADKAR_CI_FAULTS=1 and ADKAR_TEST_POSTGRES_URL (it stops PostgreSQL)",
)

CLIENTS = 8
LOAD_SECONDS = 15
STOP_AT, DOWN_FOR = 5.0, 3.0
TOKENS = 3000
WORKERS = 4
ANSWERS = dict.fromkeys(("aw1", "de1", "kn1", "ab1", "re1"), "4")
RETRY_TEXTS = (NOT_SAVED, "briefly unavailable")
REPORT = Path(__file__).resolve().parents[1] / "artifacts" / "postgres_restart.json"
log = logging.getLogger(__name__)


def cluster_version() -> str:
    versions = sorted(os.listdir("/etc/postgresql"))
    assert versions, "no PostgreSQL cluster under /etc/postgresql"
    return versions[-1]


def pg_ctl(action: str) -> None:
    command = ["pg_ctlcluster", "--skip-systemctl-redirect", cluster_version(), "main", action]
    subprocess.run([*command, *(["-m", "fast"] if action == "stop" else [])], check=True, timeout=60)


def pg_ready() -> bool:
    return subprocess.run(["pg_isready", "-h", "127.0.0.1", "-p", "5432", "-q"], check=False).returncode == 0


def ensure_started() -> None:
    if not pg_ready():
        pg_ctl("start")
    for _ in range(60):
        if pg_ready():
            return
        time.sleep(1)
    raise RuntimeError("PostgreSQL did not come back")


@dataclass
class Seeded:
    url: str
    tokens: list[str]


@pytest.fixture
def database() -> Iterator[Seeded]:
    base = os.environ["ADKAR_TEST_POSTGRES_URL"]
    name = f"adkar_faults_{os.getpid()}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = base.rsplit("/", 1)[0] + f"/{name}"
    app = create_app({"TESTING": True, "SECRET_KEY": "faults", "SQLALCHEMY_DATABASE_URI": url})
    upgrade(app)
    with app.app_context():
        owner = Factory().user("practitioner")
        initiative = plan.create_initiative(
            owner=owner, name="Restart drill", approach="sequential", go_live=today() + timedelta(days=30)
        )
        group = plan.create_group(initiative=initiative, actor=owner, name="Everyone", headcount=TOKENS)
        wave = waves.create_wave(
            initiative=initiative,
            actor=owner,
            name="Pulse",
            survey_key="adkar-pulse",
            opens_on=today() - timedelta(days=1),
            closes_on=today() + timedelta(days=7),
            group_ids=[group.id],
        )
        tokens = invitations.issue_links(wave=wave, group_id=group.id, count=TOKENS, actor=owner)
        db.engine.dispose()
    try:
        yield Seeded(url, tokens)
    finally:
        ensure_started()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


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


def answer(base_url: str, token: str) -> Attempt:
    browser = Browser(base_url, timeout=30)
    form = browser.get(f"/s/{token}")
    if form.status != 200:
        return Attempt(token, form, None)
    _, result = browser.answer(f"/s/{token}", ANSWERS)
    return Attempt(token, form, result)


def run_load(base_url: str, tokens: list[str]) -> tuple[list[Attempt], dict[str, float]]:
    queue = iter(tokens)
    lock = threading.Lock()
    attempts: list[Attempt] = []
    errors: list[BaseException] = []
    start = time.monotonic()
    deadline = start + LOAD_SECONDS

    def client() -> None:
        while time.monotonic() < deadline:
            with lock:
                token = next(queue, None)
            if token is None:
                return
            try:
                attempt = answer(base_url, token)
            except BaseException as exc:  # a connection error is a failure of the test, reported below
                with lock:
                    errors.append(exc)
                return
            with lock:
                attempts.append(attempt)

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    for thread in threads:
        thread.start()
    time.sleep(STOP_AT)
    timings = {"stopped_at": round(time.monotonic() - start, 2)}
    pg_ctl("stop")
    time.sleep(DOWN_FOR)
    pg_ctl("start")
    ensure_started()
    timings["started_at"] = round(time.monotonic() - start, 2)
    for thread in threads:
        thread.join(timeout=LOAD_SECONDS + 120)
    assert not errors, errors
    return attempts, timings


def used_tokens(url: str, tokens: list[str]) -> tuple[set[str], int]:
    engine = create_engine(url)
    hashes = {hash_key(t): t for t in tokens}
    with engine.connect() as conn:
        used = conn.execute(select(Invitation.token_hash).where(Invitation.used.is_(True))).scalars().all()
        responses = conn.execute(select(Response.id)).scalars().all()
    engine.dispose()
    return {hashes[h] for h in used if h in hashes}, len(responses)


def test_stopping_postgres_under_load_loses_nothing(database, tmp_path):
    env = {
        "DATABASE_URL": database.url,
        "ADKAR_SECRET_KEY": "ci-faults-secret",
        "ADKAR_RATELIMIT_ENABLED": "false",  # every client comes from 127.0.0.1
    }
    try:
        with gunicorn(env, workers=WORKERS, log=tmp_path / "gunicorn.log") as base_url:
            attempts, timings = run_load(base_url, database.tokens)
            refused = [a for a in attempts if not a.thanked]
            retries = [answer(base_url, a.token) for a in refused]
            spare = [t for t in database.tokens if t not in {a.token for a in attempts}]
            final = [answer(base_url, token) for token in spare[:CLIENTS]]
    finally:
        ensure_started()
    thanked = [a for a in attempts if a.thanked]
    unclear = [a for a in refused if not a.told_to_retry]
    used, responses = used_tokens(database.url, database.tokens)
    lost = [a.token for a in thanked if a.token not in used]
    report = {
        "submissions": len(attempts),
        "thanked": len(thanked),
        "told_to_retry": len(refused) - len(unclear),
        "unclear": [(a.form.status, a.result.status if a.result else None) for a in unclear],
        "retried_ok": sum(r.thanked for r in retries),
        "retried_already_stored": sum(r.result is None and r.form.status == 404 for r in retries),
        "final_ok": sum(f.thanked for f in final),
        "responses_stored": responses,
        "responses_lost": len(lost),
        **timings,
    }
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(json.dumps(report, indent=2))
    log.warning("PostgreSQL restart drill: %s", report)

    assert len(attempts) >= 50, report
    assert refused, f"the outage refused nobody: the fault was not exercised ({report})"
    assert not lost, f"{len(lost)} respondents saw the thank-you page but their response is missing"
    assert not unclear, f"respondents got neither the thank-you page nor the retry page: {report['unclear']}"
    assert all(r.thanked or (r.result is None and r.form.status == 404) for r in retries), report
    assert len(final) == CLIENTS and all(f.thanked for f in final), report
    assert responses == len(used), "responses and used links disagree"
