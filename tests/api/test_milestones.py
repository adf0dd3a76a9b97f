"""Milestones and their readiness gates over the API."""

from __future__ import annotations

from datetime import date

import pytest

from adkar.accounts.models import User
from adkar.plan.models import Initiative, Milestone, StakeholderGroup

from .helpers import count, fresh, problem_fields

NEW = {"name": "Training complete", "kind": "training", "due": "2027-01-01", "target_element": "knowledge"}


@pytest.fixture
def group_ids(cast, factory) -> list[int]:
    initiative = fresh(Initiative, cast.initiative_id)
    return [factory.group(initiative, name=name).id for name in ("Service desk", "Field", "Finance")]


@pytest.fixture
def foreign_group_id(cast, factory) -> int:
    theirs = factory.initiative(fresh(User, cast.stranger.id), name="Their rollout")
    return factory.group(theirs).id


@pytest.fixture
def milestone_id(cast, factory, group_ids) -> int:
    initiative = fresh(Initiative, cast.initiative_id)
    groups = tuple(fresh(StakeholderGroup, i) for i in group_ids[:2])
    return factory.milestone(initiative, due=date(2027, 3, 1), threshold=0.75, groups=groups).id


def test_create_answers_201_with_defaults(api, cast):
    response = api.post(f"/initiatives/{cast.initiative_id}/milestones", cast.owner.token, json=NEW)
    assert response.status_code == 201
    body = response.get_json()
    assert {k: body[k] for k in ("name", "kind", "due", "target_element", "threshold", "group_ids")} == {
        **NEW,
        "threshold": 0.8,
        "group_ids": [],
    }
    assert response.headers["Location"] == body["url"] == f"/api/v1/milestones/{body['id']}"
    stored = fresh(Milestone, body["id"])
    assert (stored.due, stored.threshold, stored.groups) == (date(2027, 1, 1), 0.8, [])


def test_create_with_groups_and_threshold(api, cast, group_ids):
    body = {**NEW, "threshold": 1, "group_ids": [group_ids[2], group_ids[0], group_ids[2]]}
    response = api.post(f"/initiatives/{cast.initiative_id}/milestones", cast.colleague.token, json=body)
    assert response.status_code == 201
    assert response.get_json()["group_ids"] == sorted({group_ids[0], group_ids[2]})
    assert response.get_json()["threshold"] == 1.0
    stored = fresh(Milestone, response.get_json()["id"])
    assert sorted(g.id for g in stored.groups) == sorted({group_ids[0], group_ids[2]})


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"threshold": 0}, "threshold"),
        ({"threshold": 1.5}, "threshold"),
        ({"threshold": -0.2}, "threshold"),
        ({"threshold": "0.8"}, "threshold"),
        ({"threshold": True}, "threshold"),
        ({"target_element": "adoption"}, "target_element"),
        ({"target_element": "Awareness"}, "target_element"),
        ({"kind": "party"}, "kind"),
        ({"due": "next week"}, "due"),
        ({"due": "2027-04-31"}, "due"),
        ({"name": "  "}, "name"),
        ({"name": "m" * 201}, "name"),
        ({"group_ids": "1,2"}, "group_ids"),
        ({"group_ids": [1, "2"]}, "group_ids"),
        ({"group_ids": [0]}, "group_ids"),
        ({"group_ids": [2**40]}, "group_ids"),
        ({"groups": []}, "groups"),
    ],
)
def test_create_refuses_bad_fields_and_stores_nothing(api, cast, group_ids, change, field):
    before = count(Milestone)
    response = api.post(
        f"/initiatives/{cast.initiative_id}/milestones", cast.owner.token, json={**NEW, **change}
    )
    assert problem_fields(response) == {field}
    assert count(Milestone) == before


