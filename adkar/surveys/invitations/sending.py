"""Asking for e-mail invitations and reminders: the request checks, stores one delivery per person and
hands the job to the queue; adkar.surveys.invitations.delivery sends them on a worker.

A request does no network work, so 10,000 addresses are queued in well under the web timeout, and a slow
or absent mail server never loses anyone: each person's delivery row waits and is retried.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, time

from email_validator import EmailNotValidError, validate_email
from flask import current_app, has_request_context, request
from sqlalchemy import func, insert, select

from ...accounts.models import User
from ...audit import services as audit
from ...database import begin_write
from ...extensions import db
from ...jobs import services as jobs
from ...plan.models import StakeholderGroup
from ...plan.roster.models import DEFAULT_LANGUAGE
from ...plan.roster.services import roster_recipients
from ...validation import Problem, ValidationFailed
from ..definitions import registry
from ..models import Invitation, MailDelivery, Wave, WaveGroup
from ..waves.services import wave_status
from .opt_outs import opted_out
from .services import parse_named_addresses, refuse_when_closed, wave_group_of

EMAIL_KIND = "invitations.email"
REMINDER_KIND = "invitations.reminder"
MAX_EMAIL_BATCH = 20_000
LIVE = ("pending", "sending", "retry", "sent")  # a delivery in these states means "already invited"


@dataclass(frozen=True)
class Recipient:
    email: str
    name: str = ""
    language: str = ""


@dataclass
class Queued:
    """What the practitioner is told at once; the job's progress says the rest."""

    job_id: int | None
    queued: int
    already_invited: list[str] = field(default_factory=list)
    unsubscribed: list[str] = field(default_factory=list)
    over_headcount: str | None = None


def survey_languages(wave: Wave) -> tuple[str, ...]:
    definition = registry.get(wave.survey_key)
    return definition.languages if definition else (DEFAULT_LANGUAGE,)


def invitation_language(wave: Wave, language: str) -> str:
    """The language for recipients who name none; ValidationFailed when the wave's survey lacks it."""
    code = (language or "").strip().lower() or DEFAULT_LANGUAGE
    languages = survey_languages(wave)
    if code not in languages:
        raise ValidationFailed.one(
            f"The survey of this wave is in {', '.join(languages)}; {code!r} is not one of them.", "language"
        )
    return code


def roster_of(group_id: int) -> list[Recipient]:
    """The group's roster (adkar.plan.roster), with each person's name and language."""
    return [Recipient(p.email, p.name, p.language) for p in roster_recipients(group_id)]


def recipients_from_text(text: str) -> list[Recipient]:
    """Pasted addresses ("Name <address>" keeps the name for the To header)."""
    return [Recipient(email=address, name=name) for address, name in parse_named_addresses(text)]


def clean_recipients(recipients: Iterable[Recipient], *, limit: int = MAX_EMAIL_BATCH) -> list[Recipient]:
    """Valid, normalised (lower-case), de-duplicated recipients in the order given; ValidationFailed
    otherwise. Internationalised addresses are kept as written (the domain goes out in punycode)."""
    clean: dict[str, Recipient] = {}
    bad: list[tuple[str, str]] = []
    for recipient in recipients:
        raw = recipient.email.strip()
        try:
            checked = validate_email(raw, check_deliverability=False)
        except EmailNotValidError as exc:
            bad.append((raw, str(exc)))
            continue
        address = checked.normalized.lower()
        if address not in clean:
            clean[address] = Recipient(address, recipient.name.strip()[:200], recipient.language.strip())
    problems = [Problem(f"{a!r} is not an email address: {reason}", field="emails") for a, reason in bad[:20]]
    if len(bad) > 20:
        problems.append(
            Problem(f"… and {len(bad) - 20:,} more addresses that are not valid.", field="emails")
        )
    if not bad and not clean:
        problems.append(Problem("Give at least one email address.", field="emails"))
    if len(clean) > limit:
        problems.append(
            Problem(f"At most {limit:,} addresses at a time; this list has {len(clean):,}.", field="emails")
        )
    if problems:
        raise ValidationFailed(problems)
    return list(clean.values())


