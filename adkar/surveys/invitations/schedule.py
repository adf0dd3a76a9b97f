"""Automatic reminders: on chosen days after a wave opens, its e-mailed non-responders are reminded.

The worker's minute sweep (`send_scheduled_reminders`) queues one reminder job per due day. A day missed while
no worker ran is caught up once (only the latest due day), so a restarted worker never sends a burst.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from sqlalchemy import select

from ...accounts.models import User
from ...audit import services as audit
from ...database import begin_write
from ...extensions import db
from ...jobs.models import Job
from ...jobs.registry import every_minute
from ...validation import ValidationFailed
from ..models import ReminderSchedule, Wave
from . import sending

MAX_REMINDER_DAYS = 5


def clean_days(days: Iterable[object], *, wave: Wave) -> list[int]:
    """Whole days after opening (1 to the wave's last day), at most five, sorted, each once."""
    length = (wave.closes_on - wave.opens_on).days
    found: set[int] = set()
    for raw in days:
        text = str(raw).strip()
        if isinstance(raw, bool) or not text.isdigit() or not 1 <= int(text) <= max(length, 1):
            raise ValidationFailed.one(
                f"Reminder days are whole days after opening, from 1 to {max(length, 1)} for this wave; "
                f"{str(raw)!r} is not one.",
                "reminder_days",
            )
        found.add(int(text))
    if len(found) > MAX_REMINDER_DAYS:
        raise ValidationFailed.one(f"At most {MAX_REMINDER_DAYS} reminder days.", "reminder_days")
    return sorted(found)


def parse_days(text: str) -> list[str]:
    return [p for p in text.replace(";", ",").replace(" ", ",").split(",") if p.strip()]


def set_reminder_days(*, wave: Wave, days: Iterable[object], actor: User) -> list[int]:
    clean = clean_days(days, wave=wave)
    begin_write()
    done = [d for d in wave.reminders_done if d in clean]
    if wave.reminder_schedule is None:
        wave.reminder_schedule = ReminderSchedule(wave_id=wave.id, days=clean, done=done)
    else:
        wave.reminder_schedule.days, wave.reminder_schedule.done = clean, done
    audit.record(
        user_id=actor.id,
        action="wave.reminder_schedule",
        target_type="wave",
        target_id=wave.id,
        initiative_id=wave.initiative_id,
        detail={"days": clean},
    )
    db.session.commit()
    return clean


def due_day(wave: Wave, today: date) -> int | None:
    """The latest scheduled day that has come and is not done yet, while the wave is open."""
    if not wave.opens_on <= today <= wave.closes_on:
        return None
    elapsed = (today - wave.opens_on).days
    due = [d for d in wave.reminder_days if d <= elapsed and d not in wave.reminders_done]
    return max(due) if due else None


def _base_url(wave: Wave) -> str | None:
    """Links in scheduled mail point where the wave's invitations pointed (or ADKAR_PUBLIC_URL)."""
    params = db.session.scalar(
        select(Job.params)
        .where(Job.wave_id == wave.id, Job.kind == sending.EMAIL_KIND)
        .order_by(Job.id.desc())
        .limit(1)
    )
    return (params or {}).get("base_url")


@every_minute("reminder-schedules")
def send_scheduled_reminders(now: datetime) -> int:
    """Queue the reminders due today; returns how many waves were reminded."""
    today = now.date()
    waves = db.session.scalars(
        select(Wave)
        .join(ReminderSchedule, ReminderSchedule.wave_id == Wave.id)
        .where(Wave.opens_on <= today, Wave.closes_on >= today)
        .order_by(Wave.id)
    ).all()
    reminded = 0
    for wave in waves:
        day = due_day(wave, today)
        if day is None:
            continue
        begin_write()
        schedule = db.session.get(ReminderSchedule, wave.id)
        assert schedule is not None
        schedule.done = sorted({*schedule.done, *[d for d in schedule.days if d <= day]})
        db.session.commit()  # done first: a crash after this skips one reminder rather than sending two
        sending.queue_reminders(
            wave=wave, group_id=None, actor=wave.initiative.owner, base=_base_url(wave), scheduled_day=day
        )
        reminded += 1
    db.session.rollback()
    return reminded
