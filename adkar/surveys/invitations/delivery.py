"""Sending a job's invitation or reminder e-mails on a worker, so that nobody is lost and nobody gets two.

Each person's MailDelivery row goes pending -> sending -> sent, or to retry (a 4xx answer, a dropped or
absent server: due again after a backoff) or failed (refused for good, or out of attempts). Rows are taken
a chunk at a time: the link is made (or, for a reminder, renewed) and the row marked `sending` in one
commit before the message leaves, and settled in one commit after. A worker killed in between leaves rows
in `sending`: the next run reports them ("may have arrived") instead of sending a second copy, and keeps
their link working. A link whose message did not leave is withdrawn (a reminder's old link restored).
"""

from __future__ import annotations

import gc
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import cast

from flask import current_app
from sqlalchemy import CursorResult, delete, func, or_, select, update

from ... import mail
from ...database import begin_write
from ...extensions import db
from ...jobs import services as jobs
from ...jobs.models import Job
from ...jobs.registry import Done, Lease, WaitUntil, handles
from ...timeutil import utc_now
from ..models import Invitation, MailDelivery, Wave
from ..responses.services import hash_key
from ..waves.services import wave_status
from .compose import WaveMail, compose, wave_mail
from .opt_outs import opted_out
from .sending import EMAIL_KIND, REMINDER_KIND
from .services import add_invited

BACKOFF = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=15), timedelta(hours=1))
MAX_ATTEMPTS = len(BACKOFF) + 1
COLLECT_EVERY = 500  # messages between two runs of the cycle collector
INTERRUPTED = (
    "The worker stopped while this message was being sent; it may have arrived, so it is not sent again."
)


@dataclass
class _Planned:
    delivery_id: int
    invitation_id: int
    to: str
    name: str
    language: str
    token: str
    unsubscribe: str
    reminder: bool
    old_hash: str | None  # a reminder's previous link, restored if this message does not leave
    group_id: int
    wave_id: int


@handles(EMAIL_KIND)
@handles(REMINDER_KIND)
def run_mail_job(job_id: int, lease: Lease) -> Done | WaitUntil:
    job = db.session.get(Job, job_id)
    wave = db.session.get(Wave, job.wave_id) if job and job.wave_id else None
    if job is None or wave is None:
        return Done("The wave was deleted before its e-mail went out.", failed=True)
    _report_interrupted(job_id)
    if wave_status(wave) == "closed":
        _fail_remaining(job_id, "The wave closed before this message was sent.")
        return _outcome(job_id)
    shared = wave_mail(wave, base_url=str(job.params.get("base_url") or ""))
    db.session.rollback()  # no transaction stays open while mail is sent
    try:
        with mail.connect() as mailer:
            _send_due(job_id, shared, mailer, lease)
    except mail.MailError as exc:  # the server could not be reached at all: everything due waits
        _defer_due(job_id, str(exc))
    return _outcome(job_id)


def _send_due(job_id: int, shared: WaveMail, mailer: mail.Mailer, lease: Lease) -> None:
    size = int(current_app.config.get("MAIL_CHUNK") or 20)
    sent_since_collect = 0
    while planned := _claim(job_id, size):
        sent_since_collect += len(planned)
        if sent_since_collect >= COLLECT_EVERY:
            # The email package makes a class for every header it parses; they are reference cycles, freed
            # only by the cycle collector. Collecting now and then keeps a long batch's memory flat.
            gc.collect()
            sent_since_collect = 0
        broken: str | None = None
        results: dict[int, tuple[str, str | None]] = {}
        for item in planned:
            if broken is not None:
                results[item.delivery_id] = ("retry", broken)
                continue
            message = compose(
                shared,
                to=item.to,
                name=item.name,
                language=item.language,
                token=item.token,
                unsubscribe=item.unsubscribe,
                reminder=item.reminder,
            )
            try:
                mailer.send(message)
            except mail.RecipientRefused as exc:
                results[item.delivery_id] = ("failed", str(exc))
            except mail.RecipientDeferred as exc:
                results[item.delivery_id] = ("retry", str(exc))
            except mail.DeliveryUncertain as exc:
                broken = str(exc)
                results[item.delivery_id] = ("uncertain", str(exc))
            except mail.MailError as exc:
                broken = str(exc)
                results[item.delivery_id] = ("retry", broken)
            else:
                results[item.delivery_id] = ("sent", None)
        _settle(job_id, planned, results)
        if broken is not None:
            _defer_due(job_id, broken)  # the rest of the batch waits for the server to come back
            return
        if not lease.renew():
            return


