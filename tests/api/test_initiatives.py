"""Initiatives over the API: create, list, read, change, delete, with the same access rules as the pages."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from adkar.audit.models import AuditEvent
from adkar.extensions import db
from adkar.plan.models import Initiative, Milestone

from .helpers import count, fresh, problem_fields

NEW = {
    "name": "  CRM rollout ",
    "description": "Sales moves to the new CRM.",
    "approach": "iterative",
    "go_live": "2027-01-15",
}


def test_create_answers_201_with_the_initiative(api, cast):
    response = api.post("/initiatives", cast.owner.token, json=NEW)
    assert response.status_code == 201
    body = response.get_json()
    assert body["name"] == "CRM rollout"
    assert body["description"] == NEW["description"]
    assert body["approach"] == "iterative"
    assert body["go_live"] == "2027-01-15"
    assert body["owner"] == {"id": cast.owner.id, "email": cast.owner.email, "name": ""}
    assert body["access"] == "write"
    assert body["created_at"].endswith("Z")
    assert response.headers["Location"] == body["url"] == f"/api/v1/initiatives/{body['id']}"
    assert body["groups_url"] == f"/api/v1/initiatives/{body['id']}/groups"
    assert body["milestones_url"] == f"/api/v1/initiatives/{body['id']}/milestones"
    assert body["members_url"] == f"/api/v1/initiatives/{body['id']}/members"

    stored = fresh(Initiative, body["id"])
    assert (stored.name, stored.owner_id, stored.go_live) == ("CRM rollout", cast.owner.id, date(2027, 1, 15))
    assert stored.milestones == []
    actions = db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.initiative_id == body["id"])
    ).all()
    assert actions == ["initiative.create"]


def test_create_with_the_template_adds_the_approachs_milestones(api, cast):
    response = api.post(
        "/initiatives", cast.owner.token, json={**NEW, "approach": "sequential", "template": True}
    )
    assert response.status_code == 201
    milestones = api.get(f"/initiatives/{response.get_json()['id']}/milestones", cast.owner.token).get_json()
    kinds = [m["kind"] for m in milestones["items"]]
    assert kinds == ["design-signoff", "uat", "training", "go-live", "hypercare-end"]
    go_live = next(m for m in milestones["items"] if m["kind"] == "go-live")
    assert go_live["due"] == "2027-01-15" and go_live["target_element"] == "ability"


def test_description_is_optional(api, cast):
    body = {k: v for k, v in NEW.items() if k != "description"}
    response = api.post("/initiatives", cast.owner.token, json=body)
    assert response.status_code == 201
    assert response.get_json()["description"] == ""


def test_sponsors_cannot_create(api, cast):
    before = count(Initiative)
    response = api.post("/initiatives", cast.sponsor.token, json=NEW)
    assert response.status_code == 403
    assert count(Initiative) == before


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"name": None}, "name"),
        ({"name": "   "}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"name": 42}, "name"),
        ({"name": "two\nlines"}, "name"),
        ({"name": "nul\u0000"}, "name"),
        ({"description": "d" * 5001}, "description"),
        ({"description": ["not", "text"]}, "description"),
        ({"approach": "big-bang"}, "approach"),
        ({"go_live": "2027-13-01"}, "go_live"),
        ({"go_live": "2027-02-30"}, "go_live"),
        ({"go_live": "15/01/2027"}, "go_live"),
        ({"go_live": "20270115"}, "go_live"),
        ({"go_live": 20270115}, "go_live"),
        ({"go_live": "2027-01-15T00:00:00"}, "go_live"),
        ({"template": "yes"}, "template"),
        ({"owner_id": 1}, "owner_id"),
    ],
)
def test_create_refuses_bad_fields_and_stores_nothing(api, cast, change, field):
    before = count(Initiative), count(AuditEvent)
    body = {k: v for k, v in {**NEW, **change}.items() if v is not None}
    response = api.post("/initiatives", cast.owner.token, json=body)
    assert problem_fields(response) == {field}
    assert "Nothing was saved" in response.get_json()["error"]["message"]
    assert (count(Initiative), count(AuditEvent)) == before


def test_every_problem_is_reported_at_once(api, cast):
    response = api.post(
        "/initiatives", cast.owner.token, json={"approach": "x", "go_live": "soon", "extra": 1}
    )
    assert problem_fields(response) == {"name", "approach", "go_live", "extra"}
    messages = {p["field"]: p["message"] for p in response.get_json()["error"]["problems"]}
    assert messages["name"] == "This field is required."
    assert messages["extra"] == "Unknown field."
    assert "YYYY-MM-DD" in messages["go_live"]


@pytest.mark.parametrize(
    ("data", "content_type", "status"),
    [
        ("name=CRM", "application/x-www-form-urlencoded", 415),
        ('{"name": "CRM"}', "text/plain", 415),
        ("{not json", "application/json", 400),
        ("", "application/json", 400),
        ('["CRM", "iterative"]', "application/json", 400),
        ('"CRM"', "application/json", 400),
        ("null", "application/json", 400),
        ('{"name": "CRM", "approach": "iterative", "go_live": NaN}', "application/json", 400),
        (b"\xff\xfe{", "application/json", 400),
    ],
)
def test_bodies_that_are_not_json_objects_are_refused(api, cast, data, content_type, status):
    before = count(Initiative)
    response = api.post("/initiatives", cast.owner.token, data=data, content_type=content_type)
    assert response.status_code == status
    assert response.get_json()["error"]["status"] == status
    assert count(Initiative) == before


def test_an_array_body_names_what_was_sent(api, cast):
    response = api.post("/initiatives", cast.owner.token, data="[1]", content_type="application/json")
    assert response.get_json()["error"]["problems"] == [
        {"message": "The body must be a JSON object, not an array."}
    ]


def test_json_with_a_suffix_media_type_is_accepted(api, cast):
    response = api.post(
        "/initiatives", cast.owner.token, json=NEW, headers={"Content-Type": "application/vnd.x+json"}
    )
    assert response.status_code == 201


def test_list_shows_only_visible_initiatives_with_access(api, cast, factory):
    other = factory.initiative(
        db.session.get(type(fresh(Initiative, cast.initiative_id).owner), cast.stranger.id)
    )
    mine = {i["id"]: i for i in api.get("/initiatives", cast.owner.token).get_json()["items"]}
    assert set(mine) == {cast.initiative_id}
    assert mine[cast.initiative_id]["access"] == "write"
    sponsor = api.get("/initiatives", cast.sponsor.token).get_json()["items"]
    assert [(i["id"], i["access"]) for i in sponsor] == [(cast.initiative_id, "read")]
    colleague = api.get("/initiatives", cast.colleague.token).get_json()["items"]
    assert [(i["id"], i["access"]) for i in colleague] == [(cast.initiative_id, "write")]
    admin = api.get("/initiatives", cast.admin.token).get_json()["items"]
    assert {i["id"] for i in admin} == {cast.initiative_id, other.id}


def test_get_one(api, cast):
    response = api.get(f"/initiatives/{cast.initiative_id}", cast.sponsor.token)
    assert response.status_code == 200
    assert response.get_json()["id"] == cast.initiative_id
    assert response.get_json()["access"] == "read"


@pytest.mark.parametrize("suffix", ["", "/groups", "/milestones", "/members"])
def test_another_practitioners_initiative_is_404(api, cast, suffix):
    response = api.get(f"/initiatives/{cast.initiative_id}{suffix}", cast.stranger.token)
    assert response.status_code == 404


@pytest.mark.parametrize(
    "initiative_id", ["999999", "2147483648", "9999999999", "0", "-1", "99999999999999999999", "abc"]
)
def test_ids_that_do_not_exist_are_404(api, cast, initiative_id):
    assert api.get(f"/initiatives/{initiative_id}", cast.owner.token).status_code == 404


def test_patch_changes_only_the_fields_sent(api, cast):
    before = fresh(Initiative, cast.initiative_id)
    approach, go_live = before.approach, before.go_live
    response = api.patch(f"/initiatives/{cast.initiative_id}", cast.colleague.token, json={"name": "Renamed"})
    assert response.status_code == 200
    assert response.get_json()["name"] == "Renamed"
    stored = fresh(Initiative, cast.initiative_id)
    assert (stored.name, stored.approach, stored.go_live) == ("Renamed", approach, go_live)

    response = api.patch(
        f"/initiatives/{cast.initiative_id}",
        cast.owner.token,
        json={"go_live": "2028-02-29", "description": ""},
    )
    assert response.get_json()["go_live"] == "2028-02-29"
    assert fresh(Initiative, cast.initiative_id).go_live == date(2028, 2, 29)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"go_live": "2027-02-29"}, "go_live"),
        ({"name": ""}, "name"),
        ({"approach": None}, "approach"),
        ({"template": True}, "template"),
        ({"name": "ok", "id": 7}, "id"),
    ],
)
def test_patch_refuses_bad_fields_and_changes_nothing(api, cast, body, field):
    name = fresh(Initiative, cast.initiative_id).name
    response = api.patch(f"/initiatives/{cast.initiative_id}", cast.owner.token, json=body)
    assert problem_fields(response) == {field}
    assert fresh(Initiative, cast.initiative_id).name == name


def test_an_empty_patch_is_400(api, cast):
    response = api.patch(f"/initiatives/{cast.initiative_id}", cast.owner.token, json={})
    assert response.status_code == 400
    assert "at least one" in response.get_json()["error"]["problems"][0]["message"]


def test_sponsors_cannot_change_or_delete(api, cast):
    path = f"/initiatives/{cast.initiative_id}"
    assert api.patch(path, cast.sponsor.token, json={"name": "Mine now"}).status_code == 403
    assert api.patch(path, cast.sponsor.token, json={"name": ""}).status_code == 403  # access before the body
    assert api.delete(path, cast.sponsor.token).status_code == 403
    assert fresh(Initiative, cast.initiative_id).name != "Mine now"


def test_strangers_cannot_change_or_delete(api, cast):
    path = f"/initiatives/{cast.initiative_id}"
    assert api.patch(path, cast.stranger.token, json={"name": "Mine now"}).status_code == 404
    assert api.delete(path, cast.stranger.token).status_code == 404
    assert fresh(Initiative, cast.initiative_id) is not None


def test_delete_removes_the_initiative_with_its_plan(api, cast, factory):
    initiative = fresh(Initiative, cast.initiative_id)
    factory.milestone(initiative, groups=(factory.group(initiative),))
    response = api.delete(f"/initiatives/{cast.initiative_id}", cast.owner.token)
    assert response.status_code == 204
    assert response.data == b""
    assert fresh(Initiative, cast.initiative_id) is None
    assert count(Milestone) == 0
    assert api.get(f"/initiatives/{cast.initiative_id}", cast.owner.token).status_code == 404


def test_admins_can_change_any_initiative(api, cast):
    response = api.patch(f"/initiatives/{cast.initiative_id}", cast.admin.token, json={"approach": "hybrid"})
    assert response.status_code == 200
    assert fresh(Initiative, cast.initiative_id).approach == "hybrid"