def base_url(fallback: str | None = None) -> str:
    """Where the e-mailed links point: ADKAR_PUBLIC_URL, else the address this request came to (a scheduled
    job has no request: it gives the address its wave's invitations used)."""
    public = current_app.config.get("PUBLIC_URL")
    if public:
        return str(public)
    if has_request_context():
        return request.url_root
    if fallback:
        return fallback
    raise ValidationFailed.one("Set ADKAR_PUBLIC_URL so e-mailed links point at this server.", "wave")


def _taken(wave_id: int) -> set[str]:
    invited = select(func.lower(Invitation.email)).where(
        Invitation.wave_id == wave_id, Invitation.email.is_not(None)
    )
    queued = select(MailDelivery.email).where(
        MailDelivery.wave_id == wave_id, MailDelivery.reminder.is_(False), MailDelivery.status.in_(LIVE)
    )
    return set(db.session.scalars(invited)) | set(db.session.scalars(queued))


def _due_at(wave: Wave, send_when: str) -> datetime | None:
    if send_when == "open" and wave_status(wave) == "scheduled":
        return datetime.combine(wave.opens_on, time.min)
    return None


def queue_invitations(
    *,
    wave: Wave,
    group_id: int,
    recipients: Iterable[Recipient],
    actor: User,
    send_when: str = "now",
    base: str | None = None,
    language: str = "",
) -> Queued:
    """One delivery per new address (addresses invited to this wave before are skipped), one job.

    `send_when="open"` holds a scheduled wave's mail until its opening day. `language`, one of the wave's
    survey's languages, is for recipients who name none (pasted addresses); otherwise they get English.
    """
    default_language = invitation_language(wave, language)
    people = [
        p if p.language else Recipient(p.email, p.name, default_language)
        for p in clean_recipients(recipients)
    ]
    begin_write()
    refuse_when_closed(wave)
    wave_group = wave_group_of(wave, group_id)
    taken = _taken(wave.id)
    gone = opted_out(p.email for p in people if p.email not in taken)
    fresh = [p for p in people if p.email not in taken and p.email not in gone]
    queued = Queued(
        job_id=None,
        queued=len(fresh),
        already_invited=[p.email for p in people if p.email in taken],
        unsubscribed=[p.email for p in people if p.email in gone],
    )
    if not fresh:
        db.session.rollback()
        return queued
    job = jobs.create(
        kind=EMAIL_KIND,
        total=len(fresh),
        params={"base_url": base_url(base), "group_id": group_id},
        initiative_id=wave.initiative_id,
        wave_id=wave.id,
        created_by=actor.id,
    )
    due = _due_at(wave, send_when)
    rows = [
        {
            "job_id": job.id,
            "wave_id": wave.id,
            "group_id": group_id,
            "reminder": False,
            "email": p.email,
            "name": p.name,
            "language": p.language or "en",
            "status": "pending",
            "attempts": 0,
            "next_attempt_at": due,
        }
        for p in fresh
    ]
    # Shuffled: delivery order, and so the ids of the invitations made from them, must not follow the
    # order of the address list, which names people.
    secrets.SystemRandom().shuffle(rows)
    db.session.execute(insert(MailDelivery), rows)
    queued.over_headcount = _headcount_warning(wave_group, extra=len(fresh))
    audit.record(
        user_id=actor.id,
        action="invitation.email",
        target_type="wave",
        target_id=wave.id,
        initiative_id=wave.initiative_id,
        detail={"group_id": group_id, "queued": len(fresh), "job_id": job.id},
    )
    job_id = job.id
    db.session.commit()
    queued.job_id = job_id
    jobs.start(job_id)
    return queued