def _due(job_id: int, now: datetime):
    return (
        MailDelivery.job_id == job_id,
        MailDelivery.status.in_(("pending", "retry")),
        or_(MailDelivery.next_attempt_at.is_(None), MailDelivery.next_attempt_at <= now),
    )


def _claim(job_id: int, size: int) -> list[_Planned]:
    """The next due deliveries, each with a working link, marked `sending` and committed: a few statements
    for the whole chunk, whatever its size."""
    now = utc_now()
    begin_write()
    rows = list(
        db.session.scalars(
            select(MailDelivery).where(*_due(job_id, now)).order_by(MailDelivery.id).limit(size)
        )
    )
    if not rows:
        db.session.rollback()
        return []
    unsubscribed = opted_out(r.email for r in rows)
    for row in rows:
        if row.email in unsubscribed:
            row.status, row.error = "skipped", "This address unsubscribed from survey e-mail."
    waiting = [r for r in rows if r.status != "skipped"]
    planned = _new_links([r for r in waiting if not r.reminder]) + _renewed_links(
        [r for r in waiting if r.reminder]
    )
    for item in planned:
        row = next(r for r in waiting if r.id == item.delivery_id)
        row.status, row.attempts = "sending", row.attempts + 1
        row.unsubscribe_hash = hash_key(item.unsubscribe)
    jobs.add_counts(job_id, failed=len(rows) - len(planned))
    db.session.commit()
    return planned


def _planned(row: MailDelivery, invitation: Invitation, token: str, old_hash: str | None) -> _Planned:
    return _Planned(
        delivery_id=row.id,
        invitation_id=invitation.id,
        to=row.email,
        name=row.name,
        language=row.language,
        token=token,
        unsubscribe=secrets.token_urlsafe(24),
        reminder=row.reminder,
        old_hash=old_hash,
        group_id=row.group_id,
        wave_id=row.wave_id,
    )


def _new_links(rows: list[MailDelivery]) -> list[_Planned]:
    """An invitation (a new personal link) per row; an address another job invited meanwhile is skipped."""
    if not rows:
        return []
    wave_id = rows[0].wave_id
    taken = set(
        db.session.scalars(
            select(func.lower(Invitation.email)).where(
                Invitation.wave_id == wave_id, func.lower(Invitation.email).in_([r.email for r in rows])
            )
        )
    )
    fresh = []
    for row in rows:
        if row.email in taken:
            row.status, row.error = "skipped", "Already invited to this wave."
        else:
            token = secrets.token_urlsafe(32)
            invitation = Invitation(
                wave_id=row.wave_id, group_id=row.group_id, token_hash=hash_key(token), email=row.email
            )
            fresh.append((row, invitation, token))
    db.session.add_all([invitation for _row, invitation, _token in fresh])
    db.session.flush()  # one INSERT for the chunk; the ids come back
    per_group: dict[int, int] = {}
    for row, invitation, _token in fresh:
        row.invitation_id = invitation.id
        per_group[row.group_id] = per_group.get(row.group_id, 0) + 1
    for group_id, count in per_group.items():
        add_invited(wave_id, group_id, count)
    return [_planned(row, invitation, token, None) for row, invitation, token in fresh]


def _renewed_links(rows: list[MailDelivery]) -> list[_Planned]:
    """A new token for each reminded invitation still unused; the others are skipped."""
    if not rows:
        return []
    invitations = {
        i.id: i
        for i in db.session.scalars(
            select(Invitation).where(Invitation.id.in_([r.invitation_id for r in rows if r.invitation_id]))
        )
    }
    planned = []
    for row in rows:
        invitation = invitations.get(row.invitation_id or 0)
        if invitation is None or invitation.used:
            row.status, row.error = (
                "skipped",
                "Answered (or the link was withdrawn) before the reminder went out.",
            )
            continue
        token = secrets.token_urlsafe(32)
        old_hash = invitation.token_hash
        invitation.token_hash = hash_key(token)
        planned.append(_planned(row, invitation, token, old_hash))
    return planned


