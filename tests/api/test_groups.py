"""Stakeholder groups over the API."""

from __future__ import annotations

import pytest

from adkar.plan.models import Initiative, StakeholderGroup

from .helpers import count, fresh, problem_fields


@pytest.fixture
def group_id(cast, factory) -> int:
    return factory.group(fresh(Initiative, cast.initiative_id), name="Service desk", headcount=40).id


@pytest.fixture
def strangers_group_id(cast, factory) -> int:
    from adkar.accounts.models import User

    theirs = factory.initiative(fresh(User, cast.stranger.id), name="Their rollout")
    return factory.group(theirs, name="Finance").id


def test_create_answers_201_with_the_group(api, cast):
    body = {"name": " Field engineers ", "headcount": 120, "description": "Tablets in vans.\nTwo shifts."}
    response = api.post(f"/initiatives/{cast.initiative_id}/groups", cast.colleague.token, json=body)
    assert response.status_code == 201
    group = response.get_json()
    assert {k: group[k] for k in ("name", "headcount", "description", "initiative_id")} == {
        "name": "Field engineers",
        "headcount": 120,
        "description": "Tablets in vans.\nTwo shifts.",
        "initiative_id": cast.initiative_id,
    }
    assert response.headers["Location"] == group["url"] == f"/api/v1/groups/{group['id']}"
    stored = fresh(StakeholderGroup, group["id"])
    assert (stored.name, stored.headcount, stored.initiative_id) == (
        "Field engineers",
        120,
        cast.initiative_id,
    )


def test_description_defaults_to_empty(api, cast):
    response = api.post(
        f"/initiatives/{cast.initiative_id}/groups", cast.owner.token, json={"name": "A", "headcount": 1}
    )
    assert response.status_code == 201
    assert response.get_json()["description"] == ""


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"name": "Ops", "headcount": -1}, {"headcount"}),
        ({"name": "Ops", "headcount": 0}, {"headcount"}),
        ({"name": "Ops", "headcount": "x"}, {"headcount"}),
        ({"name": "Ops", "headcount": "12"}, {"headcount"}),
        ({"name": "Ops", "headcount": 1.5}, {"headcount"}),
        ({"name": "Ops", "headcount": True}, {"headcount"}),
        ({"name": "Ops", "headcount": 10_000_001}, {"headcount"}),
        ({"name": "Ops", "headcount": 2**70}, {"headcount"}),
        ({"name": "Ops"}, {"headcount"}),
        ({"name": "", "headcount": 5}, {"name"}),
        ({"name": "n" * 121, "headcount": 5}, {"name"}),
        ({"name": "Ops", "headcount": 5, "description": "d" * 2001}, {"description"}),
        ({"name": "Ops", "headcount": 5, "size": 5}, {"size"}),
        ({"headcount": "many"}, {"name", "headcount"}),
        ({"name": "service DESK", "headcount": 5}, {"name"}),  # names are unique ignoring case
    ],
)
def test_create_refuses_bad_fields_and_stores_nothing(api, cast, group_id, body, fields):
    before = count(StakeholderGroup)
    response = api.post(f"/initiatives/{cast.initiative_id}/groups", cast.owner.token, json=body)
    assert problem_fields(response) == fields
    assert count(StakeholderGroup) == before


def test_list_and_get(api, cast, group_id, factory):
    second = factory.group(fresh(Initiative, cast.initiative_id), name="Finance", headcount=8).id
    listed = api.get(f"/initiatives/{cast.initiative_id}/groups", cast.sponsor.token)
    assert listed.status_code == 200
    assert [(g["id"], g["name"], g["headcount"]) for g in listed.get_json()["items"]] == [
        (group_id, "Service desk", 40),
        (second, "Finance", 8),
    ]
    one = api.get(f"/groups/{group_id}", cast.sponsor.token)
    assert one.status_code == 200
    assert one.get_json() == listed.get_json()["items"][0]


def test_patch_changes_only_the_fields_sent(api, cast, group_id):
    response = api.patch(f"/groups/{group_id}", cast.owner.token, json={"headcount": 44})
    assert response.status_code == 200
    assert (response.get_json()["name"], response.get_json()["headcount"]) == ("Service desk", 44)
    stored = fresh(StakeholderGroup, group_id)
    assert (stored.name, stored.headcount) == ("Service desk", 44)
    # Renaming to its own name in another case is not a clash with itself.
    assert (
        api.patch(f"/groups/{group_id}", cast.owner.token, json={"name": "SERVICE DESK"}).status_code == 200
    )


def test_patch_refuses_a_taken_name_and_bad_values(api, cast, group_id, factory):
    factory.group(fresh(Initiative, cast.initiative_id), name="Finance")
    assert problem_fields(api.patch(f"/groups/{group_id}", cast.owner.token, json={"name": "finance"})) == {
        "name"
    }
    assert problem_fields(api.patch(f"/groups/{group_id}", cast.owner.token, json={"headcount": -1})) == {
        "headcount"
    }
    assert fresh(StakeholderGroup, group_id).name == "Service desk"
    assert fresh(StakeholderGroup, group_id).headcount == 40


def test_delete(api, cast, group_id):
    response = api.delete(f"/groups/{group_id}", cast.owner.token)
    assert response.status_code == 204
    assert fresh(StakeholderGroup, group_id) is None
    assert api.get(f"/groups/{group_id}", cast.owner.token).status_code == 404


def test_sponsors_cannot_write(api, cast, group_id):
    before = count(StakeholderGroup)
    create = api.post(
        f"/initiatives/{cast.initiative_id}/groups", cast.sponsor.token, json={"name": "X", "headcount": 3}
    )
    assert create.status_code == 403
    assert api.patch(f"/groups/{group_id}", cast.sponsor.token, json={"headcount": 1}).status_code == 403
    assert api.delete(f"/groups/{group_id}", cast.sponsor.token).status_code == 403
    assert count(StakeholderGroup) == before
    assert fresh(StakeholderGroup, group_id).headcount == 40


def test_another_practitioners_groups_are_404(api, cast, strangers_group_id, factory):
    path = f"/groups/{strangers_group_id}"
    assert api.get(path, cast.owner.token).status_code == 404
    assert api.patch(path, cast.owner.token, json={"headcount": 1}).status_code == 404
    assert api.delete(path, cast.owner.token).status_code == 404
    theirs = fresh(StakeholderGroup, strangers_group_id)
    assert theirs is not None and theirs.headcount == 20
    before = count(StakeholderGroup)
    create = api.post(
        f"/initiatives/{theirs.initiative_id}/groups", cast.owner.token, json={"name": "X", "headcount": 3}
    )
    assert create.status_code == 404
    assert count(StakeholderGroup) == before
