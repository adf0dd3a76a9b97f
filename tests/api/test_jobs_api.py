"""E-mail invitations through the API: 202 with a job, the job's progress, and the refusals that store nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest

from adkar.jobs.models import Job
from adkar.surveys.models import Invitation, MailDelivery
from adkar.timeutil import today

from ..surveys import wave_support
from ..surveys.mailbox import smtp_server
from . import test_waves_api
from .helpers import count, problem_fields
from .test_waves_api import body

fast_password_hashing = wave_support.fast_password_hashing
setup = test_waves_api.setup


@pytest.fixture
def mailbox():
    with smtp_server() as box:
        yield box


@pytest.fixture
def app_config(app_config, mailbox):
    return {**app_config, "SMTP_HOST": mailbox.host, "SMTP_PORT": mailbox.port}


def new_wave(api, cast, setup, **changes) -> int:
    return api.post(
        f"/initiatives/{cast.initiative_id}/waves", cast.owner.token, json=body(setup, **changes)
    ).get_json()["id"]


def test_email_invitations_answer_202_with_a_job_that_can_be_followed(api, cast, setup, mailbox):
    wave_id = new_wave(api, cast, setup)
    recipients = [
        {"email": "ana@example.com", "name": "Ana Lima", "language": "fr"},
        {"email": "bob@example.com"},
    ]
    response = api.post(
        f"/waves/{wave_id}/invitations",
        cast.owner.token,
        json={"group_id": setup["agents"], "send": "email", "recipients": recipients},
    )
    assert response.status_code == 202
    job = response.get_json()
    assert job["kind"] == "invitations.email" and job["url"] == f"/api/v1/jobs/{job['id']}"
    followed = api.get(f"/jobs/{job['id']}", cast.sponsor.token)  # the initiative's readers may follow it
    assert followed.status_code == 200
    assert followed.get_json()["status"] == "done"
    assert followed.get_json()["counts"] == {"total": 2, "sent": 2, "pending": 0, "failed": 0}
    assert sorted(str(m["To"]) for m in mailbox.messages) == ["Ana Lima <ana@example.com>", "bob@example.com"]
    assert api.get(f"/jobs/{job['id']}", cast.stranger.token).status_code == 404

    again = api.post(
        f"/waves/{wave_id}/invitations",
        cast.owner.token,
        json={"group_id": setup["agents"], "send": "email", "recipients": recipients[:1]},
    )
    assert (
        again.status_code == 400 and "already invited" in again.get_json()["error"]["problems"][0]["message"]
    )


def test_email_invitation_refusals_store_nothing(api, cast, setup, mailbox):
    wave_id = new_wave(api, cast, setup)
    path = f"/waves/{wave_id}/invitations"
    email = {"group_id": setup["agents"], "send": "email"}
    assert "recipients" in problem_fields(api.post(path, cast.owner.token, json=email))
    bad = api.post(path, cast.owner.token, json=email | {"recipients": [{"email": "nope"}]})
    assert bad.status_code == 400 and "not an email address" in bad.get_data(as_text=True)
    assert "send" in problem_fields(api.post(path, cast.owner.token, json=email | {"send": "fax"}))
    assert "send_when" in problem_fields(
        api.post(
            path,
            cast.owner.token,
            json=email | {"recipients": [{"email": "a@example.com"}], "send_when": "x"},
        )
    )
    extra = email | {"recipients": [{"email": "a@example.com", "phone": "1"}]}
    assert api.post(path, cast.owner.token, json=extra).status_code == 400
    assert "count" in problem_fields(api.post(path, cast.owner.token, json={"group_id": setup["agents"]}))
    refused = email | {"recipients": [{"email": "a@example.com"}]}
    assert api.post(path, cast.sponsor.token, json=refused).status_code == 403
    assert api.post(path, cast.stranger.token, json=refused).status_code == 404
    assert (count(Job), count(MailDelivery), count(Invitation)) == (0, 0, 0)
    assert mailbox.messages == []


def test_sending_on_the_opening_day_answers_a_waiting_job(api, cast, setup, mailbox):
    later = {
        "opens_on": (today() + timedelta(days=3)).isoformat(),
        "closes_on": (today() + timedelta(days=10)).isoformat(),
    }
    wave_id = new_wave(api, cast, setup, **later)
    response = api.post(
        f"/waves/{wave_id}/invitations",
        cast.owner.token,
        json={
            "group_id": setup["agents"],
            "send": "email",
            "recipients": [{"email": "ana@example.com"}],
            "send_when": "open",
        },
    )
    assert response.status_code == 202
    job = api.get(f"/jobs/{response.get_json()['id']}", cast.owner.token).get_json()
    assert job["status"] == "waiting" and job["counts"]["pending"] == 1
    assert job["next_run_at"] == f"{later['opens_on']}T00:00:00Z"
    assert mailbox.messages == []


def test_the_reminder_schedule_is_set_through_the_api(api, cast, setup):
    wave_id = new_wave(api, cast, setup)
    path = f"/waves/{wave_id}/reminder-schedule"
    saved = api.put(path, cast.owner.token, json={"days": [6, 3]})
    assert saved.status_code == 200 and saved.get_json()["reminder_days"] == [3, 6]
    assert api.get(f"/waves/{wave_id}", cast.sponsor.token).get_json()["reminder_days"] == [3, 6]
    assert "reminder_days" in problem_fields(api.put(path, cast.owner.token, json={"days": [99]}))
    assert api.put(path, cast.sponsor.token, json={"days": []}).status_code == 403
    assert api.put(path, cast.stranger.token, json={"days": []}).status_code == 404
    assert api.get(f"/waves/{wave_id}", cast.owner.token).get_json()["reminder_days"] == [3, 6]
