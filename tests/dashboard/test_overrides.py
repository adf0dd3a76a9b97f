"""Passing a gate that is not ready: practitioners only, with a written justification kept with name and time."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from adkar.audit.models import AuditEvent
from adkar.extensions import db
from adkar.plan.models import GateOverride

from . import scenario as story
from .pages import section, text

GOOD = "Floor walkers cover the first two weeks; training repeats on day 3 for the late group."


@pytest.fixture
def world(factory):
    return story.build(factory)


def overrides() -> list[GateOverride]:
    db.session.rollback()
    return list(db.session.scalars(select(GateOverride)))


def test_short_justification_is_refused_with_a_message(client, auth, world):
    auth.login(world.colleague.email)
    response = client.post(f"/milestones/{world.go_live.id}/override", data={"justification": "  ok then  "})
    assert response.status_code == 400
    gates = section(text(response), "gates")
    assert "at least 20 characters" in gates
    assert 'aria-invalid="true"' in gates and "ok then" in gates  # the text is kept to correct
    assert overrides() == []


def test_override_is_stored_and_shown_with_name_and_time(client, auth, world):
    auth.login(world.colleague.email)
    response = client.post(f"/milestones/{world.go_live.id}/override", data={"justification": GOOD})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(
        f"/initiatives/{world.initiative.id}/dashboard#gate-{world.go_live.id}"
    )
    [stored] = overrides()
    assert (stored.milestone_id, stored.user_id, stored.computed_status) == (
        world.go_live.id,
        world.colleague.id,
        "not_ready",
    )
    assert stored.justification == GOOD
    assert (
        db.session.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "gate.override")
        )
        == 1
    )

    auth.logout()
    auth.login(world.sponsor.email)
    gates = section(text(client.get(f"/initiatives/{world.initiative.id}/dashboard")), "gates")
    row = gates[gates.index(f'id="gate-{world.go_live.id}"') :]
    assert '<span class="badge status-not_ready">Not ready</span>' in row[: row.index("</tr>")]
    assert "Overridden</a>" in row[: row.index("</tr>")]
    decision = gates[gates.index(f'id="gate-decision-{world.go_live.id}"') :]
    assert world.colleague.display_name in decision and GOOD in decision
    stamp = stored.created_at
    assert f'datetime="{stamp.isoformat(timespec="minutes")}Z"' in decision
    assert f"{stamp:%H:%M} UTC" in decision
    report = text(client.get(f"/initiatives/{world.initiative.id}/report.html"))
    assert GOOD in report and world.colleague.display_name in report and "Overridden" in report


def test_once_overridden_the_form_is_gone(client, auth, world):
    auth.login(world.owner.email)
    client.post(f"/milestones/{world.go_live.id}/override", data={"justification": GOOD})
    page = text(client.get(f"/initiatives/{world.initiative.id}/dashboard"))
    assert f'action="/milestones/{world.go_live.id}/override"' not in page


def test_a_ready_gate_cannot_be_overridden(client, auth, world):
    auth.login(world.owner.email)
    response = client.post(f"/milestones/{world.training.id}/override", data={"justification": GOOD})
    assert response.status_code == 400
    assert "nothing to override" in text(response)
    assert overrides() == []


def test_sponsor_gets_403_and_stranger_404(client, auth, world):
    auth.login(world.sponsor.email)
    assert (
        client.post(f"/milestones/{world.go_live.id}/override", data={"justification": GOOD}).status_code
        == 403
    )
    auth.logout()
    auth.login(world.stranger.email)
    assert (
        client.post(f"/milestones/{world.go_live.id}/override", data={"justification": GOOD}).status_code
        == 404
    )
    assert client.post("/milestones/999999/override", data={"justification": GOOD}).status_code == 404
    assert overrides() == []
