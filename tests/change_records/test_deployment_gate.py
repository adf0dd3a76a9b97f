"""The deployment gate: the rule per change type (hand-computed), and GET /api/v1/deployment-gate with its
errors and the k rule on group figures."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from adkar.changes import services as service
from adkar.changes.deployment_gate import decide
from adkar.changes.models import ChangeRecord, ChangeSettings
from adkar.extensions import db
from adkar.plan.models import GateOverride
from adkar.timeutil import today
from tests.actions.support import Api, wave

DAY = date(2026, 12, 1)


def a_gate(status: str, *, overridden: bool = False, groups: tuple[str, ...] = ()) -> dict:
    return {
        "status": status,
        "target_element": "ability",
        "threshold": 0.8,
        "overridden": overridden,
        "override": {"by": "Ann", "at": "2026-12-01T10:00", "justification": "Sponsor accepts the risk."}
        if overridden
        else None,
        "groups": [{"group_id": i, "status": s} for i, s in enumerate(groups)],
    }


def rule(change_type: str, gate: dict, review_days: int = 5):
    return decide(
        change_type=change_type,
        number="CHG1",
        milestone_name="Go-live",
        gate=gate,
        anchor=DAY,
        review_days=review_days,
    )


@pytest.mark.parametrize("status", ["ready", "not_ready", "no_data"])
def test_a_standard_change_passes_whatever_the_people_gate(status):
    decision = rule("standard", a_gate(status))
    assert (decision.decision, decision.review_due) == ("pass", None)
    assert decision.reasons == ["CHG1 is a standard change: pre-approved, no people gate applies."]


def test_a_normal_change_passes_only_on_a_ready_or_overridden_gate():
    ready = rule("normal", a_gate("ready", groups=("ready", "ready")))
    assert ready.decision == "pass"
    assert ready.reasons == [
        "The people gate of “Go-live” is ready: every impacted group reached Ability at 80%."
    ]
    behind = rule("normal", a_gate("not_ready", groups=("ready", "not_ready", "no_data")))
    assert behind.decision == "fail"
    assert behind.reasons == [
        "The people gate of “Go-live” is not ready: 2 of 3 impacted groups have not reached Ability at 80%."
    ]
    passed = rule("normal", a_gate("not_ready", overridden=True))
    assert passed.decision == "pass"
    assert passed.reasons == [
        "The people gate of “Go-live” is not ready but was passed by override (Ann, 2026-12-01T10:00): "
        "Sponsor accepts the risk."
    ]
    unknown = rule("normal", a_gate("no_data"))
    assert unknown.decision == "fail" and "has no readiness data" in unknown.reasons[0]


def test_an_emergency_change_passes_with_a_review_due_in_the_initiatives_days():
    decision = rule("emergency", a_gate("not_ready"))
    assert (decision.decision, decision.review_due) == ("pass", date(2026, 12, 6))
    assert decision.reasons[1] == "A retrospective people review is due by 2026-12-06 (5 days)."
    assert rule("emergency", a_gate("ready"), review_days=14).review_due == date(2026, 12, 15)


@pytest.fixture
def api(client) -> Api:
    return Api(client)


@pytest.fixture
def gated(cast, factory):
    """Desk is ready (5 of 5 reached ability), Field answered by 2 people only: fewer than k = 5."""
    day = today()
    milestone = factory.milestone(
        cast.initiative, name="Go-live", due=day + timedelta(days=5), groups=(cast.desk, cast.field)
    )
    wave(
        cast.initiative,
        cast.owner,
        {cast.desk: [(5, 5, 5, 5, 5)] * 5, cast.field: [(5, 5, 5, 5, 5)] * 2},
        name="Pulse",
        opens_on=day - timedelta(days=10),
        closes_on=day - timedelta(days=1),
    )
    desk_only = factory.milestone(
        cast.initiative, name="Desk live", due=day + timedelta(days=6), groups=(cast.desk,)
    )
    for target, number, change_type in (
        (milestone, "CHG0031234", "normal"),
        (milestone, "CHG0031235", "emergency"),
        (desk_only, "CHG0031236", "normal"),
        (milestone, "CHG0031237", "standard"),
    ):
        service.set_change_record(
            milestone=target, actor=cast.owner, number=number, change_type=change_type, state="scheduled"
        )
    return milestone


def test_the_api_answers_per_change_and_never_shows_a_group_below_k(api, cast, factory, gated):
    token = factory.token(cast.sponsor)  # a read-only token is enough to ask
    body = api.get("/deployment-gate?change=CHG0031234", token).get_json()
    assert body["decision"] == "fail"
    assert body["reasons"] == [
        "The people gate of “Go-live” is not ready: 1 of 2 impacted groups have not reached Ability at 80%."
    ]
    assert body["milestone"]["gate_status"] == "not_ready" and body["milestone"]["name"] == "Go-live"
    groups = {g["name"]: g for g in body["groups"]}
    assert (groups["Service desk"]["status"], groups["Service desk"]["value"]) == ("ready", 1.0)
    assert (groups["Field engineers"]["status"], groups["Field engineers"]["value"]) == ("no_data", None)
    assert body["retrospective_review_due"] is None

    ready = api.get("/deployment-gate?change=chg0031236", token).get_json()  # any case
    assert (ready["decision"], ready["change"]["number"]) == ("pass", "CHG0031236")
    assert api.get("/deployment-gate?change=CHG0031237", token).get_json()["decision"] == "pass"

    db.session.add(ChangeSettings(initiative_id=cast.initiative.id, emergency_review_days=3))
    record = db.session.scalar(db.select(ChangeRecord).where(ChangeRecord.number == "CHG0031235"))
    record.planned_start = datetime(2026, 12, 20, 22, 0)
    db.session.commit()
    emergency = api.get("/deployment-gate?change=CHG0031235", token).get_json()
    assert (emergency["decision"], emergency["retrospective_review_due"]) == ("pass", "2026-12-23")


def test_an_override_with_a_justification_passes_a_normal_change(api, cast, factory, gated):
    db.session.add(
        GateOverride(
            milestone_id=gated.id,
            user_id=cast.owner.id,
            computed_status="not_ready",
            justification="Field engineers trained in person; the pulse was too small.",
        )
    )
    db.session.commit()
    body = api.get("/deployment-gate?change=CHG0031234", factory.token(cast.owner)).get_json()
    assert body["decision"] == "pass" and body["milestone"]["overridden"] is True
    assert "Field engineers trained in person" in body["reasons"][0]


def test_unknown_invisible_ambiguous_and_missing_changes(api, cast, factory, gated):
    stranger = factory.token(cast.stranger)
    missing = api.get("/deployment-gate?change=CHG9", factory.token(cast.owner))
    assert missing.status_code == 404
    assert (
        missing.get_json()["error"]["message"]
        == "No change record CHG9 in the initiatives this token may read."
    )
    assert api.get("/deployment-gate?change=CHG0031234", stranger).status_code == 404  # not disclosed
    assert api.get("/deployment-gate", factory.token(cast.owner)).status_code == 400
    assert api.get("/deployment-gate?change=CHG0031234", None).status_code == 401
    other = factory.milestone(cast.initiative, name="Hypercare")
    service.set_change_record(
        milestone=other, actor=cast.owner, number="CHG0031234", change_type="normal", state="new"
    )
    assert api.get("/deployment-gate?change=CHG0031234", factory.token(cast.owner)).status_code == 409
