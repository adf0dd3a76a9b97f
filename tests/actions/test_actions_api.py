"""The actions API: documented, checked against its schema on every call, all rules as in the pages."""

from __future__ import annotations

from datetime import timedelta

import pytest

from adkar.actions import library
from adkar.actions.models import Action, LibraryEntry, ResistanceEntry
from adkar.timeutil import today
from tests.api.helpers import problem_fields

from .support import Api, audit_actions, count, wave


@pytest.fixture
def api(client) -> Api:
    return Api(client)


@pytest.fixture
def tokens(cast, factory) -> dict[str, str]:
    return {
        name: factory.token(getattr(cast, name))
        for name in ("owner", "member", "sponsor", "stranger", "admin")
    }


def body(cast, **changes) -> dict:
    data = {
        "group_id": cast.field.id,
        "element": "desire",
        "what": "Manager conversations",
        "owner": "Team leads",
        "starts_on": today().isoformat(),
        "due_on": (today() + timedelta(days=10)).isoformat(),
    }
    return data | changes


def test_every_action_operation_is_documented(api):
    paths = api.document["paths"]
    assert set(paths["/api/v1/initiatives/{initiative_id}/actions"]) == {"get", "post"}
    assert set(paths["/api/v1/actions/{action_id}"]) == {"get", "patch", "delete"}
    assert set(paths["/api/v1/initiatives/{initiative_id}/resistance"]) == {"get", "post"}
    assert set(paths["/api/v1/resistance/{resistance_id}"]) == {"get", "patch", "delete"}
    assert set(paths["/api/v1/action-library"]) == {"get", "post"}
    assert set(paths["/api/v1/action-library/{entry_id}"]) == {"get", "patch", "delete"}


def test_action_lifecycle_with_effect(api, cast, tokens):
    day = today()
    wave(
        cast.initiative,
        cast.owner,
        {cast.field: [(4, 2, 2, 2, 2)] * 5},
        name="Before",
        opens_on=day - timedelta(days=30),
        closes_on=day - timedelta(days=20),
    )
    wave(
        cast.initiative,
        cast.owner,
        {cast.field: [(4, 4, 2, 2, 2)] * 5},
        name="After",
        opens_on=day - timedelta(days=10),
        closes_on=day - timedelta(days=1),
    )
    iid = cast.initiative.id
    response = api.post(
        f"/initiatives/{iid}/actions",
        tokens["member"],
        json=body(cast, starts_on=(day - timedelta(days=15)).isoformat()),
    )
    assert response.status_code == 201, response.get_json()
    created = response.get_json()
    assert response.headers["Location"] == created["url"]
    assert created["status"] == "planned" and created["library_entry_id"] is None
    assert created["effect"]["before"] == {
        "wave": "Before",
        "closes_on": (day - timedelta(days=20)).isoformat(),
        "mean": 2.0,
    }
    assert created["effect"]["after"]["mean"] == 4.0 and created["effect"]["direction"] == "up"
    response = api.patch(f"/actions/{created['id']}", tokens["owner"], json={"status": "done"})
    assert response.status_code == 200 and response.get_json()["status"] == "done"
    assert response.get_json()["owner"] == "Team leads"  # unchanged fields kept
    listed = api.get(f"/initiatives/{iid}/actions?group_id={cast.field.id}", tokens["sponsor"]).get_json()
    assert [a["id"] for a in listed["items"]] == [created["id"]]
    assert api.get(f"/initiatives/{iid}/actions?group_id={cast.desk.id}", tokens["sponsor"]).get_json() == {
        "items": []
    }
    for bad in ("abc", "\u00b2", "0", "99999999999", "999999"):  # not digits, a superscript, no such group
        assert problem_fields(api.get(f"/initiatives/{iid}/actions?group_id={bad}", tokens["owner"])) == {
            "group_id"
        }
    assert api.delete(f"/actions/{created['id']}", tokens["owner"]).status_code == 204
    assert count(Action) == 0
    assert audit_actions(iid)[-3:] == ["action.create", "action.update", "action.delete"]


