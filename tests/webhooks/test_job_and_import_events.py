"""The events the job queue and imports announce reach their endpoints, signed, with counts only; the minute
sweep of a worker sends them."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from adkar.jobs import runner
from adkar.surveys.invitations import sending
from adkar.surveys.responses.services import store_imported
from adkar.timeutil import utc_now

from ..surveys import wave_support
from ..surveys.mailbox import smtp_server
from ..surveys.wave_support import new_wave
from .conftest import body_of
from .helpers import deliveries, endpoint_for

plan = wave_support.plan
sqlite_template = wave_support.sqlite_template
SCORES = dict.fromkeys(("awareness", "desire", "knowledge", "ability", "reinforcement"), 4.0)
ANSWERS = dict.fromkeys(("aw1", "de1", "kn1", "ab1", "re1"), 4)


@pytest.fixture
def admin(factory):
    return factory.user("admin")


@pytest.fixture
def mailbox():
    with smtp_server() as box:
        yield box


@pytest.fixture
def app_config(app_config, mailbox):
    return {**app_config, "SMTP_HOST": mailbox.host, "SMTP_PORT": mailbox.port}


def test_a_finished_e_mail_job_is_announced_with_its_counts(receiver, admin, plan, mailbox):
    endpoint_for(receiver, admin, event_types=["job.finished"], initiative_id=plan.initiative.id)
    wave = new_wave(plan)
    mailbox.refuse.add("gone@example.com")
    queued = sending.queue_invitations(
        wave=wave,
        group_id=plan.groups[0].id,
        recipients=[sending.Recipient("ana@example.com"), sending.Recipient("gone@example.com")],
        actor=plan.owner,
    )
    (delivery,) = deliveries("job.finished")
    job = json.loads(delivery.payload)["data"]["job"]
    assert job["id"] == queued.job_id and job["status"] == "done"
    assert job["counts"] == {"total": 2, "succeeded": 1, "failed": 1}
    assert "ana@example.com" not in str(delivery.payload)  # counts, never addresses

    runner.minute(utc_now() + timedelta(seconds=5))  # a worker's sweep sends it (and any alerts due)
    (received,) = receiver.received
    assert received.verified is not None and body_of(received)["type"] == "job.finished"


def test_a_response_import_is_announced_once_with_its_row_count(receiver, admin, plan):
    endpoint_for(receiver, admin, event_types=["import.finished"])
    wave = new_wave(plan)
    store_imported(
        wave_id=wave.id,
        group_id=plan.groups[0].id,
        rows=[(ANSWERS, SCORES, None)] * 6,
        actor_id=plan.owner.id,
        initiative_id=plan.initiative.id,
        source="csv",
    )
    (delivery,) = deliveries("import.finished")
    data = json.loads(delivery.payload)["data"]
    assert data["import"] == {"kind": "responses", "rows": 6, "source": "csv"}
