"""One-click unsubscribe (RFC 8058): the token in an e-mail's List-Unsubscribe header stops survey e-mail
to that address, from every initiative. Only the token's hash and the address's hash are stored."""

from __future__ import annotations

from sqlalchemy import func, select, update
from sqlalchemy.dialects import postgresql, sqlite

from ...database import begin_write, is_sqlite
from ...extensions import db
from ...jobs import services as jobs
from ..models import MailDelivery, MailOptOut
from ..responses.services import hash_key
from .opt_outs import opt_out_key


def language_of(token: str) -> str | None:
    """The language of the e-mail that carried this token; None when the token is not one of ours."""
    return db.session.scalar(
        select(MailDelivery.language).where(MailDelivery.unsubscribe_hash == hash_key(token))
    )


def unsubscribe(token: str) -> bool:
    """Record the opt-out and skip the address's queued deliveries; False for an unknown token."""
    begin_write()
    email = db.session.scalar(
        select(MailDelivery.email).where(MailDelivery.unsubscribe_hash == hash_key(token))
    )
    if email is None:
        db.session.rollback()
        return False
    dialect = sqlite if is_sqlite() else postgresql
    db.session.execute(
        dialect.insert(MailOptOut).values(address_hash=opt_out_key(email)).on_conflict_do_nothing()
    )
    waiting = (MailDelivery.email == email, MailDelivery.status.in_(("pending", "retry")))
    per_job = db.session.execute(
        select(MailDelivery.job_id, func.count(MailDelivery.id)).where(*waiting).group_by(MailDelivery.job_id)
    ).all()
    for job_id, count in per_job:
        jobs.add_counts(job_id, failed=int(count))
    db.session.execute(
        update(MailDelivery)
        .where(*waiting)
        .values(status="skipped", error="This address unsubscribed from survey e-mail.", next_attempt_at=None)
    )
    db.session.commit()
    return True