def test_action_problems_are_reported_together_and_nothing_is_stored(api, cast, tokens):
    iid = cast.initiative.id
    response = api.post(
        f"/initiatives/{iid}/actions",
        tokens["owner"],
        json=body(cast, element="agility", status="paused", extra=1, owner=""),
    )
    assert problem_fields(response) == {"element", "status", "extra", "owner"}
    response = api.post(
        f"/initiatives/{iid}/actions",
        tokens["owner"],
        json=body(cast, due_on=(today() - timedelta(days=1)).isoformat()),
    )
    assert problem_fields(response) == {"due_on"}
    other = cast.initiative.id + 1000
    response = api.post(f"/initiatives/{iid}/actions", tokens["owner"], json=body(cast, group_id=other))
    assert problem_fields(response) == {"group_id"}
    response = api.post(
        f"/initiatives/{iid}/actions", tokens["owner"], json=body(cast, library_entry_id=999_999)
    )
    assert problem_fields(response) == {"library_entry_id"}
    assert count(Action) == 0


def test_action_access(api, cast, tokens):
    iid = cast.initiative.id
    assert api.post(f"/initiatives/{iid}/actions", tokens["sponsor"], json=body(cast)).status_code == 403
    assert api.post(f"/initiatives/{iid}/actions", tokens["stranger"], json=body(cast)).status_code == 404
    assert api.get(f"/initiatives/{iid}/actions", tokens["stranger"]).status_code == 404
    action_id = api.post(f"/initiatives/{iid}/actions", tokens["admin"], json=body(cast)).get_json()["id"]
    assert api.patch(f"/actions/{action_id}", tokens["sponsor"], json={"status": "done"}).status_code == 403
    assert api.delete(f"/actions/{action_id}", tokens["stranger"]).status_code == 404
    assert api.get(f"/actions/{action_id}", tokens["sponsor"]).status_code == 200
    assert api.get(f"/actions/{action_id}", None).status_code == 401


def test_resistance_api(api, cast, tokens):
    iid = cast.initiative.id
    entry = {
        "group_id": cast.desk.id,
        "what": "Night shifts",
        "reason": "job_changes",
        "people": 4,
        "logged_on": today().isoformat(),
    }
    response = api.post(f"/initiatives/{iid}/resistance", tokens["owner"], json=entry)
    assert response.status_code == 201
    created = response.get_json()
    assert (created["status"], created["response"]) == ("open", "")
    response = api.patch(
        f"/resistance/{created['id']}", tokens["owner"], json={"status": "addressed", "response": "Rota"}
    )
    assert response.get_json()["status"] == "addressed"
    assert problem_fields(
        api.patch(f"/resistance/{created['id']}", tokens["owner"], json={"people": 21})
    ) == {"people"}
    assert problem_fields(
        api.post(f"/initiatives/{iid}/resistance", tokens["owner"], json=entry | {"reason": "lazy"})
    ) == {"reason"}
    assert api.post(f"/initiatives/{iid}/resistance", tokens["sponsor"], json=entry).status_code == 403
    assert api.get(f"/resistance/{created['id']}", tokens["stranger"]).status_code == 404
    assert [
        e["id"] for e in api.get(f"/initiatives/{iid}/resistance", tokens["sponsor"]).get_json()["items"]
    ] == [created["id"]]
    assert api.delete(f"/resistance/{created['id']}", tokens["member"]).status_code == 204
    assert count(ResistanceEntry) == 0


def test_library_api(api, cast, tokens):
    library.restore_suggestions(actor=None)
    items = api.get("/action-library?element=ability", tokens["sponsor"]).get_json()["items"]
    assert items and {i["element"] for i in items} == {"ability"}
    assert problem_fields(api.get("/action-library?element=agility", tokens["sponsor"])) == {"element"}
    entry = {"element": "reinforcement", "title": "Badges for power users"}
    assert api.post("/action-library", tokens["sponsor"], json=entry).status_code == 403
    response = api.post("/action-library", tokens["member"], json=entry)
    assert response.status_code == 201
    entry_id = response.get_json()["id"]
    assert problem_fields(api.post("/action-library", tokens["owner"], json=entry)) == {"title"}
    assert api.patch(f"/action-library/{entry_id}", tokens["sponsor"], json={"title": "X"}).status_code == 403
    response = api.patch(f"/action-library/{entry_id}", tokens["owner"], json={"description": "Quarterly"})
    assert response.get_json()["description"] == "Quarterly"
    assert api.get(f"/action-library/{entry_id}", tokens["stranger"]).status_code == 200  # shared by everyone
    before = count(LibraryEntry)
    assert api.delete(f"/action-library/{entry_id}", tokens["admin"]).status_code == 204
    assert count(LibraryEntry) == before - 1
    assert api.get(f"/action-library/{entry_id}", tokens["admin"]).status_code == 404
