"""Automatic reminders on chosen days after opening: set on the wave page or the API, sent by the worker's
minute sweep to e-mailed non-responders, each day once, a missed day caught up once."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from sqlalchemy import func, select

from adkar.extensions import db
from adkar.jobs import runner
from adkar.jobs.models import Job
from adkar.surveys.invitations import schedule
from adkar.timeutil import today
from adkar.validation import ValidationFailed

from . import wave_support
from .mailbox import Mailbox, smtp_server
from .test_email_invitations import answer, invite
from .wave_support import fresh_wave, new_wave, text

fast_password_hashing = wave_support.fast_password_hashing
plan = wave_support.plan
sqlite_template = wave_support.sqlite_template


@pytest.fixture
def mailbox():
    with smtp_server() as box:
        yield box


@pytest.fixture
def app_config(app_config, mailbox):
    return {**app_config, "SMTP_HOST": mailbox.host, "SMTP_PORT": mailbox.port}


def at(day) -> datetime:
    return datetime.combine(day, time(9, 1))  # not a fifth minute: the alerts stay out of the way


def reminder_jobs() -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count(Job.id)).where(Job.kind == "invitations.reminder"))


def test_days_are_whole_days_within_the_wave(plan):
    wave = new_wave(plan, opens=today(), closes=today() + timedelta(days=9))
    assert schedule.clean_days(["6", 3, "3"], wave=wave) == [3, 6]
    for bad in (["0"], ["10"], ["x"], [True], ["1", "2", "3", "4", "5", "6"]):
        with pytest.raises(ValidationFailed):
            schedule.clean_days(bad, wave=wave)
    assert schedule.parse_days("3, 6;7 ") == ["3", "6", "7"]


def test_the_sweep_reminds_non_responders_on_each_day_once(plan, mailbox):
    opened = today() - timedelta(days=3)
    wave = new_wave(plan, opens=opened, closes=today() + timedelta(days=6))
    invite(plan, wave, ["ana@example.com", "bob@example.com"])
    tokens = {m["To"].addresses[0].addr_spec: Mailbox.token(m) for m in mailbox.messages}
    answer(wave, plan.groups[0].id, tokens["ana@example.com"])
    schedule.set_reminder_days(wave=fresh_wave(wave.id), days=[3, 6], actor=plan.owner)
    mailbox.messages.clear()

    runner.minute(at(opened + timedelta(days=2)))  # day 2: nothing due
    assert mailbox.messages == []
    runner.minute(at(opened + timedelta(days=3)))
    assert mailbox.addresses() == ["bob@example.com"]
    assert mailbox.messages[0]["Subject"].startswith("Reminder: ")
    runner.minute(at(opened + timedelta(days=3)))  # the next minute: day 3 is done
    assert len(mailbox.messages) == 1 and reminder_jobs() == 1
    assert fresh_wave(wave.id).reminders_done == [3]


def test_days_missed_while_no_worker_ran_are_caught_up_once(plan, mailbox):
    opened = today() - timedelta(days=7)
    wave = new_wave(plan, opens=opened, closes=today() + timedelta(days=2))
    invite(plan, wave, ["bob@example.com"])
    schedule.set_reminder_days(wave=fresh_wave(wave.id), days=[3, 6], actor=plan.owner)
    mailbox.messages.clear()
    runner.minute(at(today()))
    assert mailbox.addresses() == ["bob@example.com"]  # one reminder, not two
    assert fresh_wave(wave.id).reminders_done == [3, 6]


def test_the_wave_page_sets_the_schedule(client, auth, plan):
    wave = new_wave(plan, opens=today(), closes=today() + timedelta(days=9))
    auth.login(plan.owner.email)
    saved = client.post(
        f"/waves/{wave.id}/reminder-schedule", data={"schedule-days": "6, 3"}, follow_redirects=True
    )
    assert "reminded on days 3, 6 after opening" in text(saved)
    assert fresh_wave(wave.id).reminder_days == [3, 6]
    refused = client.post(f"/waves/{wave.id}/reminder-schedule", data={"schedule-days": "3, 30"})
    assert refused.status_code == 400 and "from 1 to 9 for this wave" in text(refused)
    assert fresh_wave(wave.id).reminder_days == [3, 6]
    auth.logout()
    auth.login(plan.sponsor.email)
    assert client.post(f"/waves/{wave.id}/reminder-schedule", data={"schedule-days": ""}).status_code in (
        403,
        404,
    )
    assert fresh_wave(wave.id).reminder_days == [3, 6]
