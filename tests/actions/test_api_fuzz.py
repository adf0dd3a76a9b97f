"""Schemathesis fuzzes the issue-7 operations in-process: no 500s, and every answer matches the document."""

from __future__ import annotations

from datetime import timedelta

import pytest
from schemathesis import GenerationMode

from adkar.actions import library, services
from adkar.adoption import services as adoption
from adkar.adoption.models import UsageFigure
from adkar.extensions import db
from adkar.timeutil import today
from tests.api.helpers import fuzz


@pytest.mark.slow
@pytest.mark.parametrize(
    "mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=["positive", "negative"]
)
def test_issue7_operations_survive_fuzzing(app, cast, factory, mode):
    library.restore_suggestions(actor=None)
    action = services.create_action(
        group=cast.desk,
        actor=cast.owner,
        element="ability",
        what="Coaching",
        owner="Lead",
        starts_on=today(),
        due_on=today(),
    )
    entry = services.create_resistance(
        group=cast.desk, actor=cast.owner, what="X", reason="left_out", people=2, logged_on=today()
    )
    adoption.import_figures(
        initiative=cast.initiative,
        actor=cast.owner,
        source="test",
        rows=[{"group_id": cast.desk.id, "day": today() - timedelta(days=1), "active_users": 3}],
    )
    known = {
        "initiative_id": cast.initiative.id,
        "action_id": action.id,
        "resistance_id": entry.id,
        "entry_id": library.entries()[0].id,
        "milestone_id": factory.milestone(cast.initiative).id,
        "figure_id": db.session.scalar(db.select(UsageFigure.id)),
    }
    statuses = fuzz(
        app,
        token=factory.token(cast.owner),
        tags={"actions", "usage", "change records", "portfolio"},
        known=known,
        mode=mode,
    )
    assert len(statuses) >= 23
    if mode == GenerationMode.POSITIVE:
        assert 200 in statuses[("GET", "/api/v1/initiatives/{initiative_id}/usage")]
        assert 200 in statuses[("PUT", "/api/v1/milestones/{milestone_id}/change-record")]
        assert 200 in statuses[("GET", "/api/v1/portfolio")]
