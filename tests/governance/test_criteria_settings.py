"""Criteria configured per initiative: a default switched off only with a justification (audited, shown as
customised), switched on again, and the sign-off roles a stage requires set or restored; bad settings are
refused and store nothing; sponsors change nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from adkar.audit.models import AuditEvent
from adkar.extensions import db
from adkar.governance import services as governance
from adkar.governance import settings as criteria_settings
from adkar.governance.criteria import Facts, GoLiveFact, Settings, SignOffFact, criteria, unmet
from adkar.governance.models import CriterionSetting
from adkar.validation import ValidationFailed

WHY = "A pure infrastructure change: no business group is impacted."


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


# --- the rules on hand-made facts -----------------------------------------------------------------------


def test_a_criterion_switched_off_holds_and_says_why():
    empty = Facts(groups=0, milestones=2, go_live=GoLiveFact("Go-live", "not_ready", False, None))
    off = Facts(
        groups=0,
        milestones=2,
        go_live=GoLiveFact("Go-live", "not_ready", False, None),
        settings=Settings(off={("detailed", "groups"): WHY}),
    )
    assert [c.key for c in unmet("detailed", empty)] == ["groups"]
    assert unmet("detailed", off) == []
    groups = criteria("detailed", off)[0]
    assert (groups.met, groups.customised, groups.found) == (
        True,
        True,
        f"Switched off for this initiative: {WHY}",
    )
    assert [c.customised for c in criteria("detailed", off)] == [True, False, False]


def test_required_roles_replace_the_default_per_stage():
    controller = SignOffFact("closed", "controller", "Carla", "approved")
    default = Facts(groups=1, milestones=1, go_live=None, sign_offs=[controller])
    assert unmet("closed", default) == []
    finance_too = Settings(roles={"closed": ("controller", "finance")})
    both = Facts(groups=1, milestones=1, go_live=None, sign_offs=[controller], settings=finance_too)
    assert [(c.label, c.found, c.customised) for c in unmet("closed", both)] == [
        ("Finance signs off", "None named", True)
    ]
    none = Facts(groups=1, milestones=1, go_live=None, settings=Settings(roles={"closed": ()}))
    assert unmet("closed", none) == []
    (line,) = [c for c in criteria("closed", none) if c.key == "required_roles"]
    assert (line.met, line.customised) == (True, True)
    implemented = Facts(
        groups=1,
        milestones=1,
        go_live=GoLiveFact("Go-live", "ready", False, None),
        settings=Settings(roles={"implemented": ("operations",)}),
    )
    assert [c.label for c in unmet("implemented", implemented)] == ["Operations signs off"]


# --- through the service and the page --------------------------------------------------------------------


@pytest.fixture
def world(factory):
    owner, sponsor = factory.user("practitioner"), factory.user("sponsor")
    initiative = factory.initiative(owner, sponsors=(sponsor,))
    return initiative, owner, sponsor


def test_switching_off_needs_a_justification_and_nothing_is_stored_without_one(world):
    initiative, owner, _ = world
    before = count(AuditEvent)
    for bad in ("", "too short", None):
        with pytest.raises(ValidationFailed) as refused:
            criteria_settings.switch(
                initiative=initiative,
                stage="detailed",
                key="groups",
                enabled=False,
                justification=bad,
                actor=owner,
            )
        assert [p.field for p in refused.value.problems] == ["justification"]
    with pytest.raises(ValidationFailed) as unknown:
        criteria_settings.switch(
            initiative=initiative,
            stage="decided",
            key="sign_off_by_x",
            enabled=False,
            justification=WHY,
            actor=owner,
        )
    assert [p.field for p in unknown.value.problems] == ["criterion"]
    assert count(CriterionSetting) == 0 and count(AuditEvent) == before


def test_a_switched_off_criterion_lets_the_initiative_advance_and_is_audited(world, factory):
    initiative, owner, _ = world
    factory.milestone(initiative)  # a go-live, but no stakeholder group
    assert [c.key for c in governance.checklist(initiative).criteria if not c.met] == ["groups"]
    criteria_settings.switch(
        initiative=initiative, stage="detailed", key="groups", enabled=False, justification=WHY, actor=owner
    )
    event = db.session.scalar(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1))
    assert event.action == "criterion.switch_off" and event.detail["justification"] == WHY
    assert governance.checklist(initiative).ready
    criteria_settings.switch(
        initiative=initiative, stage="detailed", key="groups", enabled=True, justification="", actor=owner
    )
    assert not governance.checklist(initiative).ready and criteria_settings.customised(initiative.id) == []
    assert count(CriterionSetting) == 1  # one row per criterion, switched back on


def test_required_roles_are_checked_and_restored(world):
    initiative, owner, _ = world
    with pytest.raises(ValidationFailed) as refused:
        criteria_settings.set_roles(
            initiative=initiative, stage="closed", roles=["auditor"], justification=WHY, actor=owner
        )
    assert [p.field for p in refused.value.problems] == ["roles"]
    with pytest.raises(ValidationFailed):
        criteria_settings.set_roles(
            initiative=initiative, stage="defined", roles=[], justification=WHY, actor=owner
        )
    assert count(CriterionSetting) == 0
    criteria_settings.set_roles(
        initiative=initiative, stage="closed", roles=["finance", "controller"], justification=WHY, actor=owner
    )
    assert criteria_settings.settings(initiative.id).required_roles("closed") == ("finance", "controller")
    criteria_settings.set_roles(
        initiative=initiative, stage="closed", roles=None, justification="", actor=owner
    )
    assert criteria_settings.settings(initiative.id).required_roles("closed") == ("controller",)


def test_the_page_switches_a_criterion_and_shows_it_customised_and_sponsors_change_nothing(
    client, auth, world, factory
):
    initiative, owner, sponsor = world
    factory.milestone(initiative)
    url = f"/initiatives/{initiative.id}/criteria"
    data = {
        "criterion-criterion": "detailed:groups",
        "criterion-enabled": "off",
        "criterion-justification": WHY,
    }
    auth.login(sponsor.email)
    assert client.post(url, data=data).status_code == 403
    auth.logout()
    auth.login(owner.email)
    silent = client.post(url, data={**data, "criterion-justification": ""})
    assert silent.status_code == 400 and "at least 20 characters" in silent.get_data(as_text=True)
    assert count(CriterionSetting) == 0
    assert client.post(url, data=data).status_code == 302
    page = client.get(f"/initiatives/{initiative.id}/governance").get_data(as_text=True)
    assert "Customised" in page and "Switched off for this initiative" in page and WHY in page
    roles = {"roles-stage": "closed", "roles-roles": ["finance"], "roles-justification": WHY}
    assert client.post(f"{url}/roles", data=roles).status_code == 302
    page = client.get(f"/initiatives/{initiative.id}/governance").get_data(as_text=True)
    assert "requires sign-offs by Finance" in page