def test_groups_of_another_initiative_are_refused(api, cast, group_ids, foreign_group_id):
    before = count(Milestone)
    body = {**NEW, "group_ids": [group_ids[0], foreign_group_id]}
    response = api.post(f"/initiatives/{cast.initiative_id}/milestones", cast.owner.token, json=body)
    assert problem_fields(response) == {"group_ids"}
    assert str(foreign_group_id) in response.get_json()["error"]["problems"][0]["message"]
    missing = {**NEW, "group_ids": [987654]}
    assert problem_fields(
        api.post(f"/initiatives/{cast.initiative_id}/milestones", cast.owner.token, json=missing)
    )
    assert count(Milestone) == before


def test_list_is_ordered_by_due_date_and_get_matches(api, cast, milestone_id, factory):
    initiative = fresh(Initiative, cast.initiative_id)
    earlier = factory.milestone(
        initiative, name="UAT", kind="uat", due=date(2026, 12, 1), target_element="desire"
    ).id
    listed = api.get(f"/initiatives/{cast.initiative_id}/milestones", cast.sponsor.token)
    assert listed.status_code == 200
    items = listed.get_json()["items"]
    assert [m["id"] for m in items] == [earlier, milestone_id]
    one = api.get(f"/milestones/{milestone_id}", cast.sponsor.token)
    assert one.status_code == 200
    assert one.get_json() == items[1]
    assert len(one.get_json()["group_ids"]) == 2


def test_patch_changes_only_the_fields_sent(api, cast, milestone_id, group_ids):
    response = api.patch(f"/milestones/{milestone_id}", cast.owner.token, json={"threshold": 0.9})
    assert response.status_code == 200
    body = response.get_json()
    assert (body["threshold"], body["due"], body["group_ids"]) == (0.9, "2027-03-01", group_ids[:2])
    stored = fresh(Milestone, milestone_id)
    assert (stored.threshold, stored.name, len(stored.groups)) == (0.9, "Go-live", 2)

    cleared = api.patch(f"/milestones/{milestone_id}", cast.owner.token, json={"group_ids": []})
    assert cleared.get_json()["group_ids"] == []
    assert fresh(Milestone, milestone_id).groups == []


def test_patch_refuses_bad_values_and_changes_nothing(api, cast, milestone_id, foreign_group_id):
    path = f"/milestones/{milestone_id}"
    assert problem_fields(api.patch(path, cast.owner.token, json={"group_ids": [foreign_group_id]})) == {
        "group_ids"
    }
    assert problem_fields(api.patch(path, cast.owner.token, json={"threshold": 0, "due": "x"})) == {
        "threshold",
        "due",
    }
    stored = fresh(Milestone, milestone_id)
    assert (stored.threshold, stored.due, len(stored.groups)) == (0.75, date(2027, 3, 1), 2)


def test_delete(api, cast, milestone_id):
    assert api.delete(f"/milestones/{milestone_id}", cast.colleague.token).status_code == 204
    assert fresh(Milestone, milestone_id) is None
    assert count(StakeholderGroup) == 3  # the groups stay


def test_sponsors_cannot_write(api, cast, milestone_id):
    before = count(Milestone)
    path = f"/initiatives/{cast.initiative_id}/milestones"
    assert api.post(path, cast.sponsor.token, json=NEW).status_code == 403
    assert (
        api.patch(f"/milestones/{milestone_id}", cast.sponsor.token, json={"threshold": 0.5}).status_code
        == 403
    )
    assert api.delete(f"/milestones/{milestone_id}", cast.sponsor.token).status_code == 403
    assert count(Milestone) == before
    assert fresh(Milestone, milestone_id).threshold == 0.75


def test_another_practitioners_milestones_are_404(api, cast, milestone_id):
    path = f"/milestones/{milestone_id}"
    assert api.get(path, cast.stranger.token).status_code == 404
    assert api.patch(path, cast.stranger.token, json={"threshold": 0.5}).status_code == 404
    assert api.delete(path, cast.stranger.token).status_code == 404
    before = count(Milestone)
    create = api.post(f"/initiatives/{cast.initiative_id}/milestones", cast.stranger.token, json=NEW)
    assert create.status_code == 404
    assert count(Milestone) == before
    assert fresh(Milestone, milestone_id).threshold == 0.75
