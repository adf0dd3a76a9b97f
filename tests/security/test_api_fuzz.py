"""Schemathesis fuzzes every API operation from the API's own OpenAPI document: no 500s, and every answer
has a documented status, content type and body schema.

tests/api/test_fuzz.py fuzzes the plan, account and meta operations (with records the plan calls need);
this module fuzzes every other tag, so the two together cover the whole document (checked below).
"""

from __future__ import annotations

import logging

import pytest
from schemathesis import GenerationMode
from sqlalchemy import select

from adkar.accounts.models import User
from adkar.api.openapi import build
from adkar.extensions import db
from adkar.surveys.invitations import services as invitations
from adkar.surveys.models import Wave

from ..api.helpers import fuzz
from . import payload_world

COVERED_BY_PLAN_FUZZ = frozenset({"plan", "account", "meta"})
log = logging.getLogger(__name__)


def document_tags(app) -> set[str]:
    with app.test_request_context():
        document = build(app)
    return {
        tag
        for operations in document["paths"].values()
        for operation in operations.values()
        if isinstance(operation, dict)
        for tag in operation.get("tags", ())
    }


def test_the_two_fuzz_suites_cover_every_operation(app):
    with app.test_request_context():
        document = build(app)
    untagged = [
        f"{method.upper()} {path}"
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
        if isinstance(operation, dict) and not operation.get("tags")
    ]
    assert not untagged, f"operations without a tag escape both fuzz suites: {untagged}"
    assert document_tags(app) - COVERED_BY_PLAN_FUZZ, "nothing left for this suite to fuzz"


@pytest.mark.slow
@pytest.mark.parametrize(
    "mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=["positive", "negative"]
)
def test_every_other_operation_survives_fuzzing(app, mode):
    world = payload_world.build(app, "Fuzzed rollout")
    with app.app_context():
        wave = db.session.get(Wave, world.wave_id)
        owner = db.session.scalar(select(User).where(User.email == world.owner_email))
        invitations.issue_links(wave=wave, group_id=world.group_id, count=1, actor=owner)
        db.session.remove()
    known = {
        "initiative_id": world.initiative_id,
        "group_id": world.group_id,
        "milestone_id": world.milestone_id,
        "wave_id": world.wave_id,
        "key": "adkar-pulse",
    }
    tags = document_tags(app) - COVERED_BY_PLAN_FUZZ
    statuses = fuzz(app, token=world.api_token, tags=tags, known=known, mode=mode)
    cases = sum(len(seen) for seen in statuses.values())
    log.warning("API fuzz (%s): %d operations, %d cases", mode.value, len(statuses), cases)
    assert len(statuses) >= 10, sorted(statuses)
    assert all(seen for seen in statuses.values()), "an operation was never called"
    assert all(status < 500 for seen in statuses.values() for status in seen)
    if mode == GenerationMode.POSITIVE:  # valid data reached the services, not just the validators
        assert 200 in statuses[("GET", "/api/v1/waves/{wave_id}/readiness")]
        assert 200 in statuses[("GET", "/api/v1/initiatives/{initiative_id}/trend")]
        assert 200 in statuses[("GET", "/api/v1/surveys/{key}")]
