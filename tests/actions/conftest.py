"""Fixtures for the action-plan tests: a cast around one initiative with two groups."""

from __future__ import annotations

from datetime import timedelta

import pytest

from adkar.timeutil import today

from .support import Cast


@pytest.fixture
def cast(factory) -> Cast:
    owner, member = factory.user("practitioner"), factory.user("practitioner")
    sponsor, stranger, admin = factory.user("sponsor"), factory.user("practitioner"), factory.user("admin")
    initiative = factory.initiative(
        owner, go_live=today() + timedelta(days=60), members=(member,), sponsors=(sponsor,)
    )
    desk = factory.group(initiative, name="Service desk", headcount=20)
    field = factory.group(initiative, name="Field engineers", headcount=10)
    return Cast(owner, member, sponsor, stranger, admin, initiative, desk, field)
