"""Who may do what on the plan pages: sponsors read, strangers see nothing, member practitioners change."""

from __future__ import annotations

from datetime import timedelta

import pytest

from adkar.audit.models import AuditEvent
from adkar.extensions import db
from adkar.plan.models import Initiative, InitiativeMember, Milestone, StakeholderGroup
from adkar.plan.roster import services as rosters
from adkar.plan.roster.models import Participant

from .helpers import count

# Every POST route of the plan pages, with the form data a writer would send.
POSTS = {
    "/initiatives/new": {"step": "basics", "name": "X", "approach": "sequential", "go_live": "2026-09-01"},
    "/initiatives/{i}/edit": {"name": "X", "approach": "hybrid", "go_live": "2026-09-01"},
    "/initiatives/{i}/delete": {"confirm_name": "Service desk migration"},
    "/initiatives/{i}/members": {"email": "{stranger}", "role": "sponsor"},
    "/initiatives/{i}/members/{member}/delete": {},
    "/initiatives/{i}/groups/new": {"name": "New group", "headcount": "5"},
    "/initiatives/{i}/groups/import": {},
    "/groups/{g}/edit": {"name": "Renamed", "headcount": "5"},
    "/groups/{g}/delete": {},
    "/initiatives/{i}/milestones/new": {
        "name": "M",
        "kind": "uat",
        "due": "2026-08-01",
        "target_element": "desire",
        "threshold": "80",
    },
    "/milestones/{m}/edit": {
        "name": "M",
        "kind": "uat",
        "due": "2026-08-01",
        "target_element": "desire",
        "threshold": "80",
    },
    "/milestones/{m}/delete": {},
    "/groups/{g}/participants/import": {},
    "/groups/{g}/participants/add": {"email": "new@example.com", "language": "en"},
    "/groups/{g}/participants/{p}/remove": {},
    "/groups/{g}/participants/headcount": {"follows": "y"},
}
INITIATIVE_PAGES = [
    "/initiatives/{i}",
    "/initiatives/{i}/edit",
    "/initiatives/{i}/delete",
    "/initiatives/{i}/groups/new",
    "/initiatives/{i}/groups/import",
    "/initiatives/{i}/groups/import/example.csv",
    "/groups/{g}/edit",
    "/groups/{g}/delete",
    "/initiatives/{i}/milestones/new",
    "/milestones/{m}/edit",
    "/milestones/{m}/delete",
]
WRITE_PAGES = INITIATIVE_PAGES[1:]


@pytest.fixture
def ids(cast, factory) -> dict:
    group = factory.group(cast.initiative, "Agents")
    milestone = factory.milestone(cast.initiative)
    participant = rosters.add_participant(group=group, actor=cast.owner, email="on-roster@example.com")
    return {
        "i": cast.initiative.id,
        "g": group.id,
        "p": participant.id,
        "m": milestone.id,
        "member": cast.member.id,
        "stranger": cast.stranger.email,
    }


def fill(template: str, ids: dict) -> str:
    return template.format(**ids)


def snapshot() -> tuple[int, ...]:
    models = (Initiative, InitiativeMember, StakeholderGroup, Milestone, Participant, AuditEvent)
    return tuple(count(m) for m in models)


def test_the_post_list_covers_every_plan_post_route(app):
    routes = {
        rule.rule.replace("<int:initiative_id>", "{i}")
        .replace("<int:group_id>", "{g}")
        .replace("<int:milestone_id>", "{m}")
        .replace("<int:user_id>", "{member}")
        .replace("<int:participant_id>", "{p}")
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("plan.") and "POST" in rule.methods
    }
    assert routes == set(POSTS)


@pytest.mark.parametrize("route", list(POSTS))
def test_sponsor_gets_403_on_every_post_and_nothing_changes(client, auth, cast, ids, route):
    auth.login(cast.sponsor.email)
    before = snapshot()
    data = {k: fill(v, ids) for k, v in POSTS[route].items()}
    response = client.post(fill(route, ids), data=data)
    assert response.status_code == 403
    assert snapshot() == before


@pytest.mark.parametrize("route", WRITE_PAGES)
def test_sponsor_gets_403_on_change_pages(client, auth, cast, ids, route):
    auth.login(cast.sponsor.email)
    assert client.get(fill(route, ids)).status_code == 403


def test_practitioner_added_as_sponsor_only_reads(client, auth, cast, factory, ids):
    reader = factory.user("practitioner")
    db.session.add(InitiativeMember(initiative_id=cast.initiative.id, user_id=reader.id, role="sponsor"))
    db.session.commit()
    auth.login(reader.email)
    assert client.get(fill("/initiatives/{i}", ids)).status_code == 200
    assert client.post(fill("/groups/{g}/delete", ids)).status_code == 403


@pytest.mark.parametrize("route", INITIATIVE_PAGES)
def test_stranger_gets_404_on_every_page(client, auth, cast, ids, route):
    auth.login(cast.stranger.email)
    assert client.get(fill(route, ids)).status_code == 404


@pytest.mark.parametrize("route", [r for r in POSTS if "{" in r])
def test_stranger_gets_404_on_every_post_and_nothing_changes(client, auth, cast, ids, route):
    auth.login(cast.stranger.email)
    before = snapshot()
    data = {k: fill(v, ids) for k, v in POSTS[route].items()}
    assert client.post(fill(route, ids), data=data).status_code == 404
    assert snapshot() == before


def test_unknown_ids_are_404(client, auth, cast, ids):
    auth.login(cast.admin.email)
    for route in ("/initiatives/999", "/groups/999/edit", "/milestones/999/edit", "/milestones/999/delete"):
        assert client.get(route).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client, cast, ids):
    response = client.get(fill("/initiatives/{i}", ids))
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert client.post(fill("/groups/{g}/delete", ids)).status_code == 302
    assert count(StakeholderGroup) == 1


def test_member_practitioner_and_admin_can_change_the_plan(client, auth, cast, ids):
    auth.login(cast.member.email)
    response = client.post(fill("/initiatives/{i}/groups/new", ids), data={"name": "Leads", "headcount": "7"})
    assert response.status_code == 302
    auth.logout()
    auth.login(cast.admin.email)
    response = client.post(fill("/milestones/{m}/edit", ids), data=POSTS["/milestones/{m}/edit"])
    assert response.status_code == 302
    assert count(StakeholderGroup) == 2


def test_groups_and_milestones_are_checked_against_their_own_initiative(client, auth, cast, factory):
    """A writer on one initiative cannot reach another initiative's objects by guessing their ids."""
    elsewhere = factory.initiative(cast.stranger, name="Elsewhere")
    group = factory.group(elsewhere, "Their group")
    milestone = factory.milestone(elsewhere, due=elsewhere.go_live - timedelta(days=1))
    auth.login(cast.owner.email)
    assert client.post(f"/groups/{group.id}/edit", data={"name": "Mine", "headcount": "3"}).status_code == 404
    assert client.post(f"/groups/{group.id}/delete").status_code == 404
    assert client.post(f"/milestones/{milestone.id}/delete").status_code == 404
    assert (count(StakeholderGroup), count(Milestone)) == (1, 1)
