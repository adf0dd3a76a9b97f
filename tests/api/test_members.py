"""Who has access to an initiative, managed over the API."""

from __future__ import annotations

import pytest

from adkar.extensions import db
from adkar.plan.models import InitiativeMember

from .helpers import count, make_person, problem_fields


def _members(initiative_id: int) -> dict[int, str]:
    db.session.rollback()
    rows = db.session.scalars(
        db.select(InitiativeMember).where(InitiativeMember.initiative_id == initiative_id)
    )
    return {m.user_id: m.role for m in rows}


def test_list_members(api, cast):
    response = api.get(f"/initiatives/{cast.initiative_id}/members", cast.sponsor.token)
    assert response.status_code == 200
    items = response.get_json()["items"]
    assert [(m["user_id"], m["email"], m["role"]) for m in items] == [
        (cast.colleague.id, cast.colleague.email, "practitioner"),
        (cast.sponsor.id, cast.sponsor.email, "sponsor"),
    ]
    assert items[1]["url"] == f"/api/v1/initiatives/{cast.initiative_id}/members/{cast.sponsor.id}"


def test_adding_a_sponsor_gives_them_read_access(api, cast, factory):
    newcomer = make_person(factory, "sponsor")
    assert api.get(f"/initiatives/{cast.initiative_id}", newcomer.token).status_code == 404
    body = {"email": f"  {newcomer.email.upper()} ", "role": "sponsor"}
    response = api.post(f"/initiatives/{cast.initiative_id}/members", cast.owner.token, json=body)
    assert response.status_code == 201
    assert response.get_json()["user_id"] == newcomer.id
    assert response.headers["Location"] == response.get_json()["url"]
    assert _members(cast.initiative_id)[newcomer.id] == "sponsor"
    assert api.get(f"/initiatives/{cast.initiative_id}", newcomer.token).get_json()["access"] == "read"


def test_adding_an_existing_member_changes_their_role(api, cast):
    body = {"email": cast.colleague.email, "role": "sponsor"}
    response = api.post(f"/initiatives/{cast.initiative_id}/members", cast.owner.token, json=body)
    assert response.status_code == 200
    assert response.get_json()["role"] == "sponsor"
    assert _members(cast.initiative_id)[cast.colleague.id] == "sponsor"
    assert (
        api.patch(f"/initiatives/{cast.initiative_id}", cast.colleague.token, json={"name": "x"}).status_code
        == 403
    )


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"email": "nobody@example.test", "role": "sponsor"}, "email"),
        ({"email": "not-an-email", "role": "sponsor"}, "email"),
        ({"email": "", "role": "sponsor"}, "email"),
        ({"email": "SPONSOR", "role": "practitioner"}, "role"),  # a sponsor account cannot co-run a plan
        ({"email": "OWNER", "role": "practitioner"}, "email"),  # the owner has access already
        ({"email": "STRANGER", "role": "owner"}, "role"),
        ({"email": "STRANGER"}, "role"),
        ({"email": "STRANGER", "role": "sponsor", "admin": True}, "admin"),
    ],
)
def test_add_refuses_bad_requests_and_stores_nothing(api, cast, body, field):
    people = {"SPONSOR": cast.sponsor.email, "OWNER": cast.owner.email, "STRANGER": cast.stranger.email}
    body = {k: people.get(v, v) for k, v in body.items()}
    before = _members(cast.initiative_id)
    response = api.post(f"/initiatives/{cast.initiative_id}/members", cast.owner.token, json=body)
    assert problem_fields(response) == {field}
    assert _members(cast.initiative_id) == before


def test_remove_member(api, cast):
    path = f"/initiatives/{cast.initiative_id}/members/{cast.sponsor.id}"
    assert api.delete(path, cast.colleague.token).status_code == 204
    assert cast.sponsor.id not in _members(cast.initiative_id)
    assert api.get(f"/initiatives/{cast.initiative_id}", cast.sponsor.token).status_code == 404
    again = api.delete(path, cast.owner.token)
    assert again.status_code == 404
    assert "not a member" in again.get_json()["error"]["message"]


def test_sponsors_cannot_manage_members(api, cast):
    before = count(InitiativeMember)
    body = {"email": cast.stranger.email, "role": "sponsor"}
    assert (
        api.post(f"/initiatives/{cast.initiative_id}/members", cast.sponsor.token, json=body).status_code
        == 403
    )
    path = f"/initiatives/{cast.initiative_id}/members/{cast.colleague.id}"
    assert api.delete(path, cast.sponsor.token).status_code == 403
    assert count(InitiativeMember) == before


def test_strangers_cannot_manage_members(api, cast):
    before = count(InitiativeMember)
    body = {"email": cast.stranger.email, "role": "practitioner"}
    assert (
        api.post(f"/initiatives/{cast.initiative_id}/members", cast.stranger.token, json=body).status_code
        == 404
    )
    path = f"/initiatives/{cast.initiative_id}/members/{cast.sponsor.id}"
    assert api.delete(path, cast.stranger.token).status_code == 404
    assert count(InitiativeMember) == before
