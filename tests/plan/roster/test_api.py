"""GET and PUT /api/v1/groups/{id}/participants: the roster read and replaced whole, every problem of a bad list
at once with nothing stored, sponsors refused; and the group's headcount_follows_roster over the group API."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from adkar.extensions import db
from adkar.plan.models import StakeholderGroup
from adkar.plan.roster import services
from adkar.plan.roster.models import Participant


@pytest.fixture
def group(factory, cast) -> StakeholderGroup:
    return factory.group(cast.initiative, name="Service desk", headcount=40)


@pytest.fixture
def tokens(factory, cast) -> dict[str, str]:
    people = {"owner": cast.owner, "member": cast.member, "sponsor": cast.sponsor, "stranger": cast.stranger}
    return {name: factory.token(user) for name, user in people.items()}


def emails(group_id: int) -> list[str]:
    db.session.rollback()
    query = select(Participant.email).where(Participant.group_id == group_id).order_by(Participant.email)
    return list(db.session.scalars(query))


def test_put_replaces_the_roster_and_get_lists_it(api, tokens, group):
    body = {
        "participants": [
            {"email": "Zoe@Example.com", "name": "Zoé", "language": "fr", "attributes": {"Site": "Lyon"}},
            {"email": "adam@example.com"},
        ]
    }
    response = api.put(f"/groups/{group.id}/participants", tokens["member"], json=body)
    assert response.status_code == 200, response.get_json()
    assert response.get_json() == {"participants": 2, "added": 2, "updated": 0, "removed": 0, "headcount": 40}
    listed = api.get(f"/groups/{group.id}/participants", tokens["owner"]).get_json()["items"]
    assert [(p["email"], p["name"], p["language"], p["attributes"]) for p in listed] == [
        ("adam@example.com", "", "en", {}),
        ("zoe@example.com", "Zoé", "fr", {"site": "Lyon"}),
    ]
    again = api.put(
        f"/groups/{group.id}/participants",
        tokens["owner"],
        json={"participants": [{"email": "adam@example.com"}]},
    )
    assert again.get_json() == {"participants": 1, "added": 0, "updated": 0, "removed": 1, "headcount": 40}
    cleared = api.put(f"/groups/{group.id}/participants", tokens["owner"], json={"participants": []})
    assert cleared.status_code == 200 and emails(group.id) == []


def test_a_bad_list_answers_400_with_every_row_and_stores_nothing(api, tokens, group, cast):
    services.add_participant(group=group, actor=cast.owner, email="kept@example.com")
    body = {
        "participants": [
            {"email": "ok@example.com"},
            {"email": "not an address"},
            {"email": "OK@example.com"},
            {"email": "x@example.com", "language": "es"},
            {"name": "no address"},
            {"email": "y@example.com", "colour": "blue"},
            "just text",
            {"email": "z@example.com", "attributes": {"email": "other@example.com"}},
        ]
    }
    response = api.put(f"/groups/{group.id}/participants", tokens["owner"], json=body)
    assert response.status_code == 400
    found = [(p.get("row"), p.get("field")) for p in response.get_json()["error"]["problems"]]
    # shapes and kinds first (checked before the service), each row by its index and JSON path
    assert found == [
        (3, "participants[3].language"),
        (4, "participants[4].email"),
        (5, "participants[5].colour"),
        (6, "participants[6]"),
    ]
    del body["participants"][3:7]
    response = api.put(f"/groups/{group.id}/participants", tokens["owner"], json=body)
    problems = response.get_json()["error"]["problems"]
    assert [(p["row"], p["field"], p["column"]) for p in problems] == [
        (1, "participants[1].email", "email"),
        (2, "participants[2].email", "email"),
        (3, "participants[3].attributes", "attributes"),
    ]
    assert problems[1]["message"] == "“ok@example.com” appears twice (also row 0)."
    assert emails(group.id) == ["kept@example.com"]


def test_the_body_must_hold_a_list(api, tokens, group):
    for body in ({}, {"participants": {"email": "a@example.com"}}, {"participants": [], "extra": 1}):
        response = api.put(f"/groups/{group.id}/participants", tokens["owner"], json=body)
        assert response.status_code == 400, body


def test_sponsors_get_403_strangers_404(api, tokens, group, cast):
    services.add_participant(group=group, actor=cast.owner, email="a@example.com")
    body = {"participants": [{"email": "b@example.com"}]}
    for name, status in (("sponsor", 403), ("stranger", 404)):
        assert api.get(f"/groups/{group.id}/participants", tokens[name]).status_code == status
        assert api.put(f"/groups/{group.id}/participants", tokens[name], json=body).status_code == status
    assert api.get(f"/groups/{group.id}/participants", None).status_code == 401
    assert api.get("/groups/999999/participants", tokens["owner"]).status_code == 404
    assert emails(group.id) == ["a@example.com"]


def test_the_group_answer_and_patch_carry_headcount_follows_roster(api, tokens, group, cast):
    services.replace_roster(
        group=group, actor=cast.owner, rows=[{"email": "a@example.com"}, {"email": "b@example.com"}]
    )
    answer = api.get(f"/groups/{group.id}", tokens["sponsor"]).get_json()
    assert answer["headcount_follows_roster"] is False and answer["headcount"] == 40
    assert answer["participants_url"] == f"/api/v1/groups/{group.id}/participants"
    patched = api.patch(f"/groups/{group.id}", tokens["owner"], json={"headcount_follows_roster": True})
    assert patched.status_code == 200
    assert (patched.get_json()["headcount"], patched.get_json()["headcount_follows_roster"]) == (2, True)
    refused = api.patch(f"/groups/{group.id}", tokens["owner"], json={"headcount": 7})
    assert refused.status_code == 400 and refused.get_json()["error"]["problems"][0]["field"] == "headcount"
    body = {"participants": [{"email": "c@example.com"}]}
    assert (
        api.put(f"/groups/{group.id}/participants", tokens["owner"], json=body).get_json()["headcount"] == 1
    )
    created = api.post(
        f"/initiatives/{cast.initiative.id}/groups",
        tokens["owner"],
        json={"name": "Leads", "headcount": 5, "headcount_follows_roster": True},
    )
    assert created.status_code == 201 and created.get_json()["headcount_follows_roster"] is True
