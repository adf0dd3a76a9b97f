"""The surveys and waves API: survey definitions, planning waves, reading their progress, personal links."""

from __future__ import annotations

from datetime import timedelta

import pytest

from adkar.extensions import db
from adkar.plan.models import Initiative
from adkar.surveys.models import Invitation, Wave
from adkar.surveys.responses.services import hash_key
from adkar.timeutil import today

from ..surveys import wave_support
from .helpers import count, problem_fields

fast_password_hashing = wave_support.fast_password_hashing


@pytest.fixture
def setup(cast, factory):
    """The cast's initiative with two groups and a milestone, plus a group of someone else's initiative."""
    initiative = db.session.get(Initiative, cast.initiative_id)
    agents = factory.group(initiative, name="Agents", headcount=30)
    leads = factory.group(initiative, name="Leads", headcount=6)
    milestone = factory.milestone(initiative, name="Go-live", due=today() + timedelta(days=60))
    other = factory.initiative(factory.user("practitioner"), name="Other")
    return {
        "agents": agents.id,
        "leads": leads.id,
        "milestone": milestone.id,
        "foreign_group": factory.group(other, name="Elsewhere").id,
    }


def body(setup, **changes) -> dict:
    return {
        "name": "Pre go-live pulse",
        "survey": "adkar-pulse",
        "opens_on": today().isoformat(),
        "closes_on": (today() + timedelta(days=14)).isoformat(),
        "group_ids": [setup["agents"], setup["leads"]],
        "milestone_id": setup["milestone"],
    } | changes


# --- surveys --------------------------------------------------------------------------------------------


def test_surveys_are_listed_with_their_items(api, cast):
    response = api.get("/surveys", cast.sponsor.token)
    assert response.status_code == 200
    surveys = {s["key"]: s for s in response.get_json()["items"]}
    assert {"adkar-pulse", "adkar-assessment"} <= set(surveys)
    pulse = surveys["adkar-pulse"]
    assert pulse["title"] == "ADKAR readiness pulse"
    assert [i["element"] for i in pulse["items"] if i["element"]] == [
        "awareness",
        "desire",
        "knowledge",
        "ability",
        "reinforcement",
    ]


def test_one_survey_in_another_language(api, cast):
    french = api.get("/surveys/adkar-pulse?lang=fr", cast.owner.token).get_json()
    assert french["title"].startswith("Baromètre")
    unknown_language = api.get("/surveys/adkar-pulse?lang=xx", cast.owner.token).get_json()
    assert unknown_language["title"] == "ADKAR readiness pulse"
    assert api.get("/surveys/no-such-survey", cast.owner.token).status_code == 404
    assert api.get("/surveys", None).status_code == 401


# --- waves ----------------------------------------------------------------------------------------------


def test_create_list_and_read_a_wave(api, cast, setup):
    response = api.post(f"/initiatives/{cast.initiative_id}/waves", cast.colleague.token, json=body(setup))
    assert response.status_code == 201
    wave = response.get_json()
    assert response.headers["Location"] == f"/api/v1/waves/{wave['id']}"
    assert {k: wave[k] for k in ("name", "survey", "opens_on", "group_ids", "milestone_id", "status")} == {
        "name": "Pre go-live pulse",
        "survey": "adkar-pulse",
        "opens_on": today().isoformat(),
        "group_ids": [setup["agents"], setup["leads"]],
        "milestone_id": setup["milestone"],
        "status": "open",
    }
    listed = api.get(f"/initiatives/{cast.initiative_id}/waves", cast.sponsor.token).get_json()["items"]
    assert [w["id"] for w in listed] == [wave["id"]]
    one = api.get(f"/waves/{wave['id']}", cast.sponsor.token).get_json()
    assert one["groups"] == [
        {
            "group_id": setup["agents"],
            "name": "Agents",
            "invited": 0,
            "responded": 0,
            "published": 0,
            "held": 0,
            "response_rate": None,
        },
        {
            "group_id": setup["leads"],
            "name": "Leads",
            "invited": 0,
            "responded": 0,
            "published": 0,
            "held": 0,
            "response_rate": None,
        },
    ]


