"""Fixtures and helpers shared by the wave, invitation and wave-API tests (import the fixtures by name)."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select
from werkzeug.security import generate_password_hash

from adkar.accounts import services as accounts_services
from adkar.accounts.models import User
from adkar.extensions import db
from adkar.plan.models import Initiative, Milestone, StakeholderGroup
from adkar.surveys.models import Wave, WaveGroup
from adkar.surveys.waves import services as waves
from adkar.timeutil import today


@pytest.fixture(scope="session")
def sqlite_template(sqlite_template: str) -> str:
    """Fold the template's WAL into its main file, the only file the shared fixture copies."""
    connection = sqlite3.connect(sqlite_template)
    try:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        connection.close()
    return sqlite_template


@pytest.fixture(autouse=True)
def fast_password_hashing(monkeypatch) -> None:
    """scrypt costs ~0.5 s a user; these tests are about waves, not password storage."""
    monkeypatch.setattr(
        accounts_services,
        "generate_password_hash",
        lambda password: generate_password_hash(password, method="pbkdf2:sha256:1"),
    )


@dataclass
class Plan:
    owner: User
    member: User  # practitioner member: may change the plan
    sponsor: User  # reads only
    stranger: User  # practitioner without access
    initiative: Initiative
    groups: list[StakeholderGroup]
    milestone: Milestone
    foreign_group: StakeholderGroup  # of another initiative
    foreign_milestone: Milestone


@pytest.fixture
def plan(factory) -> Plan:
    owner, member = factory.user("practitioner"), factory.user("practitioner")
    sponsor, stranger = factory.user("sponsor"), factory.user("practitioner")
    initiative = factory.initiative(
        owner, go_live=today() + timedelta(days=90), members=(member,), sponsors=(sponsor,)
    )
    groups = [
        factory.group(initiative, name=name, headcount=hc) for name, hc in (("Agents", 40), ("Leads", 8))
    ]
    milestone = factory.milestone(initiative, name="Go-live", due=today() + timedelta(days=90))
    other = factory.initiative(stranger, name="Another rollout")
    return Plan(
        owner=owner,
        member=member,
        sponsor=sponsor,
        stranger=stranger,
        initiative=initiative,
        groups=groups,
        milestone=milestone,
        foreign_group=factory.group(other, name="Elsewhere"),
        foreign_milestone=factory.milestone(other, name="Other go-live"),
    )


def new_wave(plan: Plan, *, opens: date | None = None, closes: date | None = None, **changes) -> Wave:
    """A wave of the plan through the service (open today for two weeks unless told otherwise)."""
    values = {
        "name": "Pre go-live pulse",
        "survey_key": "adkar-pulse",
        "opens_on": opens or today(),
        "closes_on": closes or today() + timedelta(days=14),
        "group_ids": [g.id for g in plan.groups],
        "milestone_id": plan.milestone.id,
        "purpose": "Are agents able to use the new desk?",
    }
    return waves.create_wave(initiative=plan.initiative, actor=plan.owner, **(values | changes))


def count(model, *where) -> int:
    """Rows as the database holds them now (ends the shared session's transaction first)."""
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def wave_group(wave_id: int, group_id: int) -> WaveGroup:
    db.session.rollback()
    db.session.expire_all()
    return db.session.get(WaveGroup, (wave_id, group_id))


def fresh_wave(wave_id: int) -> Wave | None:
    db.session.rollback()
    db.session.expire_all()
    return db.session.get(Wave, wave_id)


def text(response) -> str:
    return response.get_data(as_text=True)
