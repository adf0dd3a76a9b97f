"""The change-record API: per milestone, in bulk, with the risk flag; documented and checked."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from adkar.changes.models import ChangeRecord
from adkar.extensions import db
from tests.actions.support import Api, count
from tests.api.helpers import problem_fields


@pytest.fixture
def api(client) -> Api:
    return Api(client)


@pytest.fixture
def tokens(cast, factory) -> dict[str, str]:
    return {name: factory.token(getattr(cast, name)) for name in ("owner", "sponsor", "stranger")}


def test_put_get_list_and_delete(api, cast, factory, tokens):
    milestone = factory.milestone(cast.initiative)
    path = f"/milestones/{milestone.id}/change-record"
    assert api.get(path, tokens["sponsor"]).get_json() is None
    record = {
        "number": "CHG0031234",
        "type": "normal",
        "state": "scheduled",
        "url": "https://itsm.example.com/1",
    }
    response = api.put(path, tokens["owner"], json=record)
    assert response.status_code == 200
    assert {k: response.get_json()[k] for k in record} == record
    listed = api.get(f"/initiatives/{cast.initiative.id}/change-records", tokens["sponsor"]).get_json()[
        "items"
    ]
    assert listed[0]["risk"] is True and listed[0]["gate_status"] == "no_data"
    assert listed[0]["change_record"]["number"] == "CHG0031234"
    assert problem_fields(api.put(path, tokens["owner"], json=record | {"url": "javascript:alert(1)"})) == {
        "url"
    }
    assert problem_fields(api.put(path, tokens["owner"], json={"number": "CHG1"})) == {"type", "state"}
    assert api.put(path, tokens["sponsor"], json=record).status_code == 403
    assert api.get(path, tokens["stranger"]).status_code == 404
    assert api.delete(path, tokens["owner"]).status_code == 204
    assert api.delete(path, tokens["owner"]).status_code == 404
    assert count(ChangeRecord) == 0


def test_bulk_import(api, cast, factory, tokens):
    uat = factory.milestone(cast.initiative, name="UAT", kind="uat")
    go_live = factory.milestone(cast.initiative)
    path = f"/initiatives/{cast.initiative.id}/change-records"
    records = [
        {"milestone_id": uat.id, "number": "CHG1", "type": "standard", "state": "closed"},
        {"milestone_id": go_live.id, "number": "CHG2", "type": "normal", "state": "implement", "url": ""},
    ]
    response = api.post(path, tokens["owner"], json={"records": records})
    assert response.status_code == 201 and response.get_json() == {"created": 2, "updated": 0}
    records[0]["state"] = "review"
    assert api.post(path, tokens["owner"], json={"records": records}).get_json() == {
        "created": 0,
        "updated": 2,
    }
    bad = [
        records[0] | {"state": "lost"},
        records[1] | {"milestone_id": 999_999},
        {"milestone_id": uat.id, "x": 1},
    ]
    response = api.post(path, tokens["owner"], json={"records": bad})
    assert problem_fields(response) == {"records[2].x"}
    response = api.post(path, tokens["owner"], json={"records": bad[:2]})
    assert problem_fields(response) == {"records[0].state", "records[1].milestone_id"}
    assert api.post(path, tokens["sponsor"], json={"records": records}).status_code == 403
    assert api.post(path, tokens["stranger"], json={"records": records}).status_code == 404
    db.session.rollback()
    assert {r.number: r.state for r in db.session.scalars(select(ChangeRecord))} == {
        "CHG1": "review",
        "CHG2": "implement",
    }