def test_a_wave_without_milestone_may_say_null_or_leave_it_out(api, cast, setup):
    for payload in (
        body(setup, milestone_id=None),
        {k: v for k, v in body(setup).items() if k != "milestone_id"},
    ):
        response = api.post(f"/initiatives/{cast.initiative_id}/waves", cast.owner.token, json=payload)
        assert response.status_code == 201
        assert response.get_json()["milestone_id"] is None


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"closes_on": (today() - timedelta(days=1)).isoformat()}, "closes_on"),
        ({"group_ids": []}, "group_ids"),
        ({"group_ids": "foreign"}, "group_ids"),
        ({"survey": "no-such-survey"}, "survey"),
        ({"milestone_id": 999_999}, "milestone_id"),
        ({"opens_on": "2026-02-30"}, "opens_on"),
        ({"colour": "blue"}, "colour"),
    ],
)
def test_bad_waves_are_400_with_the_field_and_store_nothing(api, cast, setup, changes, field):
    if changes.get("group_ids") == "foreign":
        changes["group_ids"] = [setup["agents"], setup["foreign_group"]]
    response = api.post(
        f"/initiatives/{cast.initiative_id}/waves", cast.owner.token, json=body(setup, **changes)
    )
    assert field in problem_fields(response)
    assert count(Wave) == 0


def test_who_may_plan_waves(api, cast, setup):
    path = f"/initiatives/{cast.initiative_id}/waves"
    assert api.post(path, cast.sponsor.token, json=body(setup)).status_code == 403
    assert api.post(path, cast.stranger.token, json=body(setup)).status_code == 404
    assert api.get(path, cast.stranger.token).status_code == 404
    assert api.post(path, None, json=body(setup)).status_code == 401
    assert api.post(path, cast.admin.token, json=body(setup)).status_code == 201
    wave_id = db.session.scalar(db.select(Wave.id))
    assert api.get(f"/waves/{wave_id}", cast.stranger.token).status_code == 404
    assert api.get("/waves/999999", cast.owner.token).status_code == 404


# --- personal links -------------------------------------------------------------------------------------


def test_personal_links_are_absolute_unique_and_counted(api, cast, setup):
    wave_id = api.post(
        f"/initiatives/{cast.initiative_id}/waves", cast.owner.token, json=body(setup)
    ).get_json()["id"]
    response = api.post(
        f"/waves/{wave_id}/invitations", cast.owner.token, json={"group_id": setup["leads"], "count": 6}
    )
    assert response.status_code == 201
    links = response.get_json()["links"]
    assert len(set(links)) == 6
    assert all(link.startswith("http://adkar.test/s/") for link in links)
    tokens = [link.rsplit("/", 1)[1] for link in links]
    db.session.rollback()
    stored = set(db.session.scalars(db.select(Invitation.token_hash)))
    assert stored == {hash_key(t) for t in tokens}
    leads = next(
        g
        for g in api.get(f"/waves/{wave_id}", cast.sponsor.token).get_json()["groups"]
        if g["name"] == "Leads"
    )
    assert (leads["invited"], leads["response_rate"]) == (6, 0.0)


def test_personal_link_errors(api, cast, setup):
    wave_id = api.post(
        f"/initiatives/{cast.initiative_id}/waves",
        cast.owner.token,
        json=body(setup, group_ids=[setup["agents"]]),
    ).get_json()["id"]
    path = f"/waves/{wave_id}/invitations"
    assert "count" in problem_fields(
        api.post(path, cast.owner.token, json={"group_id": setup["agents"], "count": 0})
    )
    assert "count" in problem_fields(
        api.post(path, cast.owner.token, json={"group_id": setup["agents"], "count": 5001})
    )
    assert "group_id" in problem_fields(
        api.post(path, cast.owner.token, json={"group_id": setup["leads"], "count": 1})
    )
    assert (
        api.post(path, cast.sponsor.token, json={"group_id": setup["agents"], "count": 1}).status_code == 403
    )
    assert (
        api.post(path, cast.stranger.token, json={"group_id": setup["agents"], "count": 1}).status_code == 404
    )
    assert count(Invitation) == 0


def test_a_closed_wave_gives_no_links(api, cast, setup):
    closed = body(
        setup,
        opens_on=(today() - timedelta(days=10)).isoformat(),
        closes_on=(today() - timedelta(days=3)).isoformat(),
    )
    wave = api.post(f"/initiatives/{cast.initiative_id}/waves", cast.owner.token, json=closed).get_json()
    assert wave["status"] == "closed"
    response = api.post(
        f"/waves/{wave['id']}/invitations", cast.owner.token, json={"group_id": setup["agents"], "count": 2}
    )
    assert response.status_code == 400
    assert "closed" in response.get_json()["error"]["problems"][0]["message"]
