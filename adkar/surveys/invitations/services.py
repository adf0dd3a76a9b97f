"""Invitations to answer a wave: personal single-use links, email invitations and reminders, open links.

Only hashes of tokens are stored (hash_key), so a plain link exists once: on the page that shows it or in
the email that carries it. A reminder therefore carries a new token, and the old one stops working.
Whether an invitation was used is never linked to a response; reminders read it only to skip people who
answered, and pages show counts only, never who answered.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import cast

from email_validator import EmailNotValidError, validate_email
from flask import current_app, render_template, url_for
from sqlalchemy import CursorResult, bindparam, case, delete, func, insert, select, update

from ... import mail
from ...accounts.models import User
from ...audit import services as audit
from ...config import min_group_size
from ...database import begin_write, table_of
from ...extensions import db
from ...plan.models import StakeholderGroup
from ...timeutil import utc_now
from ...validation import Problem, ValidationFailed
from ..definitions import registry
from ..definitions.survey import survey_title
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


def _wave_group(wave: Wave, group_id: int) -> WaveGroup:
    wave_group = db.session.get(WaveGroup, (wave.id, group_id))
    if wave_group is None:
        db.session.rollback()
        raise ValidationFailed.one("Choose one of the wave's groups.", "group_id")
    return wave_group


def _refuse_when_closed(wave: Wave) -> None:
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
    _refuse_when_closed(wave)
    _wave_group(wave, group_id)
    tokens = [new_token() for _ in range(count)]
    db.session.execute(
        insert(Invitation),
        _in_random_order(
            [{"wave_id": wave.id, "group_id": group_id, "token_hash": hash_key(t)} for t in tokens]
        ),
    )
    _add_invited(wave.id, group_id, count)
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


def _add_invited(wave_id: int, group_id: int, count: int) -> None:
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
    _refuse_when_closed(wave)
    wave_group = _wave_group(wave, group_id)
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
    wave_group = _wave_group(wave, group_id)
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


# --- email ------------------------------------------------------------------------------------------------


def parse_addresses(text: str) -> list[str]:
    """Addresses from pasted text: one per line, or separated by commas or semicolons.

    "Name <address>" (as copied from a mail program) gives the address, even when the name holds a comma.
    """
    found: list[str] = []
    for piece in _SPLIT.split(text or ""):
        bracketed = _BRACKETED.findall(piece)
        if bracketed:
            found.extend(b.strip() for b in bracketed)
        else:
            found.extend(p for p in re.split(r"[\s,]+", piece) if p)
    return [f for f in found if f]


def clean_addresses(addresses: Iterable[str]) -> list[str]:
    """Valid, normalised (lower-case), de-duplicated addresses in the order given; ValidationFailed otherwise."""
    clean: dict[str, None] = {}
    bad: list[tuple[str, str]] = []
    for raw in addresses:
        try:
            checked = validate_email(raw.strip(), check_deliverability=False)
        except EmailNotValidError as exc:
            bad.append((raw.strip(), str(exc)))
            continue
        clean[checked.normalized.lower()] = None
    problems = [
        Problem(f"{address!r} is not an email address: {reason}", field="emails")
        for address, reason in bad[:20]
    ]
    if len(bad) > 20:
        problems.append(
            Problem(f"… and {len(bad) - 20:,} more addresses that are not valid.", field="emails")
        )
    if not bad and not clean:
        problems.append(Problem("Give at least one email address.", field="emails"))
    if len(clean) > MAX_BATCH:
        problems.append(
            Problem(
                f"At most {MAX_BATCH:,} addresses at a time; this list has {len(clean):,}.", field="emails"
            )
        )
    if problems:
        raise ValidationFailed(problems)
    return list(clean)


@dataclass
class MailReport:
    """What happened to a batch: shown to the practitioner as counts (and refused addresses)."""

    sent: int = 0
    refused: list[str] = field(default_factory=list)
    not_sent: int = 0
    already_invited: list[str] = field(default_factory=list)
    error: str | None = None

    @property
    def complete(self) -> bool:
        return not self.refused and not self.not_sent and self.error is None


@dataclass(frozen=True)
class _Batch:
    """What every message of a batch shares, read once so no query runs while mail is being sent."""

    wave_id: int
    initiative_id: int
    context: dict
    subject: str


def _batch(wave: Wave, *, reminder: bool) -> _Batch:
    definition = registry.get(wave.survey_key)
    title = survey_title(definition, "en") if definition else wave.name
    context = {
        "initiative_name": wave.initiative.name,
        "title": title,
        "minutes": definition.minutes if definition else None,
        "opens_on": wave.opens_on,
        "closes_on": wave.closes_on,
        "status": wave_status(wave),
        "k": min_group_size(),
        "reminder": reminder,
    }
    subject = " ".join(f"{'Reminder: ' if reminder else ''}{wave.initiative.name}: {title}".split())
    return _Batch(wave_id=wave.id, initiative_id=wave.initiative_id, context=context, subject=subject)


def _compose(batch: _Batch, *, to: str, token: str) -> mail.Mail:
    context = {**batch.context, "link": personal_url(token)}
    return mail.Mail(
        to=to,
        subject=batch.subject,
        text=render_template("waves/email/invitation.txt", **context),
        html=render_template("waves/email/invitation.html", **context),
    )


def _chunks(items: Sequence, size: int = MAIL_CHUNK) -> Iterator[Sequence]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _deliver(
    mailer: mail.Mailer, mails: Sequence[tuple[str, mail.Mail]], report: MailReport
) -> tuple[set, set]:
    """Send each (key, mail); returns (sent keys, failed keys). A broken connection stops the batch."""
    sent, failed = set(), set()
    for index, (key, message) in enumerate(mails):
        try:
            mailer.send(message)
        except mail.RecipientRefused:
            report.refused.append(message.to)
            failed.add(key)
        except mail.MailError as exc:
            report.error = str(exc)
            failed.update(k for k, _ in mails[index:])
            report.not_sent += len(mails) - index
            break
        else:
            sent.add(key)
    report.sent += len(sent)
    return sent, failed


def _emails_in_wave(wave_id: int) -> set[str]:
    return set(
        db.session.scalars(
            select(func.lower(Invitation.email)).where(
                Invitation.wave_id == wave_id, Invitation.email.is_not(None)
            )
        )
    )


def _audit_batch(
    batch: _Batch, action: str, *, actor_id: int, group_id: int | None, report: MailReport
) -> None:
    begin_write()
    audit.record(
        user_id=actor_id,
        action=action,
        target_type="wave",
        target_id=batch.wave_id,
        initiative_id=batch.initiative_id,
        detail={
            "group_id": group_id,
            "sent": report.sent,
            "refused": len(report.refused),
            "not_sent": report.not_sent,
        },
    )
    db.session.commit()


def invite_by_email(*, wave: Wave, group_id: int, emails: Iterable[str], actor: User) -> MailReport:
    """Email each address its own personal link; addresses already invited to this wave are skipped.

    The mail server is reached before anything is stored, so when it is down (MailError) nothing changes.
    Invitations are stored just before their message goes out and withdrawn again if it could not be
    sent, so `invited` and `last_sent_at` only count mail that left.
    """
    addresses = clean_addresses(emails)
    _refuse_when_closed(wave)
    _wave_group(wave, group_id)
    batch = _batch(wave, reminder=False)
    taken = _emails_in_wave(batch.wave_id)
    actor_id = actor.id
    db.session.rollback()  # no transaction stays open during the (slow) network part
    report = MailReport(already_invited=[a for a in addresses if a in taken])
    fresh = [a for a in addresses if a not in taken]
    if not fresh:
        return report
    with mail.connect() as mailer:
        for chunk in _chunks(fresh):
            if report.error is not None:
                report.not_sent += len(chunk)
                continue
            tokens = {address: new_token() for address in chunk}
            stored = _store_email_invitations(batch, group_id, tokens, report)
            messages = [(hash_key(tokens[a]), _compose(batch, to=a, token=tokens[a])) for a in stored]
            sent, failed = _deliver(mailer, messages, report)
            _settle_invitations(batch, group_id, sent, failed)
    _audit_batch(batch, "invitation.email", actor_id=actor_id, group_id=group_id, report=report)
    return report


def _store_email_invitations(
    batch: _Batch, group_id: int, tokens: dict[str, str], report: MailReport
) -> list[str]:
    begin_write()
    taken = _emails_in_wave(batch.wave_id)  # again, inside the write transaction: two tabs may invite at once
    stored = [address for address in tokens if address not in taken]
    report.already_invited.extend(a for a in tokens if a in taken)
    if stored:
        db.session.execute(
            insert(Invitation),
            _in_random_order(
                [
                    {
                        "wave_id": batch.wave_id,
                        "group_id": group_id,
                        "token_hash": hash_key(tokens[a]),
                        "email": a,
                    }
                    for a in stored
                ]
            ),
        )
        _add_invited(batch.wave_id, group_id, len(stored))
    db.session.commit()
    return stored


def _settle_invitations(batch: _Batch, group_id: int, sent: set[str], failed: set[str]) -> None:
    """Mark what left as sent; withdraw what did not (it was never delivered, so nobody holds the link)."""
    begin_write()
    if sent:
        db.session.execute(
            update(Invitation).where(Invitation.token_hash.in_(list(sent))).values(last_sent_at=utc_now())
        )
    if failed:
        deleted = db.session.execute(
            delete(Invitation).where(Invitation.token_hash.in_(list(failed)), Invitation.used.is_(False))
        )
        withdrawn = cast(CursorResult, deleted).rowcount  # a DELETE's result is a CursorResult
        _add_invited(batch.wave_id, group_id, -withdrawn)
    db.session.commit()


def send_reminders(*, wave: Wave, group_id: int | None, actor: User) -> MailReport:
    """Email a new personal link to each emailed invitee of the group (None: all groups) who has not answered.

    The old link of each reminded person stops working (its plain token was never kept); if a reminder
    cannot be sent, that person's old link is restored so nobody is left without a working link.
    """
    status = wave_status(wave)
    if status != "open":
        when = "has not opened yet" if status == "scheduled" else "is closed"
        raise ValidationFailed.one(f"The wave {when}; reminders go out while it is open.", "wave")
    if group_id is not None:
        _wave_group(wave, group_id)
    batch = _batch(wave, reminder=True)
    query = select(Invitation.id, Invitation.token_hash, Invitation.email).where(
        Invitation.wave_id == batch.wave_id, Invitation.email.is_not(None), Invitation.used.is_(False)
    )
    if group_id is not None:
        query = query.where(Invitation.group_id == group_id)
    pending = db.session.execute(query.order_by(Invitation.id)).all()
    actor_id = actor.id
    db.session.rollback()
    report = MailReport()
    if not pending:
        return report
    with mail.connect() as mailer:
        for chunk in _chunks(pending):
            if report.error is not None:
                report.not_sent += len(chunk)
                continue
            rotated = _rotate(chunk)
            messages = [
                (new_hash, _compose(batch, to=email, token=token))
                for new_hash, (token, email, _old) in rotated.items()
            ]
            sent, failed = _deliver(mailer, messages, report)
            _settle_reminders(rotated, sent, failed)
    _audit_batch(batch, "invitation.remind", actor_id=actor_id, group_id=group_id, report=report)
    return report


def _rotate(chunk: Sequence) -> dict[str, tuple[str, str, str]]:
    """Give each still-unused invitation of the chunk a new token: {new hash: (token, email, old hash)}."""
    begin_write()
    table = table_of(Invitation)
    planned = {}
    for invitation_id, old_hash, email in chunk:
        token = new_token()
        planned[hash_key(token)] = (invitation_id, token, email, old_hash)
    db.session.execute(
        update(table)
        .where(
            table.c.id == bindparam("b_id"), table.c.token_hash == bindparam("b_old"), table.c.used.is_(False)
        )
        .values(token_hash=bindparam("b_new")),
        [{"b_id": i, "b_old": old, "b_new": new} for new, (i, _t, _e, old) in planned.items()],
    )
    done = set(
        db.session.scalars(select(Invitation.token_hash).where(Invitation.token_hash.in_(list(planned))))
    )
    db.session.commit()
    return {new: (t, e, old) for new, (_i, t, e, old) in planned.items() if new in done}


def _settle_reminders(rotated: dict[str, tuple[str, str, str]], sent: set[str], failed: set[str]) -> None:
    begin_write()
    if sent:
        db.session.execute(
            update(Invitation).where(Invitation.token_hash.in_(list(sent))).values(last_sent_at=utc_now())
        )
    if failed:
        table = table_of(Invitation)
        db.session.execute(
            update(table)
            .where(table.c.token_hash == bindparam("b_new"))
            .values(token_hash=bindparam("b_old")),
            [{"b_new": new, "b_old": rotated[new][2]} for new in failed],
        )
    db.session.commit()


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