def _settle(job_id: int, planned: list[_Planned], results: dict[int, tuple[str, str | None]]) -> None:
    now = utc_now()
    begin_write()
    rows = {
        r.id: r for r in db.session.scalars(select(MailDelivery).where(MailDelivery.id.in_(list(results))))
    }
    sent_links, failed = [], 0
    for item in planned:
        outcome, error = results[item.delivery_id]
        row = rows[item.delivery_id]
        if outcome == "sent":
            row.status, row.sent_at, row.error, row.next_attempt_at = "sent", now, None, None
            sent_links.append(item.invitation_id)
            continue
        if outcome == "uncertain":  # it may have arrived: reported, never sent again, its link kept
            row.status, row.error, row.next_attempt_at = "failed", (error or INTERRUPTED)[:300], None
            failed += 1
            continue
        _withdraw(item)
        row.error = (error or "")[:300]
        if outcome == "retry" and row.attempts < MAX_ATTEMPTS:
            row.status, row.next_attempt_at = "retry", now + BACKOFF[row.attempts - 1]
        else:
            row.status, row.next_attempt_at = "failed", None
            if outcome == "retry":
                row.error = f"Gave up after {row.attempts} attempts: {error}"[:300]
            failed += 1
    if sent_links:
        db.session.execute(update(Invitation).where(Invitation.id.in_(sent_links)).values(last_sent_at=now))
    jobs.add_counts(job_id, succeeded=len(sent_links), failed=failed)
    db.session.commit()


def _withdraw(item: _Planned) -> None:
    """The message did not leave, so nobody holds its link: remove it (a reminder's old link comes back)."""
    if item.reminder:
        db.session.execute(
            update(Invitation)
            .where(Invitation.id == item.invitation_id, Invitation.used.is_(False))
            .values(token_hash=item.old_hash)
        )
        return
    result = db.session.execute(
        delete(Invitation).where(Invitation.id == item.invitation_id, Invitation.used.is_(False))
    )
    withdrawn = cast(CursorResult, result).rowcount
    if withdrawn:
        add_invited(item.wave_id, item.group_id, -withdrawn)


def _defer_due(job_id: int, error: str) -> None:
    """Everything due now waits for its next attempt (or fails, out of attempts): the server is away."""
    now = utc_now()
    begin_write()
    failed = 0
    for row in db.session.scalars(select(MailDelivery).where(*_due(job_id, now))):
        row.attempts += 1
        row.error = error[:300]
        if row.attempts < MAX_ATTEMPTS:
            row.status, row.next_attempt_at = "retry", now + BACKOFF[row.attempts - 1]
        else:
            row.status, row.next_attempt_at = "failed", None
            row.error = f"Gave up after {row.attempts} attempts: {error}"[:300]
            failed += 1
    jobs.add_counts(job_id, failed=failed)
    db.session.commit()


def _report_interrupted(job_id: int) -> None:
    """Rows a dead worker left in `sending`: reported, not sent again; their link stays valid."""
    begin_write()
    result = db.session.execute(
        update(MailDelivery)
        .where(MailDelivery.job_id == job_id, MailDelivery.status == "sending")
        .values(status="failed", error=INTERRUPTED)
    )
    jobs.add_counts(job_id, failed=cast(CursorResult, result).rowcount)
    db.session.commit()


def _fail_remaining(job_id: int, reason: str) -> None:
    begin_write()
    result = db.session.execute(
        update(MailDelivery)
        .where(MailDelivery.job_id == job_id, MailDelivery.status.in_(("pending", "retry")))
        .values(status="failed", error=reason, next_attempt_at=None)
    )
    jobs.add_counts(job_id, failed=cast(CursorResult, result).rowcount)
    db.session.commit()


def _outcome(job_id: int) -> Done | WaitUntil:
    counts = status_counts(job_id)
    waiting = counts.get("pending", 0) + counts.get("retry", 0)
    summary = _summary(counts)
    if waiting:
        when = db.session.scalar(
            select(func.min(MailDelivery.next_attempt_at)).where(
                MailDelivery.job_id == job_id, MailDelivery.status.in_(("pending", "retry"))
            )
        )
        last_error = db.session.scalar(
            select(MailDelivery.error)
            .where(MailDelivery.job_id == job_id, MailDelivery.status == "retry")
            .limit(1)
        )
        db.session.rollback()
        note = f" Waiting to try again: {last_error}" if last_error else ""
        return WaitUntil(when or utc_now(), summary + note)
    db.session.rollback()
    return Done(summary)


def status_counts(job_id: int) -> dict[str, int]:
    rows = db.session.execute(
        select(MailDelivery.status, func.count(MailDelivery.id))
        .where(MailDelivery.job_id == job_id)
        .group_by(MailDelivery.status)
    )
    return {status: int(n) for status, n in rows}


def _summary(counts: dict[str, int]) -> str:
    parts = [f"{counts[s]:,} {s}" for s in ("sent", "pending", "retry", "failed", "skipped") if counts.get(s)]
    return ", ".join(parts) + "." if parts else "Nothing to send."
