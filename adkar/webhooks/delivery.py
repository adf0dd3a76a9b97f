"""Sending due deliveries: claim them, send each once, record the outcome, retry with backoff.

Safe with several workers: rows are claimed in a write transaction (BEGIN IMMEDIATE on SQLite, FOR UPDATE
SKIP LOCKED on PostgreSQL) by setting a claim token and a lease, then sent outside any transaction; a
second worker finds them not due. A worker that dies mid-send leaves its rows due again when the lease
ends (a delivery may then arrive twice, which the webhook-id lets receivers notice; it is never lost).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select, update

from ..database import begin_write, is_sqlite
from ..encryption import Undecryptable
from ..extensions import db
from ..timeutil import utc_now
from .models import DELIVERED, FAILED, PENDING, WebhookDelivery
from .sending import Outcome, attempt
from .signing import open_secret

# Waits after the 1st, 2nd, ... failed attempt; after the last, the delivery is failed (6 attempts in all).
BACKOFF = (
    timedelta(seconds=30),
    timedelta(minutes=2),
    timedelta(minutes=10),
    timedelta(hours=1),
    timedelta(hours=6),
)
MAX_ATTEMPTS = len(BACKOFF) + 1


def _lease() -> timedelta:
    return timedelta(seconds=2 * float(current_app.config["WEBHOOKS_TIMEOUT_SECONDS"]) + 60)


def _claim(*, now: datetime, limit: int, delivery_id: int | None = None) -> list[WebhookDelivery]:
    """Mark up to `limit` due deliveries as this worker's and commit; returns them."""
    token = secrets.token_hex(16)
    begin_write()
    due = (
        select(WebhookDelivery.id)
        .where(WebhookDelivery.status == PENDING, WebhookDelivery.next_attempt_at <= now)
        .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id)
        .limit(limit)
    )
    if delivery_id is not None:
        due = due.where(WebhookDelivery.id == delivery_id)
    if not is_sqlite():
        due = due.with_for_update(skip_locked=True)
    ids = list(db.session.scalars(due))
    if ids:
        db.session.execute(
            update(WebhookDelivery)
            .where(
                WebhookDelivery.id.in_(ids),
                WebhookDelivery.status == PENDING,
                WebhookDelivery.next_attempt_at <= now,
            )
            .values(claim=token, next_attempt_at=now + _lease())
        )
    db.session.commit()
    if not ids:
        return []
    return list(
        db.session.scalars(
            select(WebhookDelivery).where(WebhookDelivery.claim == token).order_by(WebhookDelivery.id)
        )
    )


@dataclass(frozen=True)
class _Job:
    """What one attempt needs, read while claiming, so nothing is loaded (or locked) while sending."""

    delivery_id: int
    claim: str
    attempts: int  # counting this one
    url: str
    sealed_secret: str
    event_id: str
    payload: str


def _job(delivery: WebhookDelivery) -> _Job:
    return _Job(
        delivery_id=delivery.id,
        claim=delivery.claim or "",
        attempts=delivery.attempts + 1,
        url=delivery.endpoint.url,
        sealed_secret=delivery.endpoint.secret_encrypted,
        event_id=delivery.event_id,
        payload=delivery.payload,
    )


def _send(job: _Job) -> Outcome:
    try:
        secret = open_secret(job.sealed_secret)
    except Undecryptable:
        return Outcome(None, "The signing secret cannot be decrypted (SECRET_KEY changed): rotate it.")
    return attempt(
        url=job.url,
        secret=secret,
        event_id=job.event_id,
        payload=job.payload,
        at=utc_now(),  # the wall clock: receivers compare the signed timestamp with theirs
        config=current_app.config,
    )


def _record(delivery_id: int, claim: str, outcome: Outcome, *, now: datetime, attempts: int) -> None:
    """Store the outcome, if the claim is still this worker's."""
    values: dict = {
        "attempts": attempts,
        "last_attempt_at": now,
        "last_status_code": outcome.status_code,
        "last_error": outcome.error,
        "claim": None,
    }
    if outcome.delivered:
        values |= {"status": DELIVERED, "delivered_at": now, "next_attempt_at": None}
    elif outcome.final or attempts >= MAX_ATTEMPTS:
        values |= {"status": FAILED, "next_attempt_at": None}
    else:
        values |= {"next_attempt_at": now + BACKOFF[attempts - 1]}
    begin_write()
    db.session.execute(
        update(WebhookDelivery)
        .where(WebhookDelivery.id == delivery_id, WebhookDelivery.claim == claim)
        .values(**values)
    )
    db.session.commit()


def _deliver(claimed: list[WebhookDelivery], *, now: datetime) -> int:
    jobs = [_job(d) for d in claimed]
    db.session.rollback()  # no transaction stays open while waiting for a receiver
    for job in jobs:
        _record(job.delivery_id, job.claim, _send(job), now=now, attempts=job.attempts)
    return len(jobs)


def deliver_due(*, now: datetime, limit: int = 100) -> int:
    """Send every delivery due at `now` (pending, next_attempt_at <= now), at most `limit`; returns how many
    were attempted. `now` schedules (due, backoff); each attempt is signed with the wall clock."""
    claimed = _claim(now=now, limit=limit)
    return _deliver(claimed, now=now)


def deliver_now(*, delivery_id: int, now: datetime) -> bool:
    """Attempt one pending delivery at once (a test event, "retry now"); False when another worker has it."""
    claimed = _claim(now=now, limit=1, delivery_id=delivery_id)
    return bool(_deliver(claimed, now=now))
