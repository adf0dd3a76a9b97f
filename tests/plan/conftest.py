"""Plan-page fixtures: a cast of users around one initiative, and cheap password hashing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest

from adkar.accounts.models import User
from adkar.plan.models import Initiative
from adkar.timeutil import today


@dataclass
class Cast:
    owner: User
    member: User  # practitioner member: may change the plan
    sponsor: User  # sponsor member: reads only
    stranger: User  # practitioner with no link to the initiative
    admin: User
    initiative: Initiative


@pytest.fixture
def cast(factory) -> Cast:
    owner = factory.user("practitioner")
    member = factory.user("practitioner")
    sponsor = factory.user("sponsor")
    stranger = factory.user("practitioner")
    admin = factory.user("admin")
    initiative = factory.initiative(
        owner, go_live=today() + timedelta(days=100), members=(member,), sponsors=(sponsor,)
    )
    return Cast(owner, member, sponsor, stranger, admin, initiative)
