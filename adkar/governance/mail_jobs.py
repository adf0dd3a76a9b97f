"""The e-mail that tells a named approver there is a sign-off to decide, sent on a worker.

Naming a sign-off queues one job in the same transaction; the worker makes the link (adkar.governance.links),
sends the message and settles the job. A link whose e-mail did not leave is withdrawn; a server that could
not be reached or deferred the message is tried again after a backoff, up to five times.
"""

from __future__ import annotations

from datetime import timedelta

from flask import current_app, has_request_context, render_template, request

from .. import mail
from ..database import begin_write
from ..extensions import db
from ..jobs import services as jobs
from ..jobs.models import Job
from ..jobs.registry import Done, Lease, WaitUntil, handles
from ..timeutil import utc_now
from . import links
from .models import APPROVER_ROLE_LABELS, PENDING, STAGE_LABELS, SignOff

SIGN_OFF_MAIL_KIND = "sign_offs.email"
BACKOFF = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=15), timedelta(hours=1))


def base_url() -> str:
    """ADKAR_PUBLIC_URL, else the address the naming request came to (the worker has no request)."""
    public = current_app.config.get("PUBLIC_URL")
    if public:
        return str(public)
    return request.url_root if has_request_context() else ""


def queue_mail(sign_off: SignOff) -> Job:
    """A job in the caller's write transaction; the caller commits, then calls `jobs.start(job.id)`."""
    return jobs.create(
        kind=SIGN_OFF_MAIL_KIND,
        total=1,
        params={"sign_off_id": sign_off.id, "base_url": base_url()},
        initiative_id=sign_off.initiative_id,
    )


def compose(sign_off: SignOff, *, token: str, base: str) -> mail.Mail:
    path = current_app.url_map.bind("localhost").build("governance.decide_by_link", {"link_token": token})
    values = {
        "sign_off": sign_off,
        "initiative": sign_off.initiative,
        "stage": STAGE_LABELS[sign_off.stage],
        "role": APPROVER_ROLE_LABELS[sign_off.role],
        "link": base.rstrip("/") + path,
        "days": links.link_days(),
    }
    subject = f"[{sign_off.initiative.name}] Your sign-off: entering {values['stage']}"
    return mail.Mail(
        to=sign_off.approver.email,
        to_name=sign_off.approver.display_name,
        subject=" ".join(subject.split()),
        text=render_template("governance/email/sign_off.txt", **values),
        html=render_template("governance/email/sign_off.html", **values),
    )


@handles(SIGN_OFF_MAIL_KIND)
def run_sign_off_mail(job_id: int, lease: Lease) -> Done | WaitUntil:
    job = db.session.get(Job, job_id)
    sign_off = db.session.get(SignOff, job.params.get("sign_off_id")) if job else None
    if job is None or sign_off is None or sign_off.decision != PENDING:
        return _settle(job_id, Done("The sign-off was decided or withdrawn before its e-mail went out."))
    if not sign_off.approver.active:
        return _settle(job_id, Done("The approver's account is deactivated.", failed=True), failed=1)
    attempts, base = job.attempts, str(job.params.get("base_url") or "")
    token = links.issue(sign_off.id)
    message = compose(sign_off, token=token, base=base)
    db.session.rollback()  # no transaction stays open while mail is sent
    try:
        with mail.connect() as mailer:
            mailer.send(message)
    except mail.DeliveryUncertain as exc:  # it may have arrived: its link stays, nothing is sent again
        return _settle(job_id, Done(str(exc), failed=True), failed=1)
    except mail.RecipientRefused as exc:
        links.withdraw(token)
        return _settle(job_id, Done(str(exc), failed=True), failed=1)
    except mail.MailError as exc:  # deferred, or no server: try again later
        links.withdraw(token)
        if attempts > len(BACKOFF):
            return _settle(job_id, Done(f"Not sent after {attempts} attempts: {exc}", failed=True), failed=1)
        return WaitUntil(utc_now() + BACKOFF[attempts - 1], str(exc))
    return _settle(job_id, Done(f"Sent to {message.to}."), succeeded=1)


def _settle(job_id: int, outcome: Done, *, succeeded: int = 0, failed: int = 0) -> Done:
    begin_write()
    jobs.add_counts(job_id, succeeded=succeeded, failed=failed or int(not succeeded))
    db.session.commit()
    return outcome
