"""E-mailed decision links: a sign-off's approver decides from the e-mail, signed in as themselves.

The token travels only in the e-mail; the database keeps its SHA-256. A link opens for its approver alone
(a forwarded e-mail gets someone else nowhere), works once, and expires after ADKAR_SIGN_OFF_LINK_DAYS
(14). Deciding in the app or withdrawing the sign-off makes every link to it useless.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, select

from ..accounts.models import User
from ..accounts.services import hash_token
from ..database import begin_write
from ..extensions import db
from ..timeutil import utc_now
from .models import PENDING, STAGES, SignOffLink

DEFAULT_DAYS = 14

# What a link can say when opened, in the order they are checked: an unknown token says nothing about any
# sign-off, someone else's says nothing beyond "not yours", and only then is the approver told the rest.
UNKNOWN, NOT_YOURS, USED, DECIDED, ENTERED, EXPIRED, OPEN = (
    "unknown",
    "not_yours",
    "used",
    "decided",
    "entered",
    "expired",
    "open",
)


def link_days() -> int:
    return int(current_app.config.get("SIGN_OFF_LINK_DAYS") or DEFAULT_DAYS)


def issue(sign_off_id: int, *, now: datetime | None = None) -> str:
    """A new link for the sign-off, committed; returns the token, which is stored nowhere."""
    token = secrets.token_urlsafe(32)
    now = now or utc_now()
    begin_write()
    db.session.add(
        SignOffLink(
            sign_off_id=sign_off_id,
            token_hash=hash_token(token),
            expires_at=now + timedelta(days=link_days()),
            created_at=now,
        )
    )
    db.session.commit()
    return token


def withdraw(token: str) -> None:
    """Forget a link whose e-mail did not leave."""
    begin_write()
    db.session.execute(delete(SignOffLink).where(SignOffLink.token_hash == hash_token(token)))
    db.session.commit()


def find(token: str) -> SignOffLink | None:
    if not token or len(token) > 200:
        return None
    return db.session.scalar(select(SignOffLink).where(SignOffLink.token_hash == hash_token(token)))


@dataclass(frozen=True)
class Opened:
    state: str
    link: SignOffLink | None


def open_link(
    token: str, user: User, *, stage_of: Callable[[int], str], now: datetime | None = None
) -> Opened:
    """What the link says to this signed-in user; `stage_of(initiative_id)` is the initiative's stage."""
    link = find(token)
    if link is None:
        return Opened(UNKNOWN, None)
    sign_off = link.sign_off
    if sign_off.approver_id != user.id:
        return Opened(NOT_YOURS, link)
    if link.used_at is not None:
        return Opened(USED, link)
    if sign_off.decision != PENDING:
        return Opened(DECIDED, link)
    if STAGES.index(sign_off.stage) <= STAGES.index(stage_of(sign_off.initiative_id)):
        return Opened(ENTERED, link)
    if (now or utc_now()) >= link.expires_at:
        return Opened(EXPIRED, link)
    return Opened(OPEN, link)