def _headcount_warning(wave_group: WaveGroup, *, extra: int) -> str | None:
    group = db.session.get(StakeholderGroup, wave_group.group_id)
    pending = db.session.scalar(
        select(func.count(MailDelivery.id)).where(
            MailDelivery.wave_id == wave_group.wave_id,
            MailDelivery.group_id == wave_group.group_id,
            MailDelivery.reminder.is_(False),
            MailDelivery.status.in_(("pending", "retry", "sending")),
        )
    )
    invited = wave_group.invited + int(pending or 0)
    if group is None or not group.headcount or invited <= group.headcount:
        return None
    return (
        f"{group.name} will have {invited:,} invitations but a headcount of {group.headcount:,}: "
        "the response rate is computed against the invitations, so check the group's headcount."
    )


def queue_reminders(
    *,
    wave: Wave,
    group_id: int | None,
    actor: User,
    base: str | None = None,
    scheduled_day: int | None = None,
) -> Queued:
    """A reminder, with a new link, to each e-mailed invitee (of one group or all) who has not answered."""
    status = wave_status(wave)
    if status != "open":
        when = "has not opened yet" if status == "scheduled" else "is closed"
        raise ValidationFailed.one(f"The wave {when}; reminders go out while it is open.", "wave")
    begin_write()
    if group_id is not None:
        wave_group_of(wave, group_id)
    query = select(Invitation.id, Invitation.group_id, Invitation.email).where(
        Invitation.wave_id == wave.id, Invitation.email.is_not(None), Invitation.used.is_(False)
    )
    if group_id is not None:
        query = query.where(Invitation.group_id == group_id)
    in_flight = select(MailDelivery.invitation_id).where(
        MailDelivery.wave_id == wave.id,
        MailDelivery.reminder.is_(True),
        MailDelivery.status.in_(("pending", "sending", "retry")),
        MailDelivery.invitation_id.is_not(None),
    )
    pending = [
        (invitation_id, gid, str(email))
        for invitation_id, gid, email in db.session.execute(query.where(Invitation.id.not_in(in_flight)))
    ]
    if not pending:
        db.session.rollback()
        return Queued(job_id=None, queued=0)
    names = _names_and_languages(wave.id, [email for _i, _g, email in pending])
    job = jobs.create(
        kind=REMINDER_KIND,
        total=len(pending),
        params={"base_url": base_url(base), "group_id": group_id, "scheduled_day": scheduled_day},
        initiative_id=wave.initiative_id,
        wave_id=wave.id,
        created_by=actor.id,
    )
    rows = [
        {
            "job_id": job.id,
            "wave_id": wave.id,
            "group_id": gid,
            "invitation_id": invitation_id,
            "reminder": True,
            "email": email,
            "name": names.get(email, ("", "en"))[0],
            "language": names.get(email, ("", "en"))[1],
            "status": "pending",
            "attempts": 0,
        }
        for invitation_id, gid, email in pending
    ]
    secrets.SystemRandom().shuffle(rows)
    db.session.execute(insert(MailDelivery), rows)
    audit.record(
        user_id=actor.id,
        action="invitation.remind",
        target_type="wave",
        target_id=wave.id,
        initiative_id=wave.initiative_id,
        detail={"group_id": group_id, "queued": len(rows), "job_id": job.id}
        | ({"scheduled_day": scheduled_day} if scheduled_day is not None else {}),
    )
    job_id = job.id
    db.session.commit()
    jobs.start(job_id)
    return Queued(job_id=job_id, queued=len(rows))


def _names_and_languages(wave_id: int, emails: Sequence[str]) -> dict[str, tuple[str, str]]:
    """The name and language each address was first invited with (for the reminder's greeting)."""
    found: dict[str, tuple[str, str]] = {}
    for start in range(0, len(emails), 500):
        rows = db.session.execute(
            select(MailDelivery.email, MailDelivery.name, MailDelivery.language)
            .where(
                MailDelivery.wave_id == wave_id,
                MailDelivery.reminder.is_(False),
                MailDelivery.email.in_(emails[start : start + 500]),
            )
            .order_by(MailDelivery.id)
        )
        for email, name, language in rows:
            found.setdefault(email, (name, language))
    return found
