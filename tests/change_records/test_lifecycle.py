"""Change records' lifecycle: several per milestone, the request, risk, window, CAB, result and review, through
the service and the API; bad values refused with nothing stored."""

from __future__ import annotations

from datetime import datetime

import pytest

from adkar.changes import services as service
from adkar.changes.models import ChangeRecord
from adkar.extensions import db
from adkar.validation import ValidationFailed
from tests.actions.support import Api, count
from tests.api.helpers import problem_fields

LIFECYCLE = {
    "description": "Move the service desk to the new portal.",
    "reason": "The old portal is out of support.",
    "affected_services": "Service portal, e-mail intake",
    "impact": "high",
    "risk": "moderate",
    "requested_at": "2026-11-02T09:00:00Z",
    "planned_start": "2026-12-20T23:00:00+01:00",
    "planned_end": "2026-12-21T02:00:00Z",
    "cab_decision": "approved",
    "result": "rolled_back",
    "implemented_at": "2026-12-20T22:30:00Z",
    "review_notes": "Rolled back: the intake rules were missing.",
}


@pytest.fixture
def api(client) -> Api:
    return Api(client)


def test_a_milestone_keeps_several_changes_each_with_its_lifecycle(api, cast, factory):
    milestone = factory.milestone(cast.initiative)
    token = factory.token(cast.owner)
    path = f"/milestones/{milestone.id}/change-record"
    first = {"number": "CHG1", "type": "normal", "state": "review", **LIFECYCLE}
    body = api.put(path, token, json=first).get_json()
    assert body["planned_start"] == "2026-12-20T22:00:00Z"  # stored as UTC
    assert (body["result"], body["cab_decision"], body["impact"]) == ("rolled_back", "approved", "high")
    api.put(path, token, json={"number": "CHG2", "type": "standard", "state": "scheduled"})
    assert count(ChangeRecord) == 2
    listed = api.get(f"/initiatives/{cast.initiative.id}/change-records", token).get_json()["items"][0]
    assert [r["number"] for r in listed["change_records"]] == ["CHG1", "CHG2"]
    assert listed["change_record"]["number"] == "CHG2" and listed["risk"] is True  # CHG2 is scheduled
    again = api.put(path, token, json={"number": "chg1", "type": "normal", "state": "closed"}).get_json()
    assert (again["id"], again["state"], again["review_notes"]) == (body["id"], "closed", "")  # PUT replaces
    assert count(ChangeRecord) == 2


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        ({"impact": "huge"}, {"impact"}),
        ({"result": "done"}, {"result"}),
        ({"planned_start": "2026-12-20T22:00:00"}, {"planned_start"}),  # no offset: ambiguous
        ({"planned_start": "2026-12-21T03:00:00Z", "planned_end": "2026-12-21T02:00:00Z"}, {"planned_end"}),
        ({"affected_services": "x" * 501}, {"affected_services"}),
        ({"cab": "approved"}, {"cab"}),
    ],
)
def test_bad_lifecycle_values_are_refused_and_nothing_is_stored(api, cast, factory, changes, fields):
    milestone = factory.milestone(cast.initiative)
    record = {"number": "CHG1", "type": "normal", "state": "new", **LIFECYCLE, **changes}
    response = api.put(f"/milestones/{milestone.id}/change-record", factory.token(cast.owner), json=record)
    assert response.status_code == 400 and problem_fields(response) == fields
    assert count(ChangeRecord) == 0


def test_the_service_checks_the_window_and_keeps_unsent_fields(app, cast, factory):
    milestone = factory.milestone(cast.initiative)
    start, end = datetime(2026, 12, 20, 22), datetime(2026, 12, 21, 2)
    kept = service.set_change_record(
        milestone=milestone,
        actor=cast.owner,
        number="CHG1",
        change_type="normal",
        state="scheduled",
        details={"planned_start": start, "planned_end": end, "risk": "high"},
    )
    service.set_change_record(
        milestone=milestone, actor=cast.owner, number="CHG1", change_type="normal", state="implement"
    )
    db.session.refresh(kept)
    assert (kept.state, kept.planned_start, kept.risk) == ("implement", start, "high")
    with pytest.raises(ValidationFailed) as caught:
        service.set_change_record(
            milestone=milestone,
            actor=cast.owner,
            number="CHG1",
            change_type="normal",
            state="closed",
            details={"planned_start": end, "planned_end": start, "owner": "x"},
        )
    assert [p.field for p in caught.value.problems] == ["planned_end", "owner"]
    db.session.refresh(kept)
    assert kept.state == "implement"


