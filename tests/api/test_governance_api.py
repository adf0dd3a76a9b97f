"""The governance API: the stage and its checklist, 409 with every unmet criterion, sign-offs decided only by
the named approver."""

from __future__ import annotations

from sqlalchemy import func, select

from adkar.accounts.models import User
from adkar.extensions import db
from adkar.governance.models import CriterionSetting, SignOff, StageEntry

from .helpers import make_person


def name_of(person) -> str:
    return db.session.get(User, person.id).display_name


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_stage_reads_the_checklist_and_refuses_with_every_unmet_criterion(api, cast):
    path = f"/initiatives/{cast.initiative_id}/stage"
    body = api.get(path, cast.sponsor.token).get_json()
    assert (body["stage"], body["next_stage"], body["ready"]) == ("defined", "detailed", False)
    assert body["history"] == [] and body["sign_offs"] == []
    assert [c["met"] for c in body["criteria"]] == [False, False, False]

    refused = api.post(path, cast.owner.token, json={"to": "detailed", "note": "go"})
    assert refused.status_code == 409
    problems = refused.get_json()["error"]["problems"]
    assert [p["message"] for p in problems] == [
        "The stakeholder groups it impacts are named: No stakeholder group yet.",
        "Milestones with readiness targets are planned: No milestone yet.",
        "A go-live milestone is planned: No milestone of kind go-live.",
    ]
    assert count(StageEntry) == 0


def test_entering_a_stage_and_deciding_a_sign_off(api, cast, factory):
    initiative = cast.initiative_id
    api.post(f"/initiatives/{initiative}/groups", cast.owner.token, json={"name": "Desk", "headcount": 9})
    milestone = {"name": "Go-live", "kind": "go-live", "due": "2030-01-15", "target_element": "ability"}
    assert (
        api.post(f"/initiatives/{initiative}/milestones", cast.owner.token, json=milestone).status_code == 201
    )
    moved = api.post(f"/initiatives/{initiative}/stage", cast.owner.token, json={"to": "detailed"})
    assert moved.status_code == 200
    body = moved.get_json()
    assert body["stage"] == "detailed" and body["history"][0]["by"] == name_of(cast.owner)

    named = {"stage": "decided", "role": "finance", "approver_id": cast.sponsor.id}
    assert api.post(f"/initiatives/{initiative}/sign-offs", cast.sponsor.token, json=named).status_code == 403
    created = api.post(f"/initiatives/{initiative}/sign-offs", cast.owner.token, json=named)
    assert created.status_code == 201
    sign_off = created.get_json()
    assert (sign_off["approver"], sign_off["decision"]) == (name_of(cast.sponsor), "pending")

    decision = f"/sign-offs/{sign_off['id']}/decision"
    for other in (cast.owner, cast.admin):  # not the named approver, however senior
        assert api.post(decision, other.token, json={"decision": "approved"}).status_code == 403
    assert api.post(decision, cast.stranger.token, json={"decision": "approved"}).status_code == 404
    silent = api.post(decision, cast.sponsor.token, json={"decision": "rejected"})
    assert silent.status_code == 400 and silent.get_json()["error"]["problems"][0]["field"] == "comment"
    assert db.session.get(SignOff, sign_off["id"]).decision == "pending"
    approved = api.post(
        decision, cast.sponsor.token, json={"decision": "approved", "comment": "Budget agreed"}
    )
    assert approved.status_code == 200 and approved.get_json()["decision"] == "approved"

    entered = api.post(f"/initiatives/{initiative}/stage", cast.owner.token, json={"to": "decided"})
    assert entered.status_code == 200 and entered.get_json()["stage"] == "decided"


def test_bad_bodies_are_refused_field_by_field(api, cast, factory):
    path = f"/initiatives/{cast.initiative_id}"
    bad = api.post(f"{path}/stage", cast.owner.token, json={"to": "done", "extra": 1})
    assert bad.status_code == 400
    assert {p["field"] for p in bad.get_json()["error"]["problems"]} == {"to", "extra"}
    outsider = make_person(factory, "practitioner")
    named = {"stage": "decided", "role": "cfo", "approver_id": outsider.id}
    refused = api.post(f"{path}/sign-offs", cast.owner.token, json=named)
    assert refused.status_code == 400
    assert refused.get_json()["error"]["problems"][0]["field"] == "role"
    named["role"] = "finance"
    refused = api.post(f"{path}/sign-offs", cast.owner.token, json=named)
    assert refused.status_code == 400
    assert (
        refused.get_json()["error"]["problems"][0]["message"]
        == "Choose someone who can read this initiative."
    )
    assert count(SignOff) == 0


def test_criteria_are_switched_and_roles_set_by_practitioners_only_with_a_justification(api, cast):
    path = f"/initiatives/{cast.initiative_id}/criteria"
    why = "A pure infrastructure change: no business group is impacted."
    switch = {"stage": "detailed", "key": "groups", "enabled": False, "justification": why}
    assert api.post(path, cast.sponsor.token, json=switch).status_code == 403
    short = api.post(path, cast.owner.token, json={**switch, "justification": "because"})
    assert short.status_code == 400 and count(CriterionSetting) == 0
    unknown = api.post(path, cast.owner.token, json={**switch, "key": "sign_off_by_x"})
    assert unknown.status_code == 400 and count(CriterionSetting) == 0
    body = api.post(path, cast.owner.token, json=switch).get_json()
    groups = body["criteria"][0]
    assert (groups["met"], groups["customised"]) == (True, True) and why in groups["found"]

    roles = {"stage": "closed", "roles": ["auditor"], "justification": why}
    assert api.put(f"{path}/roles", cast.owner.token, json=roles).status_code == 400
    assert (
        api.put(f"{path}/roles", cast.sponsor.token, json={**roles, "roles": ["finance"]}).status_code == 403
    )
    saved = api.put(f"{path}/roles", cast.owner.token, json={**roles, "roles": ["finance"]})
    assert saved.status_code == 200 and count(CriterionSetting) == 2
