"""Schemathesis fuzzes the plan operations in-process: no 500s, and answers match the document."""

from __future__ import annotations

from datetime import date

import pytest
from schemathesis import GenerationMode

from adkar.accounts.models import User
from adkar.extensions import db

from .helpers import fuzz, make_person


@pytest.mark.slow
@pytest.mark.parametrize(
    "mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=["positive", "negative"]
)
def test_plan_operations_survive_fuzzing(app, factory, mode):
    owner = make_person(factory, "practitioner")
    colleague = factory.user("practitioner")
    initiative = factory.initiative(
        db.session.get(User, owner.id), go_live=date(2027, 1, 1), members=(colleague,)
    )
    group = factory.group(initiative)
    known = {
        "initiative_id": initiative.id,
        "group_id": group.id,
        "milestone_id": factory.milestone(initiative, groups=(group,)).id,
        "user_id": colleague.id,
    }
    statuses = fuzz(app, token=owner.token, tags={"plan", "account", "meta"}, known=known, mode=mode)
    assert len(statuses) >= 19  # every plan operation and /me (schemathesis skips the document itself)
    if mode == GenerationMode.POSITIVE:  # valid data really reached the services
        assert 201 in statuses[("POST", "/api/v1/initiatives/{initiative_id}/groups")]
        assert 201 in statuses[("POST", "/api/v1/initiatives/{initiative_id}/milestones")]
        assert 200 in statuses[("PATCH", "/api/v1/milestones/{milestone_id}")]
        assert 204 in statuses[("DELETE", "/api/v1/initiatives/{initiative_id}")]
