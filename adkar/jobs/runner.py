"""Running a job on a worker: take its lease, call its handler, record the outcome; the minute sweep.

A job is held by one worker at a time through `lease_until`/`lease_owner`: taking it is one conditional
UPDATE, so two workers (or a duplicate queue message) never run the same job at once. A worker that dies
leaves the lease to run out; the sweep, which every worker runs each minute, then queues the job again.
"""

from __future__ import annotations

import logging
import secrets
from datetime import datetime, timedelta
from typing import cast

from flask import current_app
from huey.exceptions import TaskLockedException
from sqlalchemy import CursorResult, or_, select, update

from .. import events
from ..database import begin_write
from ..extensions import db
from ..timeutil import utc_now
from .models import FINISHED, Job
from .queue import queue
from .registry import Done, WaitUntil, handler_for, periodic_work, wake_up_for

DEFAULT_LEASE_SECONDS = 120
MAX_CRASHES = 3  # a handler that raises this often is a bug, not bad luck: the job fails
log = logging.getLogger(__name__)


def lease_length() -> timedelta:
    """How long a worker may hold a job between renewals (ADKAR_JOB_LEASE_SECONDS): a killed worker's
    job waits this long before another worker takes it over."""
    return timedelta(seconds=float(current_app.config.get("JOB_LEASE_SECONDS") or DEFAULT_LEASE_SECONDS))


class _Lease:
    def __init__(self, job_id: int, owner: str) -> None:
        self.job_id = job_id
        self.owner = owner

    def renew(self) -> bool:
        begin_write()
        result = db.session.execute(
            update(Job)
            .where(Job.id == self.job_id, Job.lease_owner == self.owner)
            .values(lease_until=utc_now() + lease_length())
        )
        db.session.commit()
        return cast(CursorResult, result).rowcount == 1


def _take(job_id: int, now: datetime) -> _Lease | None:
    owner = secrets.token_hex(8)
    begin_write()
    result = db.session.execute(
        update(Job)
        .where(
            Job.id == job_id,
            Job.status.not_in(FINISHED),
            or_(Job.lease_until.is_(None), Job.lease_until < now),
            or_(Job.next_run_at.is_(None), Job.next_run_at <= now),
        )
        .values(
            lease_until=now + lease_length(), lease_owner=owner, status="running", attempts=Job.attempts + 1
        )
    )
    taken = cast(CursorResult, result).rowcount == 1
    if taken:
        db.session.execute(
            update(Job).where(Job.id == job_id, Job.started_at.is_(None)).values(started_at=now)
        )
    db.session.commit()
    return _Lease(job_id, owner) if taken else None


def run(job_id: int) -> None:
    """Run the job if it is due and nobody holds it; otherwise do nothing (the holder will finish it)."""
    lease = _take(job_id, utc_now())
    if lease is None:
        return
    job = db.session.get(Job, job_id)
    assert job is not None
    handler = handler_for(job.kind)
    if handler is None:
        _record(lease, Done(f"No worker knows how to run a {job.kind!r} job.", failed=True))
        return
    try:
        outcome = handler(job_id, lease)
    except Exception:
        db.session.rollback()
        log.exception("job %s (%s) stopped on an error", job_id, job.kind)
        attempts = db.session.scalar(select(Job.attempts).where(Job.id == job_id)) or 0
        if attempts >= MAX_CRASHES:
            outcome = Done("The job stopped on an internal error; the log has the details.", failed=True)
        else:
            outcome = WaitUntil(utc_now() + timedelta(minutes=1), "Stopped on an error; trying again.")
    _record(lease, outcome)


def _record(lease: _Lease, outcome: Done | WaitUntil) -> None:
    now = utc_now()
    begin_write()
    job = db.session.get(Job, lease.job_id)
    assert job is not None
    if job.lease_owner != lease.owner:  # another worker took over after our lease ran out
        db.session.rollback()
        return
    job.lease_until = None
    job.lease_owner = None
    job.message = outcome.message
    if isinstance(outcome, WaitUntil):
        job.status = "waiting"
        job.next_run_at = outcome.when
    else:
        job.status = "failed" if outcome.failed else "done"
        job.finished_at = now
        job.next_run_at = None
    if job.finished:  # announced in this transaction: subscribers' rows commit with the outcome
        events.announce("job.finished", {"job": _job_event(job)}, initiative_id=job.initiative_id)
    db.session.commit()
    if isinstance(outcome, WaitUntil):
        queue().enqueue(lease.job_id, delay=(outcome.when - now).total_seconds())


def _job_event(job: Job) -> dict:
    moment = lambda value: value.isoformat(timespec="seconds") + "Z" if value else None  # noqa: E731
    return {
        "id": job.id,
        "kind": job.kind,
        "status": job.status,
        "wave_id": job.wave_id,
        "counts": {"total": job.total, "succeeded": job.succeeded, "failed": job.failed},
        "started_at": moment(job.started_at),
        "finished_at": moment(job.finished_at),
    }


def due_jobs(now: datetime) -> list[int]:
    """Jobs that should be running and are not: no live lease, due, not finished."""
    return list(
        db.session.scalars(
            select(Job.id)
            .where(
                Job.status.not_in(FINISHED),
                or_(Job.lease_until.is_(None), Job.lease_until < now),
                or_(Job.next_run_at.is_(None), Job.next_run_at <= now),
            )
            .order_by(Job.id)
        )
    )


def wake(name: str, *args: int | str) -> None:
    """Run a wake-up; a failure is logged and left to the minute's periodic work, which does the same."""
    work = wake_up_for(name)
    if work is None:
        log.error("no wake-up is registered as %r", name)
        return
    try:
        work(*args)
    except Exception:
        db.session.rollback()
        log.exception("wake-up %s failed; the minute's periodic work will catch up", name)


def minute(now: datetime | None = None) -> None:
    """Each worker, every minute: queue again what a dead worker or a lost message left, then the
    features' periodic work (schedules, alerts, webhooks). One failing part never stops the others."""
    now = now or utc_now()
    for job_id in due_jobs(now):
        queue().enqueue(job_id)
    db.session.rollback()
    huey = queue().huey
    for name, work in periodic_work().items():
        try:
            # One worker at a time per kind of work, across hosts: the lock lives in the queue's store.
            with huey.lock_task(f"adkar.periodic.{name}"):
                work(now)
        except TaskLockedException:
            log.info("periodic work %s is running on another worker; skipped", name)
        except Exception:
            db.session.rollback()
            log.exception("periodic work %s failed", name)
