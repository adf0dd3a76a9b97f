"""Jobs on real workers: `flask --app adkar worker` processes started by the test, on the embedded SQLite
queue and on Redis, against a real SMTP server, on both database engines.

Faults from the issue, each ending with every recipient sent exactly once or reported: a worker killed
(SIGKILL) in the middle of a batch, and a queue store that lost its messages (a restart without
persistence). The database, not the queue, knows what is left, so a restarted worker finishes the job.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import select

from adkar.extensions import db
from adkar.jobs.models import FINISHED, Job
from adkar.surveys.invitations import delivery, sending
from adkar.surveys.models import MailDelivery

from ..surveys import wave_support
from ..surveys.mailbox import Mailbox, smtp_server
from ..surveys.wave_support import new_wave

pytestmark = pytest.mark.slow

REDIS_URI = os.environ.get("ADKAR_TEST_REDIS_URI", "redis://127.0.0.1:6379/15")
FLASK = str(Path(sys.executable).with_name("flask"))

fast_password_hashing = wave_support.fast_password_hashing
plan = wave_support.plan
sqlite_template = wave_support.sqlite_template


def redis_or_skip() -> None:
    import redis

    client = redis.Redis.from_url(REDIS_URI, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.exceptions.ConnectionError as exc:
        message = f"Redis is not reachable at {REDIS_URI}: {exc}"
        if os.environ.get("ADKAR_REQUIRE_REDIS"):
            pytest.fail(message)
        pytest.skip(message)
    finally:
        client.close()


@pytest.fixture(params=["sqlite-queue", "redis-queue"])
def queue_url(request, tmp_path) -> str:
    if request.param == "redis-queue":
        redis_or_skip()
        return REDIS_URI
    return f"sqlite:///{tmp_path / 'queue.sqlite3'}"


@pytest.fixture
def mailbox():
    with smtp_server() as box:
        yield box


@pytest.fixture
def app_config(app_config, mailbox, queue_url):
    return {
        **app_config,
        "SMTP_HOST": mailbox.host,
        "SMTP_PORT": mailbox.port,
        "QUEUE_URL": queue_url,
        "QUEUE_NAME": f"adkar-test-{uuid.uuid4().hex[:12]}",  # no test sees another's messages
    }


@contextmanager
def worker(app, **settings: object) -> Iterator[subprocess.Popen]:
    """A worker process on the test's database and queue; stopped (SIGTERM) at the end of the block."""
    env = {
        **os.environ,
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "ADKAR_QUEUE_URL": app.config["QUEUE_URL"],
        "ADKAR_QUEUE_NAME": app.config["QUEUE_NAME"],
        "ADKAR_SMTP_HOST": app.config["SMTP_HOST"],
        "ADKAR_SMTP_PORT": str(app.config["SMTP_PORT"]),
        "ADKAR_SECRET_KEY": app.config["SECRET_KEY"],
        "ADKAR_MIN_GROUP_SIZE": str(app.config["MIN_GROUP_SIZE"]),
        **{f"ADKAR_{name}": str(value) for name, value in settings.items()},
    }
    process = subprocess.Popen(
        [FLASK, "--app", "adkar", "worker", "--threads", "2"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        yield process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if process.stderr:
            process.stderr.close()


def invited(mailbox: Mailbox) -> list[str]:
    """The invitations received: a worker's minute sweep may also mail alerts to the plan's users."""
    return [a for a in mailbox.addresses() if a.endswith("@example.com")]


def wait_for(condition, *, timeout: float = 60, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        db.session.rollback()
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def finished(job_id: int) -> bool:
    return db.session.scalar(select(Job.status).where(Job.id == job_id)) in FINISHED


def queue(plan, wave, count: int) -> tuple[int, list[str]]:
    people = [f"person{i}@example.com" for i in range(count)]
    queued = sending.queue_invitations(
        wave=wave,
        group_id=plan.groups[0].id,
        recipients=[sending.Recipient(p) for p in people],
        actor=plan.owner,
    )
    assert queued.job_id is not None
    return queued.job_id, people


def final_states(job_id: int) -> dict[str, tuple[str, str | None]]:
    db.session.rollback()
    rows = db.session.execute(
        select(MailDelivery.email, MailDelivery.status, MailDelivery.error).where(
            MailDelivery.job_id == job_id
        )
    )
    return {email: (status, error) for email, status, error in rows}


def assert_exactly_once_or_reported(mailbox: Mailbox, job_id: int, people: list[str]) -> Counter:
    received = Counter(invited(mailbox))
    assert max(received.values(), default=0) <= 1, "somebody got two copies"
    states = final_states(job_id)
    assert set(states) == set(people)
    for person, (status, error) in states.items():
        if status == "sent":
            assert received[person] == 1, person
        else:
            assert (status, error) == ("failed", delivery.INTERRUPTED), (person, status, error)
    return Counter(status for status, _error in states.values())


def test_a_worker_sends_a_batch_queued_by_the_web_process(app, plan, mailbox):
    wave = new_wave(plan)
    with worker(app):
        job_id, people = queue(plan, wave, 30)
        wait_for(lambda: finished(job_id), what="the batch")
    assert sorted(invited(mailbox)) == sorted(people)
    assert db.session.get(Job, job_id).status == "done"


def test_a_worker_killed_mid_batch_leaves_nobody_unsent_or_sent_twice(app, plan, mailbox):
    mailbox.delay = 0.05
    wave = new_wave(plan)
    settings = {"MAIL_CHUNK": 10, "JOB_LEASE_SECONDS": 2}
    with worker(app, **settings) as first:
        job_id, people = queue(plan, wave, 60)
        wait_for(lambda: len(invited(mailbox)) >= 15, what="the first messages")
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
    got_before_restart = len(invited(mailbox))
    assert got_before_restart < 60 and not finished(job_id)
    time.sleep(2.5)  # the dead worker's lease runs out
    mailbox.delay = 0.0
    with worker(app, **settings):
        wait_for(lambda: finished(job_id), what="the restarted worker to finish")
    outcome = assert_exactly_once_or_reported(mailbox, job_id, people)
    assert outcome["sent"] >= 60 - 10  # at most one chunk was in flight when the worker died
    assert outcome["sent"] + outcome["failed"] == 60


def test_a_queue_store_that_lost_its_messages_does_not_lose_the_job(app, plan, mailbox, queue_url):
    wave = new_wave(plan)
    job_id, people = queue(plan, wave, 5)  # queued while no worker runs
    lose_messages(app, queue_url)
    with worker(app):
        wait_for(lambda: finished(job_id), what="the job found again in the database")
    assert sorted(invited(mailbox)) == sorted(people)


def lose_messages(app, queue_url: str) -> None:
    """What a queue store restarted without persistence does: every waiting message is gone."""
    huey = app.extensions["adkar.queue"].huey
    assert huey.pending_count() >= 1
    huey.flush()
    assert huey.pending_count() == 0


# --- publishing held answers ------------------------------------------------------------------------------


def hold_answers(factory, count: int) -> None:
    """`count` personal-link answers received while no worker runs: held, none published."""
    from ..surveys.test_record_response import record
    from ..surveys.wavedata import count_held, count_responses, invite, make_wave

    wave, (group,), _owner = make_wave(factory)
    for _ in range(count):
        record(wave, group, invite(wave, group))
    assert (count_held(), count_responses()) == (count, 0)  # the requests woke a worker; none published


def hold_a_batch(factory) -> int:
    from adkar.config import min_group_size

    k = min_group_size()
    hold_answers(factory, k)
    return k


def published() -> int:
    from ..surveys.wavedata import count_responses

    db.session.rollback()
    return count_responses()


def test_a_worker_publishes_the_batch_the_k_th_answer_completed(app, factory, mailbox):
    k = hold_a_batch(factory)
    assert app.extensions["adkar.queue"].huey.pending_count() == 1  # one wake-up, for the whole batch
    with worker(app):
        wait_for(lambda: published() == k, what="the batch published by the worker")


def test_a_lost_wake_up_costs_a_minute_not_the_batch(app, factory, mailbox, queue_url):
    k = hold_a_batch(factory)
    lose_messages(app, queue_url)
    with worker(app):  # its start-up sweep runs the minute's work: every complete batch is published
        wait_for(lambda: published() == k, what="the batch published by the minute's sweep")


def test_one_wake_up_per_batch_however_many_answers_wait(app, factory, mailbox):
    from adkar.config import min_group_size

    k = min_group_size()
    pending = app.extensions["adkar.queue"].huey.pending_count
    hold_answers(factory, 2 * k + 1)
    assert pending() == 2  # at k and at 2k: the answers in between join a batch already announced
    with worker(app):
        wait_for(lambda: published() == 2 * k + 1, what="every waiting answer published together")
