"""Inviting a group's roster: from the wave page, through the API, and by a recurring pulse on each opening day."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest

from adkar.accounts.services import create_api_token
from adkar.extensions import db
from adkar.jobs import runner
from adkar.jobs.models import Job
from adkar.plan.roster import services as rosters
from adkar.surveys.waves import series
from adkar.timeutil import today

from . import wave_support
from .mailbox import smtp_server
from .test_email_invitations import make_due
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


@pytest.fixture
def roster(plan):
    group = plan.groups[0]
    rosters.add_participant(
        group=group, actor=plan.owner, email="ana@example.com", name="Ana Lima", language="fr"
    )
    rosters.add_participant(group=group, actor=plan.owner, email="bob@example.com", name="Bob")
    return group


def test_the_wave_page_invites_the_roster_in_each_person_s_language(client, auth, plan, roster, mailbox):
    wave = new_wave(plan)
    auth.login(plan.owner.email)
    page = client.post(
        f"/waves/{wave.id}/roster-invitations", data={"roster-group": roster.id}, follow_redirects=True
    )
    assert "2 invitations queued" in text(page)
    assert sorted(str(m["To"]) for m in mailbox.messages) == [
        "Ana Lima <ana@example.com>",
        "Bob <bob@example.com>",
    ]
    assert mailbox.to("ana@example.com")[0].get_body(("plain",)).get_content().startswith("Bonjour Ana Lima,")
    again = client.post(
        f"/waves/{wave.id}/roster-invitations", data={"roster-group": roster.id}, follow_redirects=True
    )
    assert "Everyone on the roster is invited to this wave already." in text(again)
    assert len(mailbox.messages) == 2
    empty = client.post(f"/waves/{wave.id}/roster-invitations", data={"roster-group": plan.groups[1].id})
    assert empty.status_code == 400 and "no roster yet" in text(empty)


def test_the_api_invites_the_roster(client, plan, roster, mailbox):
    wave = new_wave(plan)
    _record, token = create_api_token(user=plan.owner, name="script")
    headers = {"Authorization": f"Bearer {token}"}
    body = {"group_id": roster.id, "send": "email", "roster": True}
    answer = client.post(f"/api/v1/waves/{wave.id}/invitations", json=body, headers=headers)
    assert answer.status_code == 202 and answer.get_json()["counts"]["sent"] == 2
    both = body | {"recipients": [{"email": "x@example.com"}]}
    assert client.post(f"/api/v1/waves/{wave.id}/invitations", json=both, headers=headers).status_code == 400
    no_roster = {"group_id": plan.groups[1].id, "send": "email", "roster": True}
    assert (
        client.post(f"/api/v1/waves/{wave.id}/invitations", json=no_roster, headers=headers).status_code
        == 400
    )


def test_a_recurring_pulse_invites_the_roster_on_each_opening_day(plan, roster, mailbox):
    start = today() + timedelta(days=1)
    series.create_series(
        initiative=plan.initiative,
        actor=plan.owner,
        name="Pulse",
        survey_key="adkar-pulse",
        group_ids=[roster.id],
        every_days=14,
        open_days=7,
        starts_on=start,
        ends_on=start + timedelta(days=30),
        invite_roster=True,
        base_url="http://adkar.test/",
    )
    (wave_id,) = series.create_due_waves(datetime.combine(today(), time(8, 1)))
    assert mailbox.messages == []  # queued for the opening day
    wave = fresh_wave(wave_id)
    assert wave.opens_on == start
    job = db.session.scalars(db.select(Job).where(Job.wave_id == wave_id)).one()
    assert job.status == "waiting" and job.total == 2
    make_due(job.id)
    runner.run(job.id)
    assert sorted(mailbox.addresses()) == ["ana@example.com", "bob@example.com"]
