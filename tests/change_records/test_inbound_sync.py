"""Inbound sync: ServiceNow Table API records and Jira Service Management webhooks, verified by the shared
secret, mapped onto change records and incidents; bad payloads refused whole, replays idempotent."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import datetime

import pytest

from adkar.changes import services as service
from adkar.changes.models import ChangeRecord, Incident
from adkar.extensions import db
from tests.actions.support import audit_actions, count

SECRET = "correct-horse-itsm-secret"
CHANGE = {
    "sys_class_name": "change_request",
    "sys_id": "a1b2c3",
    "number": "CHG0031234",
    "state": "-2",
    "type": "normal",
    "risk": "3",
    "impact": "1",
    "approval": "approved",
    "short_description": "Move the service desk to the new portal",
    "justification": "Old portal out of support",
    "business_service": {"value": "f00", "display_value": "Service portal"},
    "sys_created_on": "2026-11-02 09:00:00",
    "start_date": "2026-12-20 22:00:00",
    "end_date": "2026-12-21 02:00:00",
    "sys_updated_on": "2026-12-01 10:00:00",
}
INCIDENT = {
    "sys_class_name": "incident",
    "sys_id": "i9",
    "number": "INC0010001",
    "state": "2",
    "short_description": "Portal login fails",
    "opened_at": "2026-12-21 08:00:00",
    "caused_by": {"value": "a1b2c3", "link": "https://x.service-now.com/api/now/table/change_request/a1b2c3"},
    "sys_updated_on": "2026-12-21 08:05:00",
}


@pytest.fixture
def secret(app):
    app.config["ITSM_SHARED_SECRET"] = SECRET
    yield SECRET
    app.config["ITSM_SHARED_SECRET"] = ""


@pytest.fixture
def milestone(cast, factory):
    return factory.milestone(cast.initiative, name="Go-live")


def post(client, path: str, body, secret: str | None = SECRET, **headers):
    if secret is not None:
        headers["X-Adkar-Secret"] = secret
    return client.post(f"/api/v1/integrations/{path}", data=json.dumps(body), headers=headers)


def test_a_servicenow_change_and_its_incident_are_stored_once(client, secret, milestone):
    first = post(client, f"servicenow?milestone={milestone.id}", {"result": [CHANGE]})
    assert first.status_code == 200, first.get_json()
    assert first.get_json()["results"] == [{"kind": "change", "number": "CHG0031234", "status": "created"}]
    record = db.session.scalar(db.select(ChangeRecord))
    assert (record.milestone_id, record.state, record.change_type, record.risk, record.impact) == (
        milestone.id,
        "scheduled",
        "normal",
        "moderate",
        "high",
    )
    assert (record.cab_decision, record.affected_services) == ("approved", "Service portal")
    assert (record.planned_start, record.requested_at) == (
        datetime(2026, 12, 20, 22),
        datetime(2026, 11, 2, 9),
    )
    replay = post(client, "servicenow", CHANGE)  # known now: no ?milestone needed
    assert replay.get_json()["results"][0]["status"] == "unchanged"
    closed = CHANGE | {
        "state": "Closed",
        "close_code": "unsuccessful",
        "sys_updated_on": "2026-12-22 09:00:00",
    }
    assert post(client, "servicenow", closed).get_json()["results"][0]["status"] == "updated"
    older = CHANGE | {"state": "-1", "sys_updated_on": "2026-11-30 10:00:00"}
    assert post(client, "servicenow", {"result": older}).get_json()["results"][0]["status"] == "stale"
    db.session.refresh(record)
    assert (record.state, record.result) == ("closed", "failed") and count(ChangeRecord) == 1

    for _ in range(2):
        answer = post(client, "servicenow", INCIDENT)
    assert answer.get_json()["results"][0]["status"] == "unchanged"
    incident = db.session.scalar(db.select(Incident))
    assert (incident.change_record_id, incident.state, count(Incident)) == (record.id, "in_progress", 1)
    assert "change_record.sync_created" in audit_actions(milestone.initiative_id)


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        (CHANGE | {"state": "-9"}, {"state"}),
        (CHANGE | {"state": "Planned"}, {"state"}),
        ({k: v for k, v in CHANGE.items() if k != "number"}, {"number"}),
        (CHANGE | {"sys_id": ""}, {"sys_id"}),
        (CHANGE | {"start_date": "next tuesday"}, {"start_date"}),
        (CHANGE | {"sys_class_name": "problem"}, {"sys_class_name"}),
        ({"result": [CHANGE, CHANGE | {"number": "CHG 2", "state": "x"}]}, {"number", "state"}),
        (INCIDENT | {"caused_by": "", "rfc": ""}, {"caused_by"}),
        (INCIDENT | {"caused_by": {"value": "nope"}}, {"caused_by"}),
    ],
)
def test_bad_servicenow_payloads_store_nothing(client, secret, milestone, body, fields):
    response = post(client, f"servicenow?milestone={milestone.id}", body)
    assert response.status_code == 422, response.get_json()
    error = response.get_json()["error"]
    assert error["message"].startswith("Nothing was stored")
    assert {p["field"] for p in error["problems"]} == fields
    assert count(ChangeRecord) == 0 and count(Incident) == 0


def test_an_unknown_change_without_its_milestone_is_refused(client, secret, milestone):
    response = post(client, "servicenow", CHANGE)
    assert response.status_code == 422
    assert (
        "No change record CHG0031234 is linked to a milestone yet"
        in response.get_json()["error"]["problems"][0]["message"]
    )
    assert count(ChangeRecord) == 0


def test_the_secret_is_required_and_compared(client, app, secret, milestone):
    assert post(client, "servicenow", CHANGE, secret=None).status_code == 401
    assert post(client, "servicenow", CHANGE, secret=SECRET + "x").status_code == 401
    assert post(client, "jsm", {}, secret="").status_code == 401
    app.config["ITSM_SHARED_SECRET"] = ""
    off = post(client, "servicenow", CHANGE)  # not configured: off
    assert off.status_code == 401 and "no shared secret is configured" in off.get_json()["error"]["message"]
    assert count(ChangeRecord) == 0


JSM = {
    "webhookEvent": "jira:issue_updated",
    "issue": {
        "id": "10042",
        "key": "CHG-12",
        "fields": {
            "summary": "Switch e-mail intake to the new portal",
            "status": {"name": "Awaiting implementation"},
            "changeType": {"value": "Emergency"},
            "updated": "2026-12-01T10:00:00.000+0000",
        },
    },
}


def test_a_jsm_webhook_updates_a_linked_change_signed_or_with_the_header(client, cast, secret, milestone):
    service.set_change_record(
        milestone=milestone, actor=cast.owner, number="chg-12", change_type="normal", state="new"
    )
    body = json.dumps(JSM).encode()
    signature = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    signed = client.post("/api/v1/integrations/jsm", data=body, headers={"X-Hub-Signature": signature})
    assert signed.get_json()["results"] == [{"kind": "change", "number": "CHG-12", "status": "updated"}]
    record = db.session.scalar(db.select(ChangeRecord))
    assert (record.state, record.change_type, record.description) == (
        "scheduled",
        "emergency",
        "Switch e-mail intake to the new portal",
    )
    assert post(client, "jsm", JSM).get_json()["results"][0]["status"] == "unchanged"
    forged = client.post("/api/v1/integrations/jsm", data=body, headers={"X-Hub-Signature": "sha256=00"})
    assert forged.status_code == 401
    unknown = JSM | {
        "issue": JSM["issue"] | {"fields": JSM["issue"]["fields"] | {"status": {"name": "Limbo"}}}
    }
    refused = post(client, "jsm", unknown)
    assert (
        refused.status_code == 422
        and "Unknown status 'Limbo'" in refused.get_json()["error"]["problems"][0]["message"]
    )
    assert count(ChangeRecord) == 1