def test_the_form_adds_a_second_change_and_edits_each_by_number(client, cast, factory):
    from tests.actions.support import login, text

    milestone = factory.milestone(cast.initiative, name="Go-live")
    login(client, cast.member)
    url = f"/milestones/{milestone.id}/change-record/edit"
    base = {
        "change_type": "normal",
        "state": "scheduled",
        "url": "",
        "impact": "",
        "risk": "",
        "cab_decision": "",
    }
    base |= {"result": "", "description": "", "reason": "", "affected_services": "", "review_notes": ""}
    first = base | {"number": "CHG1", "planned_start": "2026-12-20T22:00", "planned_end": "2026-12-21T02:00"}
    assert client.post(url, data=first).status_code == 302
    assert client.post(url, data=base | {"number": "CHG2", "risk": "high"}).status_code == 302
    bad = base | {"number": "CHG1", "planned_start": "2026-12-21T03:00", "planned_end": "2026-12-21T02:00"}
    refused = client.post(url, data=bad)
    assert refused.status_code == 400 and "The planned window ends before it starts." in text(refused)
    stored = {r.number: r for r in db.session.scalars(db.select(ChangeRecord))}
    assert stored["CHG1"].planned_end == datetime(2026, 12, 21, 2) and stored["CHG2"].risk == "high"
    form = text(client.get(url + "?number=chg1"))
    assert 'value="CHG1"' in form and 'value="2026-12-20T22:00"' in form
    page = text(client.get(f"/initiatives/{cast.initiative.id}/change-records"))
    assert "CHG1" in page and "CHG2" in page and "Window 20 Dec 2026 22:00 – 21 Dec 02:00 UTC" in page
    assert client.post(f"/milestones/{milestone.id}/change-record/delete?number=CHG2").status_code == 302
    assert [r.number for r in db.session.scalars(db.select(ChangeRecord))] == ["CHG1"]


def test_the_change_rules_form_sets_the_emergency_review_days(client, cast):
    from adkar.changes.deployment_gate import review_days
    from tests.actions.support import login

    login(client, cast.member)
    url = f"/initiatives/{cast.initiative.id}/change-records/settings"
    assert review_days(cast.initiative.id) == 5
    assert client.post(url, data={"emergency_review_days": "0"}).status_code == 302
    assert review_days(cast.initiative.id) == 5  # refused: nothing stored
    client.post(url, data={"emergency_review_days": "12"})
    assert review_days(cast.initiative.id) == 12
    login(client, cast.sponsor)
    assert client.post(url, data={"emergency_review_days": "3"}).status_code == 403
    assert review_days(cast.initiative.id) == 12


def test_the_calendar_flags_a_window_before_its_gate_is_ready(client, cast, factory):
    from datetime import date, timedelta

    from adkar.readiness.figures import gates, initiative_report
    from adkar.timeutil import today
    from tests.actions.support import login, text

    due = today() + timedelta(days=10)
    milestone = factory.milestone(cast.initiative, name="Go-live", due=due)
    day = datetime.combine(due, datetime.min.time())

    def window(number, change_type, start, result=""):
        service.set_change_record(
            milestone=milestone,
            actor=cast.owner,
            number=number,
            change_type=change_type,
            state="scheduled",
            details={"planned_start": start, "result": result},
        )

    window("CHG-EARLY", "normal", day - timedelta(days=2))
    window("CHG-ONTIME", "emergency", day + timedelta(hours=22))
    window("CHG-STD", "standard", day - timedelta(days=5))
    window("CHG-DONE", "normal", day - timedelta(days=9), result="successful")
    service.set_change_record(
        milestone=milestone, actor=cast.owner, number="CHG-NOWINDOW", change_type="normal", state="new"
    )
    initiative = cast.initiative
    db.session.refresh(initiative)
    risks = service.change_risks(initiative, gates(initiative, initiative_report(initiative)))
    calendar = service.change_calendar(risks)
    assert [(e.record.number, e.flags) for e in calendar] == [
        ("CHG-DONE", ()),  # implemented: history
        ("CHG-STD", ()),  # standard: no people gate
        (
            "CHG-EARLY",
            (
                "The window opens while the people gate has no readiness data.",
                f"The window opens before the milestone's date ({due.isoformat()}).",
            ),
        ),
        ("CHG-ONTIME", ("The window opens while the people gate has no readiness data.",)),
    ]
    assert isinstance(calendar[0].due, date)
    login(client, cast.sponsor)
    page = text(client.get(f"/initiatives/{cast.initiative.id}/change-records"))
    assert "Change calendar" in page and "The window opens before the milestone&#39;s date" in page
