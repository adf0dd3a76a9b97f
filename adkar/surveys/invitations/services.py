"""Invitations to answer a wave: personal single-use links, open links, pasted addresses, e-mail counts.

E-mail is queued by sending.py and sent on a worker by delivery.py.

Only hashes of tokens are stored (hash_key), so a plain link exists once: on the page that shows it or in
the email that carries it. A reminder therefore carries a new token, and the old one stops working.
Whether an invitation was used is never linked to a response; reminders read it only to skip people who
answered, and pages show counts only, never who answered.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from flask import current_app, url_for
from sqlalchemy import case, func, insert, select, update

from ...accounts.models import User
from ...audit import services as audit
from ...database import begin_write
from ...extensions import db
from ...plan.models import StakeholderGroup
from ...validation import ValidationFailed
from ..models import Invitation, Wave, WaveGroup
from ..responses.services import hash_key
from ..waves.services import wave_status

TOKEN_BYTES = 32  # 256 bits; token_urlsafe gives 43 characters
MAX_BATCH = 5000
MAIL_CHUNK = 100  # invitations stored, sent and settled together; bounds a token's not-yet-valid window
PERSONAL_PATH = "/s/"
OPEN_PATH = "/o/"
_SPLIT = re.compile(r"[\n\r;]+")
_BRACKETED = re.compile(r"<([^<>]*)>")


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def _absolute(endpoint: str, path: str, token: str) -> str:
    public = current_app.config.get("PUBLIC_URL")
    if public:
        return f"{str(public).rstrip('/')}{path}{token}"
    return url_for(endpoint, token=token, _external=True)


def personal_url(token: str) -> str:
    return _absolute("respond.personal", PERSONAL_PATH, token)


def open_url(token: str) -> str:
    return _absolute("respond.open", OPEN_PATH, token)


# --- checks shared by every way of inviting --------------------------------------------------------------


def wave_group_of(wave: Wave, group_id: int) -> WaveGroup:
    wave_group = db.session.get(WaveGroup, (wave.id, group_id))
    if wave_group is None:
        db.session.rollback()
        raise ValidationFailed.one("Choose one of the wave's groups.", "group_id")
    return wave_group


def refuse_when_closed(wave: Wave) -> None:
    if wave_status(wave) == "closed":
        db.session.rollback()
        raise ValidationFailed.one(
            f"The wave closed on {wave.closes_on.isoformat()}; its links no longer work. "
            "Change its closing date first.",
            "wave",
        )


def _check_count(count: object) -> int:
    if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= MAX_BATCH:
        raise ValidationFailed.one(f"Ask for between 1 and {MAX_BATCH:,} links.", "count")
    return count


# --- personal links ---------------------------------------------------------------------------------------


def issue_links(*, wave: Wave, group_id: int, count: int, actor: User) -> list[str]:
    """`count` new single-use tokens for a group; the caller shows them once (they are not kept)."""
    count = _check_count(count)
    begin_write()
    refuse_when_closed(wave)
    wave_group_of(wave, group_id)
    tokens = [new_token() for _ in range(count)]
    db.session.execute(
        insert(Invitation),
        _in_random_order(
            [{"wave_id": wave.id, "group_id": group_id, "token_hash": hash_key(t)} for t in tokens]
        ),
    )
    add_invited(wave.id, group_id, count)
    audit.record(
        user_id=actor.id,
        action="invitation.links",
        target_type="wave",
        target_id=wave.id,
        initiative_id=wave.initiative_id,
        detail={"group_id": group_id, "count": count},
    )
    db.session.commit()
    return tokens


def _in_random_order(rows: list[dict]) -> list[dict]:
    """Invitations are inserted shuffled: their sequential ids must not follow the order of the mail-merge
    file or the address list (which names people), whatever else might later be joined on them."""
    secrets.SystemRandom().shuffle(rows)
    return rows


def add_invited(wave_id: int, group_id: int, count: int) -> None:
    db.session.execute(
        update(WaveGroup)
        .where(WaveGroup.wave_id == wave_id, WaveGroup.group_id == group_id)
        .values(invited=WaveGroup.invited + count)
    )


def known_tokens(*, wave: Wave, group_id: int, tokens: Sequence[str]) -> list[str]:
    """The given tokens that really are this group's links in this wave (for the mail-merge download)."""
    hashes = {hash_key(t): t for t in tokens}
    found: set[str] = set()
    keys = list(hashes)
    for start in range(0, len(keys), 500):
        found.update(
            db.session.scalars(
                select(Invitation.token_hash).where(
                    Invitation.wave_id == wave.id,
                    Invitation.group_id == group_id,
                    Invitation.token_hash.in_(keys[start : start + 500]),
                )
            )
        )
    return [t for h, t in hashes.items() if h in found]


