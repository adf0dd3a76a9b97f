"""Creating, listing, editing and deleting initiatives through the pages."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from adkar.audit.models import AuditEvent
from adkar.extensions import db
from adkar.plan.models import Initiative, Milestone
from adkar.plan.templates import TEMPLATES
from adkar.timeutil import today

from .helpers import count, input_value, text

GO_LIVE = date(2026, 9, 1)
BASICS = {
    "step": "basics",
    "name": "CRM rollout",
    "description": "New CRM for sales",
    "approach": "sequential",
}


def basics(**changes) -> dict:
    return {**BASICS, "go_live": GO_LIVE.isoformat(), **changes}


def template_rows(approach: str = "sequential") -> dict:
    """Step-two form data exactly as the page offers the template's milestones."""
    data = {}
    for i, m in enumerate(TEMPLATES[approach]):
        data |= {
            f"milestones-{i}-keep": "y",
            f"milestones-{i}-name": m.name,
            f"milestones-{i}-kind": m.kind,
            f"milestones-{i}-due": (GO_LIVE + timedelta(days=m.days_from_go_live)).isoformat(),
            f"milestones-{i}-target_element": m.target_element,
        }
    return data


def created(name: str = "CRM rollout") -> Initiative | None:
    db.session.expire_all()
    return db.session.scalar(select(Initiative).where(Initiative.name == name))


def test_create_without_template_stores_no_milestones(client, auth, cast):
    auth.login(cast.owner.email)
    response = client.post("/initiatives/new", data=basics(approach="iterative"))
    initiative = created()
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/initiatives/{initiative.id}")
    assert (initiative.owner_id, initiative.approach, initiative.go_live) == (
        cast.owner.id,
        "iterative",
        GO_LIVE,
    )
    assert initiative.description == "New CRM for sales"
    assert initiative.milestones == []


def test_template_step_offers_milestones_relative_to_go_live_and_stores_nothing(client, auth, cast):
    auth.login(cast.owner.email)
    before = count(Initiative)
    response = client.post("/initiatives/new", data=basics(approach="hybrid", use_template="y"))
    body = text(response)
    assert response.status_code == 200
    assert count(Initiative) == before
    assert input_value(body, "step") == "milestones"
    for i, m in enumerate(TEMPLATES["hybrid"]):
        due = (GO_LIVE + timedelta(days=m.days_from_go_live)).isoformat()
        assert input_value(body, f"milestones-{i}-due") == due
        assert input_value(body, f"milestones-{i}-name") == m.name


def test_create_from_template_dates_are_go_live_plus_offsets(client, auth, cast):
    auth.login(cast.owner.email)
    data = basics(use_template="y", step="milestones") | template_rows()
    response = client.post("/initiatives/new", data=data)
    assert response.status_code == 302
    saved = [(m.name, m.kind, m.due, m.target_element, m.threshold) for m in created().milestones]
    assert saved == [
        (m.name, m.kind, GO_LIVE + timedelta(days=m.days_from_go_live), m.target_element, 0.8)
        for m in TEMPLATES["sequential"]
    ]
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "initiative.create"))
    assert event.user_id == cast.owner.id and event.detail["template"] is True


def test_template_milestones_can_be_edited_and_dropped_before_saving(client, auth, cast):
    auth.login(cast.owner.email)
    data = basics(use_template="y", step="milestones") | template_rows()
    data["milestones-2-due"] = "2026-08-01"
    data["milestones-2-name"] = "Super-user training done"
    data["milestones-2-target_element"] = "ability"
    del data["milestones-4-keep"]  # hypercare end unticked
    assert client.post("/initiatives/new", data=data).status_code == 302
    milestones = created().milestones
    assert [m.name for m in milestones] == [
        "Design sign-off",
        "User acceptance testing",
        "Super-user training done",
        "Go-live",
    ]
    edited = milestones[2]
    assert (edited.due, edited.target_element, edited.kind) == (date(2026, 8, 1), "ability", "training")


def test_invalid_basics_rerender_with_400_and_store_nothing(client, auth, cast):
    auth.login(cast.owner.email)
    before = (count(Initiative), count(Milestone))
    response = client.post(
        "/initiatives/new", data=basics(name="  ", go_live="31/12/2026", approach="waterfall")
    )
    body = text(response)
    assert response.status_code == 400
    assert "Give the initiative a name." in body
    assert "Enter a valid date (YYYY-MM-DD)." in body
    assert "Not a valid choice" in body
    assert (count(Initiative), count(Milestone)) == before


def test_absurd_go_live_is_refused_before_template_arithmetic(client, auth, cast):
    auth.login(cast.owner.email)
    response = client.post("/initiatives/new", data=basics(go_live="0001-01-01", use_template="y"))
    assert response.status_code == 400
    assert "Choose a date between 2000 and 2100." in text(response)


def test_invalid_milestone_row_rerenders_step_two_with_400_and_stores_nothing(client, auth, cast):
    auth.login(cast.owner.email)
    before = (count(Initiative), count(Milestone))
    data = basics(use_template="y", step="milestones") | template_rows()
    data["milestones-1-due"] = "soon"
    data["milestones-3-name"] = ""
    response = client.post("/initiatives/new", data=data)
    body = text(response)
    assert response.status_code == 400
    assert input_value(body, "step") == "milestones"
    assert "Milestone 2, due date: Enter a valid date (YYYY-MM-DD)." in body
    assert "Milestone 4, name: Give the milestone a name." in body
    assert input_value(body, "milestones-1-due") == "soon"  # the user's input is kept for correction
    assert (count(Initiative), count(Milestone)) == before


