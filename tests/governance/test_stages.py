"""Stages and sign-offs through the pages: refused with every unmet criterion and nothing stored, advanced
one stage at a time with who and when, and sign-offs only their named approver decides."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from adkar.audit.models import AuditEvent
from adkar.changes.services import set_change_record
from adkar.extensions import db
from adkar.governance import services as governance
from adkar.governance.models import SignOff, StageEntry
from adkar.plan import services as plan_services


@pytest.fixture
def world(factory):
    owner, sponsor, controller = (
        factory.user("practitioner"),
        factory.user("sponsor"),
        factory.user("sponsor"),
    )
    stranger = factory.user("practitioner")
    initiative = factory.initiative(owner, sponsors=(sponsor, controller))
    return initiative, owner, sponsor, controller, stranger


def stage_url(initiative) -> str:
    return f"/initiatives/{initiative.id}/stage"


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def audit_actions() -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def name(initiative, owner, stage, role, approver) -> SignOff:
    return governance.name_sign_off(
        initiative=initiative, stage=stage, role=role, approver_id=approver.id, actor=owner
    )


def test_a_new_initiative_is_defined_and_shows_what_detailed_needs(client, auth, world):
    initiative, owner, *_ = world
    auth.login(owner.email)
    page = client.get(f"/initiatives/{initiative.id}/governance").get_data(as_text=True)
    assert "Stage: Defined" in page and "To enter Detailed" in page
    assert "No stakeholder group yet" in page and "No milestone of kind go-live" in page


def test_advancing_with_unmet_criteria_is_refused_with_all_of_them_and_stores_nothing(client, auth, world):
    initiative, owner, *_ = world
    auth.login(owner.email)
    before = audit_actions()
    response = client.post(stage_url(initiative), data={"advance-to": "detailed", "advance-note": "Let's go"})
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    for problem in ("No stakeholder group yet", "No milestone yet", "No milestone of kind go-live"):
        assert problem in page
    assert count(StageEntry) == 0 and audit_actions() == before
    assert governance.current_stage(initiative.id) == "defined"


def test_each_stage_is_entered_in_turn_with_who_when_and_why(client, auth, factory, world):
    initiative, owner, *_ = world
    factory.group(initiative, name="Service desk")
    factory.milestone(initiative)
    auth.login(owner.email)
    skip = client.post(stage_url(initiative), data={"advance-to": "decided"})
    assert skip.status_code == 409 and "the next stage is Detailed" in skip.get_data(as_text=True)

    response = client.post(
        stage_url(initiative), data={"advance-to": "detailed", "advance-note": "Plan agreed"}
    )
    assert response.status_code == 302
    (entry,) = governance.history(initiative.id)
    assert (entry.stage, entry.user_id, entry.note) == ("detailed", owner.id, "Plan agreed")
    assert audit_actions()[-1] == "stage.advance"
    page = client.get(f"/initiatives/{initiative.id}/governance").get_data(as_text=True)
    assert "Stage: Detailed" in page and "Plan agreed" in page and "To enter Decided" in page


def test_a_sponsor_named_to_sign_off_decides_and_nobody_else_can(client, auth, factory, world):
    initiative, owner, sponsor, controller, _ = world
    factory.group(initiative)
    factory.milestone(initiative)
    governance.advance(initiative=initiative, to="detailed", actor=owner)
    sign_off = name(initiative, owner, "decided", "sponsor", sponsor)
    decision = f"/sign-offs/{sign_off.id}/decision"
    approve = {
        f"decision-{sign_off.id}-decision": "approved",
        f"decision-{sign_off.id}-comment": "Budget agreed",
    }

    for person in (owner, controller):  # the owner and another sponsor of the initiative are not named
        auth.login(person.email)
        assert client.post(decision, data=approve).status_code == 403
        auth.logout()
    assert db.session.get(SignOff, sign_off.id).decision == "pending"

    auth.login(sponsor.email)
    page = client.get(f"/initiatives/{initiative.id}/governance").get_data(as_text=True)
    assert "Record my decision" in page
    assert client.post(decision, data=approve).status_code == 302
    decided = db.session.get(SignOff, sign_off.id)
    assert (decided.decision, decided.comment) == ("approved", "Budget agreed") and decided.decided_at
    assert audit_actions()[-1] == "sign_off.approve"
    again = client.post(decision, data={f"decision-{sign_off.id}-decision": "rejected"})
    assert again.status_code == 400  # a decision stands
    auth.logout()

    auth.login(owner.email)
    assert client.post(stage_url(initiative), data={"advance-to": "decided"}).status_code == 302
    assert governance.current_stage(initiative.id) == "decided"


def test_a_rejection_says_why_and_blocks_until_withdrawn(client, auth, factory, world):
    initiative, owner, sponsor, *_ = world
    factory.group(initiative)
    factory.milestone(initiative)
    governance.advance(initiative=initiative, to="detailed", actor=owner)
    sign_off = name(initiative, owner, "decided", "finance", sponsor)
    auth.login(sponsor.email)
    field = f"decision-{sign_off.id}"
    silent = client.post(f"/sign-offs/{sign_off.id}/decision", data={f"{field}-decision": "rejected"})
    assert silent.status_code == 400 and "Say why you reject it" in silent.get_data(as_text=True)
    assert db.session.get(SignOff, sign_off.id).decision == "pending"
    reasons = {f"{field}-decision": "rejected", f"{field}-comment": "No budget line yet"}
    assert client.post(f"/sign-offs/{sign_off.id}/decision", data=reasons).status_code == 302
    auth.logout()

    auth.login(owner.email)
    refused = client.post(stage_url(initiative), data={"advance-to": "decided"})
    assert refused.status_code == 409 and "Finance sign-off by" in refused.get_data(as_text=True)
    assert client.post(f"/sign-offs/{sign_off.id}/delete").status_code == 302
    assert db.session.get(SignOff, sign_off.id) is None
    assert audit_actions()[-1] == "sign_off.remove"


def test_an_approval_stays_on_the_record(world, factory):
    initiative, owner, sponsor, *_ = world
    sign_off = name(initiative, owner, "decided", "sponsor", sponsor)
    governance.decide(sign_off=sign_off, actor=sponsor, decision="approved")
    with pytest.raises(Exception, match="stays on the record"):
        governance.remove_sign_off(sign_off=sign_off, actor=owner)
    assert db.session.get(SignOff, sign_off.id) is not None


def test_only_people_who_can_read_the_initiative_are_named(world):
    initiative, owner, _, _, stranger = world
    with pytest.raises(Exception, match="Choose someone who can read this initiative"):
        name(initiative, owner, "decided", "finance", stranger)
    with pytest.raises(Exception, match="Choose a role"):
        governance.name_sign_off(
            initiative=initiative, stage="decided", role="cfo", approver_id=owner.id, actor=owner
        )
    assert count(SignOff) == 0


def test_sponsors_may_not_advance_or_name(client, auth, world):
    initiative, _owner, sponsor, *_ = world
    auth.login(sponsor.email)
    assert client.post(stage_url(initiative), data={"advance-to": "detailed"}).status_code == 403
    signoff = {"signoff-stage": "decided", "signoff-role": "sponsor", "signoff-approver_id": str(sponsor.id)}
    assert client.post(f"/initiatives/{initiative.id}/sign-offs", data=signoff).status_code == 403
    assert count(SignOff) == 0


def test_implemented_waits_for_the_go_live_gate_and_change(client, auth, factory, world):
    initiative, owner, sponsor, controller, _ = world
    factory.group(initiative)
    go_live = factory.milestone(initiative)
    governance.advance(initiative=initiative, to="detailed", actor=owner)
    governance.decide(
        sign_off=name(initiative, owner, "decided", "sponsor", sponsor), actor=sponsor, decision="approved"
    )
    governance.advance(initiative=initiative, to="decided", actor=owner)
    set_change_record(
        milestone=go_live, actor=owner, number="CHG0001", change_type="normal", state="scheduled"
    )

    auth.login(owner.email)
    refused = client.post(stage_url(initiative), data={"advance-to": "implemented"})
    assert refused.status_code == 409
    text = refused.get_data(as_text=True)
    assert "The go-live gate is ready or overridden: No data." in text
    assert "The go-live change record is implemented: Change record state: scheduled." in text

    plan_services.override_gate(
        milestone=go_live,
        actor=owner,
        computed_status="no_data",
        justification="Hypercare doubled for week one.",
    )
    set_change_record(milestone=go_live, actor=owner, number="CHG0001", change_type="normal", state="review")
    assert client.post(stage_url(initiative), data={"advance-to": "implemented"}).status_code == 302

    closing = client.post(stage_url(initiative), data={"advance-to": "closed"})
    assert closing.status_code == 409 and "A controller signs off" in closing.get_data(as_text=True)
    governance.decide(
        sign_off=name(initiative, owner, "closed", "controller", controller),
        actor=controller,
        decision="approved",
    )
    assert client.post(stage_url(initiative), data={"advance-to": "closed"}).status_code == 302
    assert [e.stage for e in governance.history(initiative.id)] == [
        "detailed",
        "decided",
        "implemented",
        "closed",
    ]
    assert "The initiative is closed" in client.get(f"/initiatives/{initiative.id}/governance").get_data(
        as_text=True
    )


def test_a_sign_off_for_a_stage_already_entered_is_refused(world, factory):
    initiative, owner, sponsor, *_ = world
    factory.group(initiative)
    factory.milestone(initiative, due=initiative.go_live - timedelta(days=1))
    governance.advance(initiative=initiative, to="detailed", actor=owner)
    with pytest.raises(Exception, match="already entered Detailed"):
        name(initiative, owner, "detailed", "sponsor", sponsor)


def test_the_plan_page_names_the_stage(client, auth, world):
    initiative, owner, *_ = world
    auth.login(owner.email)
    assert "Governance · Defined" in client.get(f"/initiatives/{initiative.id}").get_data(as_text=True)
