"""Change-record pages: the list with its risk flag, the form, CSV import and export, and access."""

from __future__ import annotations

import csv
import io

import pytest

from adkar.changes import services as service
from adkar.changes.models import ChangeRecord
from adkar.extensions import db
from tests.actions.support import audit_actions, count, has_csrf_field, login, text


@pytest.fixture
def milestones(cast, factory):
    uat = factory.milestone(cast.initiative, name="UAT", kind="uat", target_element="desire")
    go_live = factory.milestone(cast.initiative, name="Go-live")
    return uat, go_live


def upload(client, cast, content: str):
    return client.post(
        f"/initiatives/{cast.initiative.id}/change-records/import",
        data={"file": (io.BytesIO(content.encode()), "changes.csv")},
        content_type="multipart/form-data",
    )


def test_list_flags_a_scheduled_change_without_ready_people(client, cast, milestones):
    uat, go_live = milestones
    service.set_change_record(
        milestone=go_live,
        actor=cast.owner,
        number="CHG0031234",
        change_type="normal",
        state="scheduled",
        url="https://itsm.example.com/CHG0031234",
    )
    login(client, cast.sponsor)
    page = text(client.get(f"/initiatives/{cast.initiative.id}/change-records"))
    assert "1 change is scheduled or implementing while the people gate is not ready" in page
    assert "Change CHG0031234 is scheduled while the people gate has no readiness data." in page
    assert (
        '<a href="https://itsm.example.com/CHG0031234" rel="noopener noreferrer external">CHG0031234' in page
    )
    assert "Link a change" not in page  # sponsors read only
    login(client, cast.owner)
    assert f"/milestones/{uat.id}/change-record/edit" in text(
        client.get(f"/initiatives/{cast.initiative.id}/change-records")
    )


def test_link_edit_and_remove_through_the_form(client, cast, milestones):
    _, go_live = milestones
    login(client, cast.member)
    form = text(client.get(f"/milestones/{go_live.id}/change-record/edit"))
    assert has_csrf_field(form) and 'type="url"' in form
    data = {"number": "CHG77", "change_type": "emergency", "state": "authorize", "url": ""}
    assert client.post(f"/milestones/{go_live.id}/change-record/edit", data=data).status_code == 302
    record = db.session.scalar(db.select(ChangeRecord))
    assert (record.number, record.change_type, record.state) == ("CHG77", "emergency", "authorize")
    assert client.post(f"/milestones/{go_live.id}/change-record/delete").status_code == 302
    assert count(ChangeRecord) == 0
    response = client.get(f"/milestones/{go_live.id}/change-record/delete", follow_redirects=True)
    assert "has no change record to remove" in text(response)
    assert audit_actions(cast.initiative.id)[-2:] == ["change_record.set", "change_record.delete"]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"number": ""}, "Enter the change record&#39;s number."),
        ({"number": "CHG 1"}, "The change number has up to 40 letters"),
        ({"url": "javascript:alert(1)"}, "The link must be a web address starting with https:// or http://."),
        ({"state": "done"}, "Not a valid choice."),
        ({"change_type": "major"}, "Not a valid choice."),
    ],
)
def test_invalid_records_answer_400_and_store_nothing(client, cast, milestones, changes, message):
    _, go_live = milestones
    login(client, cast.owner)
    data = {"number": "CHG1", "change_type": "normal", "state": "new", "url": ""} | changes
    response = client.post(f"/milestones/{go_live.id}/change-record/edit", data=data)
    assert response.status_code == 400
    assert message in text(response)
    assert count(ChangeRecord) == 0


def test_csv_import_matches_milestones_by_name_or_id(client, cast, milestones):
    uat, go_live = milestones
    login(client, cast.owner)
    assert has_csrf_field(text(client.get(f"/initiatives/{cast.initiative.id}/change-records/import")))
    content = f"Milestone,Number,Type,State,URL\n uat ,CHG1,Normal,CLOSED,\n{go_live.id},CHG2,standard,scheduled,https://x.test/2\n"
    response = upload(client, cast, content)
    assert response.status_code == 302
    assert {r.milestone_id: (r.number, r.state) for r in db.session.scalars(db.select(ChangeRecord))} == {
        uat.id: ("CHG1", "closed"),
        go_live.id: ("CHG2", "scheduled"),
    }


def test_csv_import_lists_every_problem_and_stores_nothing(client, cast, milestones, factory):
    factory.milestone(cast.initiative, name="UAT", kind="uat")  # a second "UAT": ambiguous by name
    login(client, cast.owner)
    content = "milestone,number,type,state,url\nUAT,CHG1,normal,new,\nNope,CHG2,normal,new,\nGo-live,,odd,new,javascript:x\n"
    page = text(upload(client, cast, content))
    assert (
        "row 1, column milestone: 2 milestones are called “UAT”; use the milestone&#39;s id instead." in page
    )
    assert "row 2, column milestone: No milestone “Nope” in this initiative." in page
    response = upload(client, cast, "milestone,number,type,state,url\nGo-live,,odd,new,javascript:x\n")
    assert response.status_code == 400
    page = text(response)
    assert "row 1, column number" in page and "row 1, column type" in page and "row 1, column url" in page
    assert count(ChangeRecord) == 0


def test_export_is_neutralised(client, cast, milestones):
    _, go_live = milestones
    go_live.name = "=SUM(A1)"
    db.session.commit()
    service.set_change_record(
        milestone=go_live, actor=cast.owner, number="CHG9", change_type="normal", state="review"
    )
    login(client, cast.sponsor)
    response = client.get(f"/initiatives/{cast.initiative.id}/change-records.csv")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][:7] == ["milestone", "milestone_id", "due", "number", "type", "state", "url"]
    assert rows[0][7:] == ["risk", "planned_start", "planned_end", "cab_decision", "result"]
    assert rows[2][0] == "'=SUM(A1)" and rows[2][3:6] == ["CHG9", "normal", "review"]
    service.set_change_record(
        milestone=go_live, actor=cast.owner, number="CHG10", change_type="standard", state="new"
    )
    response = client.get(f"/initiatives/{cast.initiative.id}/change-records.csv")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert [r[3] for r in rows[1:]] == ["", "CHG9", "CHG10"]  # every change of the milestone, none lost


def test_access(client, cast, milestones):
    _, go_live = milestones
    data = {"number": "CHG1", "change_type": "normal", "state": "new", "url": ""}
    login(client, cast.sponsor)
    assert client.get(f"/milestones/{go_live.id}/change-record/edit").status_code == 403
    assert client.post(f"/milestones/{go_live.id}/change-record/edit", data=data).status_code == 403
    assert client.get(f"/initiatives/{cast.initiative.id}/change-records/import").status_code == 403
    login(client, cast.stranger)
    assert client.get(f"/initiatives/{cast.initiative.id}/change-records").status_code == 404
    assert client.post(f"/milestones/{go_live.id}/change-record/edit", data=data).status_code == 404
    assert count(ChangeRecord) == 0
