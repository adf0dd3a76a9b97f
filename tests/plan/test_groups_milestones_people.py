"""Group, milestone and people pages: what a writer submits is what the plan stores."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from adkar.extensions import db
from adkar.plan.models import InitiativeMember, Milestone, StakeholderGroup

from .helpers import count, input_value, text


def milestone_data(**changes) -> dict:
    return {
        "name": "Training complete",
        "kind": "training",
        "due": "2026-08-15",
        "target_element": "knowledge",
        "threshold": "75",
        **changes,
    }


# --- groups -----------------------------------------------------------------------------------------


def test_add_group(client, auth, cast):
    auth.login(cast.owner.email)
    data = {"name": " Field engineers ", "headcount": "120", "description": "All regions"}
    response = client.post(f"/initiatives/{cast.initiative.id}/groups/new", data=data)
    assert response.status_code == 302 and response.headers["Location"].endswith("#groups")
    group = db.session.scalar(select(StakeholderGroup))
    assert (group.name, group.headcount, group.description) == ("Field engineers", 120, "All regions")


def test_group_name_taken_or_bad_headcount_is_400_and_stores_nothing(client, auth, cast, factory):
    factory.group(cast.initiative, "Agents")
    auth.login(cast.owner.email)
    url = f"/initiatives/{cast.initiative.id}/groups/new"
    taken = client.post(url, data={"name": "AGENTS", "headcount": "3"})
    assert taken.status_code == 400 and "A group named &#39;AGENTS&#39; exists already." in text(taken)
    for headcount, message in (
        ("0", "between 1 and"),
        ("many", "Not a valid integer value"),
        ("", "Enter the number"),
    ):
        response = client.post(url, data={"name": "Leads", "headcount": headcount})
        assert response.status_code == 400 and message in text(response)
    assert count(StakeholderGroup) == 1


def test_edit_group(client, auth, cast, factory):
    group = factory.group(cast.initiative, "Agents", headcount=10)
    auth.login(cast.member.email)
    page = text(client.get(f"/groups/{group.id}/edit"))
    assert input_value(page, "name") == "Agents" and input_value(page, "headcount") == "10"
    response = client.post(f"/groups/{group.id}/edit", data={"name": "Agents EU", "headcount": "12"})
    assert response.status_code == 302
    db.session.expire_all()
    assert (group.name, group.headcount) == ("Agents EU", 12)


def test_delete_group_confirms_then_deletes(client, auth, cast, factory):
    group = factory.group(cast.initiative, "Agents")
    auth.login(cast.owner.email)
    page = client.get(f"/groups/{group.id}/delete")
    assert page.status_code == 200 and "survey invitations and responses are deleted" in text(page)
    assert count(StakeholderGroup) == 1
    assert client.post(f"/groups/{group.id}/delete").status_code == 302
    assert count(StakeholderGroup) == 0


# --- milestones -------------------------------------------------------------------------------------


def test_add_milestone_stores_threshold_as_share_and_checked_groups(client, auth, cast, factory):
    agents = factory.group(cast.initiative, "Agents")
    factory.group(cast.initiative, "Leads")
    auth.login(cast.owner.email)
    data = milestone_data(group_ids=[str(agents.id)])
    response = client.post(f"/initiatives/{cast.initiative.id}/milestones/new", data=data)
    assert response.status_code == 302
    milestone = db.session.scalar(select(Milestone))
    assert (milestone.kind, milestone.due, milestone.target_element) == (
        "training",
        date(2026, 8, 15),
        "knowledge",
    )
    assert milestone.threshold == 0.75
    assert [g.name for g in milestone.groups] == ["Agents"]


def test_no_group_ticked_means_all_groups(client, auth, cast, factory):
    factory.group(cast.initiative, "Agents")
    auth.login(cast.owner.email)
    client.post(f"/initiatives/{cast.initiative.id}/milestones/new", data=milestone_data())
    assert db.session.scalar(select(Milestone)).groups == []
    assert "All groups" in text(client.get(f"/initiatives/{cast.initiative.id}"))


def test_new_milestone_defaults_to_go_live_and_80_percent(client, auth, cast):
    auth.login(cast.owner.email)
    page = text(client.get(f"/initiatives/{cast.initiative.id}/milestones/new"))
    assert input_value(page, "due") == cast.initiative.go_live.isoformat()
    assert input_value(page, "threshold") == "80"


def test_invalid_milestones_are_400_and_store_nothing(client, auth, cast, factory):
    elsewhere = factory.initiative(cast.stranger, name="Elsewhere")
    foreign = factory.group(elsewhere, "Foreign")
    auth.login(cast.owner.email)
    url = f"/initiatives/{cast.initiative.id}/milestones/new"
    cases = [
        (milestone_data(threshold="0"), "between 1 and 100"),
        (milestone_data(threshold="101"), "between 1 and 100"),
        (milestone_data(threshold="0.8"), "Not a valid integer value"),
        (milestone_data(name=""), "Give the milestone a name."),
        (milestone_data(target_element="adoption"), "Not a valid choice"),
        (milestone_data(kind="party"), "Not a valid choice"),
        (milestone_data(due="next week"), "Enter a valid date (YYYY-MM-DD)."),
        (milestone_data(group_ids=[str(foreign.id)]), "is not a valid choice"),
    ]
    for data, message in cases:
        response = client.post(url, data=data)
        assert response.status_code == 400, data
        assert message in text(response), data
    assert count(Milestone) == 0


def test_edit_milestone_shows_and_saves_percent_and_groups(client, auth, cast, factory):
    agents = factory.group(cast.initiative, "Agents")
    leads = factory.group(cast.initiative, "Leads")
    milestone = factory.milestone(cast.initiative, threshold=0.65, groups=(agents,))
    auth.login(cast.member.email)
    page = text(client.get(f"/milestones/{milestone.id}/edit"))
    assert input_value(page, "threshold") == "65"
    assert f'checked id="group_ids-0" name="group_ids" type="checkbox" value="{agents.id}"' in page
    assert f'id="group_ids-1" name="group_ids" type="checkbox" value="{leads.id}"' in page
    data = milestone_data(name="Go-live", kind="go-live", threshold="90", group_ids=[str(leads.id)])
    assert client.post(f"/milestones/{milestone.id}/edit", data=data).status_code == 302
    db.session.expire_all()
    assert (milestone.name, milestone.threshold, [g.id for g in milestone.groups]) == (
        "Go-live",
        0.9,
        [leads.id],
    )


def test_delete_milestone(client, auth, cast, factory):
    milestone = factory.milestone(cast.initiative)
    auth.login(cast.owner.email)
    assert "readiness gate" in text(client.get(f"/milestones/{milestone.id}/delete"))
    assert client.post(f"/milestones/{milestone.id}/delete").status_code == 302
    assert count(Milestone) == 0


# --- people -----------------------------------------------------------------------------------------


def test_add_and_remove_a_sponsor(client, auth, cast, factory):
    reader = factory.user("sponsor", email="reader@example.test")
    auth.login(cast.owner.email)
    url = f"/initiatives/{cast.initiative.id}/members"
    response = client.post(url, data={"email": " Reader@Example.test ", "role": "sponsor"})
    assert response.status_code == 302
    assert db.session.get(InitiativeMember, (cast.initiative.id, reader.id)).role == "sponsor"
    assert client.post(f"{url}/{reader.id}/delete").status_code == 302
    assert db.session.get(InitiativeMember, (cast.initiative.id, reader.id)) is None


def test_adding_an_unknown_email_or_a_sponsor_as_practitioner_is_400(client, auth, cast):
    auth.login(cast.owner.email)
    before = count(InitiativeMember)
    url = f"/initiatives/{cast.initiative.id}/members"
    unknown = client.post(url, data={"email": "nobody@example.test", "role": "sponsor"})
    assert unknown.status_code == 400 and "No user has the email nobody@example.test" in text(unknown)
    demoted = client.post(url, data={"email": cast.sponsor.email, "role": "practitioner"})
    assert demoted.status_code == 400 and "only practitioners can co-run a plan" in text(demoted)
    assert count(InitiativeMember) == before


def test_removing_someone_who_is_not_a_member_is_404(client, auth, cast):
    auth.login(cast.owner.email)
    assert (
        client.post(f"/initiatives/{cast.initiative.id}/members/{cast.stranger.id}/delete").status_code == 404
    )