# --- open links -------------------------------------------------------------------------------------------


def open_link(*, wave: Wave, group_id: int, actor: User) -> str:
    """Create or replace the group's open link (anyone with it may answer once per browser session).

    A group answering through an open link counts its headcount as invited (docs: readiness.md).
    The previous open link, if any, stops working.
    """
    begin_write()
    refuse_when_closed(wave)
    wave_group = wave_group_of(wave, group_id)
    token = new_token()
    rotated = wave_group.open_link_hash is not None
    wave_group.open_link_hash = hash_key(token)
    headcount = db.session.scalar(select(StakeholderGroup.headcount).where(StakeholderGroup.id == group_id))
    wave_group.invited = max(wave_group.invited, headcount or 0)
    audit.record(
        user_id=actor.id,
        action="invitation.open_link.rotate" if rotated else "invitation.open_link.create",
        target_type="wave",
        target_id=wave.id,
        initiative_id=wave.initiative_id,
        detail={"group_id": group_id},
    )
    db.session.commit()
    return token


def disable_open_link(*, wave: Wave, group_id: int, actor: User) -> bool:
    """Stop the group's open link; False when it had none."""
    begin_write()
    wave_group = wave_group_of(wave, group_id)
    if wave_group.open_link_hash is None:
        db.session.rollback()
        return False
    wave_group.open_link_hash = None
    audit.record(
        user_id=actor.id,
        action="invitation.open_link.disable",
        target_type="wave",
        target_id=wave.id,
        initiative_id=wave.initiative_id,
        detail={"group_id": group_id},
    )
    db.session.commit()
    return True


# --- e-mail addresses as pasted ---------------------------------------------------------------------------


def parse_named_addresses(text: str) -> list[tuple[str, str]]:
    """(address, name) pairs from pasted text: one per line, or separated by commas or semicolons.

    "Name <address>" (as copied from a mail program) gives the address and the name, even when the name
    holds a comma; a bare address has an empty name.
    """
    found: list[tuple[str, str]] = []
    for piece in _SPLIT.split(text or ""):
        bracketed = _BRACKETED.findall(piece)
        if bracketed:
            name = _BRACKETED.sub("", piece).strip().strip('"').strip()
            found.extend((b.strip(), name if len(bracketed) == 1 else "") for b in bracketed)
        else:
            found.extend((p, "") for p in re.split(r"[\s,]+", piece) if p)
    return [(address, name) for address, name in found if address]


def parse_addresses(text: str) -> list[str]:
    return [address for address, _name in parse_named_addresses(text)]


# --- reading --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EmailCounts:
    """Per group: how many were emailed and how many of them have not answered. Counts only, never who."""

    emailed: int
    awaiting: int
    last_sent_at: datetime | None


def email_counts(wave: Wave) -> dict[int, EmailCounts]:
    rows = db.session.execute(
        select(
            Invitation.group_id,
            func.count(Invitation.id),
            func.sum(case((Invitation.used.is_(False), 1), else_=0)),
            func.max(Invitation.last_sent_at),
        )
        .where(Invitation.wave_id == wave.id, Invitation.email.is_not(None))
        .group_by(Invitation.group_id)
    )
    return {
        group_id: EmailCounts(emailed=int(emailed), awaiting=int(awaiting or 0), last_sent_at=last)
        for group_id, emailed, awaiting, last in rows
    }