def test_unticked_rows_are_not_validated(client, auth, cast):
    auth.login(cast.owner.email)
    data = basics(use_template="y", step="milestones") | template_rows()
    data["milestones-0-due"] = "not a date"
    del data["milestones-0-keep"]
    assert client.post("/initiatives/new", data=data).status_code == 302
    assert len(created().milestones) == 4


def test_tampered_milestone_kind_is_refused(client, auth, cast):
    auth.login(cast.owner.email)
    data = basics(use_template="y", step="milestones") | template_rows()
    data["milestones-0-kind"] = "party"
    response = client.post("/initiatives/new", data=data)
    assert response.status_code == 400
    assert created() is None


def test_back_returns_to_the_basics_with_values_kept(client, auth, cast):
    auth.login(cast.owner.email)
    data = basics(use_template="y", step="milestones", back="1") | template_rows()
    response = client.post("/initiatives/new", data=data)
    assert response.status_code == 200
    assert input_value(text(response), "step") == "basics"
    assert input_value(text(response), "name") == "CRM rollout"
    assert created() is None


def test_index_cards_summarise_each_visible_initiative(client, auth, cast, factory):
    initiative = cast.initiative
    factory.group(initiative, "Agents")
    factory.group(initiative, "Leads")
    factory.milestone(initiative, name="Past", due=today() - timedelta(days=3), target_element="awareness")
    factory.milestone(
        initiative, name="Training done", due=today() + timedelta(days=10), target_element="knowledge"
    )
    factory.milestone(initiative, name="Go-live", due=initiative.go_live)
    factory.initiative(cast.stranger, name="Someone else's plan")
    auth.login(cast.member.email)
    body = text(client.get("/"))
    assert initiative.name in body
    assert "Someone else&#39;s plan" not in body and "Someone else's plan" not in body
    assert "100 days to go-live" in body
    assert "<dt>Groups</dt><dd>2</dd>" in body
    assert "<dt>Milestones</dt><dd>3</dd>" in body
    next_milestone = body.split("<dt>Next milestone</dt>")[1].split("</dd>")[0]
    assert "Training done" in next_milestone and "Knowledge" in next_milestone
    assert "New initiative" in body


def test_sponsor_sees_index_without_new_button_and_cannot_open_the_form(client, auth, cast):
    auth.login(cast.sponsor.email)
    body = text(client.get("/"))
    assert cast.initiative.name in body
    assert "New initiative" not in body
    assert client.get("/initiatives/new").status_code == 403


def test_plan_page_shows_plan_details(client, auth, cast, factory):
    initiative = cast.initiative
    agents = factory.group(initiative, "Agents", headcount=1200)
    factory.milestone(
        initiative, name="UAT", kind="uat", target_element="desire", threshold=0.75, groups=(agents,)
    )
    factory.milestone(initiative, name="Go-live", threshold=0.8)
    auth.login(cast.sponsor.email)
    response = client.get(f"/initiatives/{initiative.id}")
    body = text(response)
    assert response.status_code == 200
    assert "100 days to go-live" in body
    assert "User acceptance testing" in body  # kind label
    assert "75%" in body and "80%" in body
    assert "All groups" in body and "<td>Agents</td>" in body
    assert "1,200" in body
    assert '<span class="chip chip-desire">Desire</span>' in body  # the one element chip, desire's colour
    assert cast.owner.email in body and cast.member.email in body and cast.sponsor.email in body
    assert 'class="chart-data" data-target="plan-timeline"' in body
    assert 'role="img" aria-label="Plan timeline: 2 milestones' in body
    # read-only for sponsors
    assert f"/initiatives/{initiative.id}/edit" not in body
    assert "Import from CSV" not in body and "Add person" not in body


def test_writer_sees_change_controls(client, auth, cast):
    auth.login(cast.member.email)
    body = text(client.get(f"/initiatives/{cast.initiative.id}"))
    for control in ("/edit", "/delete", "/groups/new", "/groups/import", "/milestones/new", "Add person"):
        assert control in body


def test_edit_initiative(client, auth, cast):
    auth.login(cast.member.email)
    data = {"name": "Renamed", "description": "d", "approach": "hybrid", "go_live": "2027-01-15"}
    response = client.post(f"/initiatives/{cast.initiative.id}/edit", data=data)
    assert response.status_code == 302
    initiative = created("Renamed")
    assert (initiative.approach, initiative.go_live) == ("hybrid", date(2027, 1, 15))


def test_edit_initiative_invalid_is_400_and_unchanged(client, auth, cast):
    auth.login(cast.owner.email)
    data = {"name": "", "approach": "hybrid", "go_live": "2027-01-15"}
    response = client.post(f"/initiatives/{cast.initiative.id}/edit", data=data)
    assert response.status_code == 400
    assert created("Service desk migration").approach == "sequential"


def test_delete_needs_the_typed_name(client, auth, cast, factory):
    factory.group(cast.initiative)
    auth.login(cast.owner.email)
    url = f"/initiatives/{cast.initiative.id}/delete"
    assert "1 stakeholder group," in text(client.get(url))
    wrong = client.post(url, data={"confirm_name": "Service desk"})
    assert wrong.status_code == 400 and "The name does not match" in text(wrong)
    assert count(Initiative) == 1
    right = client.post(url, data={"confirm_name": "Service desk migration"})
    assert right.status_code == 302 and right.headers["Location"].endswith("/")
    assert count(Initiative) == 0
