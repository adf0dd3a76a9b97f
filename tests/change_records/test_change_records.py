"""Change records: rules, links, import, and the risk of a change scheduled while its people are not ready."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adkar.changes import services as service
from adkar.changes.models import ChangeRecord
from adkar.extensions import db
from adkar.plan.models import GateOverride
from adkar.readiness.figures import gates, initiative_report
from adkar.timeutil import today
from adkar.validation import ValidationFailed
from tests.actions.support import audit_actions, count, wave


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JAVASCRIPT:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "ftp://itsm.example.com/x",
        "//itsm.example.com/change",
        "https://",
        "https://itsm.example.com/a b",
        "https://itsm.example.com/\x00",
        "itsm.example.com/change/1",
        "https://" + "a" * 2000 + ".com",
    ],
)
def test_only_http_links_are_accepted(url):
    assert service.url_problem(url) is not None


@pytest.mark.parametrize(
    "url", ["", None, "https://itsm.example.com/change/CHG0031234?sys_id=1#x", "http://10.0.0.5:8080/c"]
)
def test_good_links(url):
    assert service.url_problem(url) is None


def test_record_rules_report_every_field():
    problems = service.record_problems(number="CHG 1", change_type="major", state=["x"], url="javascript:x")
    assert [p.field for p in problems] == ["number", "type", "state", "url"]
    assert service.record_problems(number="CHG0031234", change_type="normal", state="review", url="") == []
    assert service.record_problems(number="", change_type="normal", state="new", url="")[0].field == "number"


def test_set_update_and_delete(app, cast, factory):
    milestone = factory.milestone(cast.initiative)
    record = service.set_change_record(
        milestone=milestone, actor=cast.owner, number=" CHG0031234 ", change_type="normal", state="assess"
    )
    assert (record.number, record.url) == ("CHG0031234", "")
    service.set_change_record(
        milestone=milestone,
        actor=cast.owner,
        number="CHG0031234",
        change_type="emergency",
        state="implement",
        url="https://itsm.example.com/CHG0031234",
    )
    assert count(ChangeRecord) == 1
    assert db.session.get(ChangeRecord, record.id).state == "implement"
    with pytest.raises(ValidationFailed):
        service.set_change_record(
            milestone=milestone, actor=cast.owner, number="X", change_type="?", state="new"
        )
    assert db.session.get(ChangeRecord, record.id).change_type == "emergency"
    assert service.delete_change_record(milestone=milestone, actor=cast.owner)
    assert not service.delete_change_record(milestone=milestone, actor=cast.owner)
    assert audit_actions(cast.initiative.id) == [
        "change_record.set",
        "change_record.set",
        "change_record.delete",
    ]


def test_a_milestone_deleted_takes_its_record_along(app, cast, factory):
    milestone = factory.milestone(cast.initiative)
    service.set_change_record(
        milestone=milestone, actor=cast.owner, number="CHG1", change_type="normal", state="new"
    )
    db.session.delete(milestone)
    db.session.commit()
    assert count(ChangeRecord) == 0


def test_import_is_all_or_nothing(app, cast, factory):
    uat = factory.milestone(cast.initiative, name="UAT", kind="uat")
    go_live = factory.milestone(cast.initiative)
    service.set_change_record(
        milestone=uat, actor=cast.owner, number="CHG1", change_type="normal", state="new"
    )
    bad = [
        {"milestone_id": uat.id, "number": "CHG2", "type": "normal", "state": "closed"},
        {"milestone_id": uat.id, "number": "chg2", "type": "normal", "state": "closed"},
        {"milestone_id": 999_999, "number": "", "type": "standard", "state": "done", "url": "file:///etc"},
    ]
    with pytest.raises(ValidationFailed) as caught:
        service.import_change_records(initiative=cast.initiative, actor=cast.owner, rows=bad, source="test")
    assert [(p.row, p.field) for p in caught.value.problems] == [
        (2, "number"),  # the same change twice (any case); several changes per milestone are fine
        (3, "milestone_id"),
        (3, "number"),
        (3, "state"),
        (3, "url"),
    ]
    assert db.session.scalar(db.select(ChangeRecord.number)) == "CHG1"
    good = [
        {"milestone_id": uat.id, "number": "chg1", "type": "normal", "state": "closed"},
        {"milestone_id": uat.id, "number": "CHG2", "type": "normal", "state": "closed"},
        {
            "milestone_id": go_live.id,
            "number": "CHG4",
            "type": "standard",
            "state": "scheduled",
            "url": "https://x.test/4",
        },
    ]
    assert service.import_change_records(
        initiative=cast.initiative, actor=cast.owner, rows=good, source="test"
    ) == (2, 1)
    stored = db.session.execute(db.select(ChangeRecord.milestone_id, ChangeRecord.number, ChangeRecord.state))
    assert sorted(stored) == sorted(
        [(uat.id, "chg1", "closed"), (uat.id, "CHG2", "closed"), (go_live.id, "CHG4", "scheduled")]
    )


def test_change_risks_flag_a_scheduled_change_whose_gate_is_not_ready(app, cast, factory):
    day = today()
    ready = factory.milestone(
        cast.initiative, name="Desk live", due=day + timedelta(days=5), groups=(cast.desk,)
    )
    unready = factory.milestone(
        cast.initiative, name="Field live", due=day + timedelta(days=6), groups=(cast.field,)
    )
    unknown = factory.milestone(cast.initiative, name="Nobody surveyed", due=day - timedelta(days=90))
    closed = factory.milestone(
        cast.initiative, name="UAT", kind="uat", due=day + timedelta(days=7), groups=(cast.field,)
    )
    bare = factory.milestone(cast.initiative, name="Hypercare end", due=day + timedelta(days=50))
    wave(
        cast.initiative,
        cast.owner,
        {cast.desk: [(5, 5, 5, 5, 5)] * 5, cast.field: [(5, 2, 2, 2, 2)] * 5},
        name="Pulse",
        opens_on=day - timedelta(days=10),
        closes_on=day - timedelta(days=1),
    )
    for milestone, state in (
        (ready, "implement"),
        (unready, "scheduled"),
        (unknown, "implement"),
        (closed, "closed"),
    ):
        service.set_change_record(
            milestone=milestone,
            actor=cast.owner,
            number=f"CHG{milestone.id}",
            change_type="normal",
            state=state,
        )
    db.session.add(
        GateOverride(
            milestone_id=unready.id,
            user_id=cast.owner.id,
            computed_status="not_ready",
            justification="Sponsor accepts the risk for the field team.",
        )
    )
    db.session.commit()
    initiative = cast.initiative
    db.session.refresh(initiative)
    risks = {
        r.milestone_id: r
        for r in service.change_risks(initiative, gates(initiative, initiative_report(initiative)))
    }
    assert [m.id for m in initiative.milestones] == list(risks)  # every milestone, by due date
    assert (risks[ready.id].gate_status, risks[ready.id].risk) == ("ready", False)
    assert (risks[unready.id].gate_status, risks[unready.id].risk, risks[unready.id].overridden) == (
        "not_ready",
        True,
        True,
    )
    assert (
        risks[unready.id].message
        == f"Change CHG{unready.id} is scheduled while the people gate is not ready."
    )
    assert (risks[unknown.id].gate_status, risks[unknown.id].risk) == ("no_data", True)
    assert "has no readiness data" in risks[unknown.id].message
    assert (risks[closed.id].gate_status, risks[closed.id].risk) == ("not_ready", False)  # closed: done
    assert (risks[bare.id].record, risks[bare.id].risk, risks[bare.id].message) == (None, False, "")


def test_the_gate_board_partials_render(app, cast, factory):
    from flask import render_template_string

    milestone = factory.milestone(cast.initiative, name="Go-live")
    service.set_change_record(
        milestone=milestone,
        actor=cast.owner,
        number="CHG5",
        change_type="normal",
        state="implement",
        url="https://itsm.example.com/CHG5",
    )
    initiative = cast.initiative
    db.session.refresh(initiative)
    risks = service.change_risks(initiative, gates(initiative, initiative_report(initiative)))
    source = (
        '{% from "change_records/_macros.html" import change_cell, change_risk_alert with context %}'
        "{{ change_risk_alert(risks) }}|{{ change_cell(risks[0]) }}|{{ change_cell(none) }}"
    )
    with app.test_request_context():
        alert, cell, nothing = render_template_string(source, risks=risks).split("|")
    assert "1 change is scheduled or implementing while the people gate is not ready" in alert
    assert "Change ahead of its people" in cell and 'href="https://itsm.example.com/CHG5"' in cell
    assert "Implement" in cell
    assert "No change record" in nothing


@settings(max_examples=200, deadline=None)
@given(url=st.from_regex(service.URL_SHAPE, fullmatch=True))
def test_every_link_the_api_schema_allows_is_accepted(url):
    """The schema documents the rule, so a client that follows it is never refused."""
    assert service.url_problem(url) is None


@settings(max_examples=200, deadline=None)
@given(number=st.from_regex(f"^{service.NUMBER.pattern}$", fullmatch=True))
def test_every_number_the_api_schema_allows_is_accepted(number):
    problems = service.record_problems(number=number, change_type="normal", state="new", url="")
    assert problems == []
