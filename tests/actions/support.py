"""Test data for issue-7 features (actions, adoption, change records, portfolio) through the real services."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select

from adkar.accounts.models import User
from adkar.audit.models import AuditEvent
from adkar.extensions import db
from adkar.plan.models import Initiative, StakeholderGroup
from adkar.surveys.definitions import registry
from adkar.surveys.definitions.survey import score
from adkar.surveys.responses.services import split_answers, store_imported
from adkar.surveys.waves.services import create_wave
from adkar.timeutil import today
from tests.api.helpers import ApiClient
from tests.factories import Factory

PULSE_ITEMS = ("aw1", "de1", "kn1", "ab1", "re1")
Answer = tuple[int, int, int, int, int]  # awareness, desire, knowledge, ability, reinforcement


@dataclass
class Cast:
    owner: User
    member: User  # practitioner member: may change the plan
    sponsor: User  # reads only
    stranger: User  # practitioner without access
    admin: User
    initiative: Initiative
    desk: StakeholderGroup  # 20 people
    field: StakeholderGroup  # 10 people


def wave(
    initiative: Initiative,
    actor: User,
    answers: dict[StakeholderGroup, Sequence[Answer]],
    *,
    name: str,
    opens_on: date,
    closes_on: date,
) -> int:
    """A pulse wave for these groups with these answers (imported, as a CSV import stores them)."""
    created = create_wave(
        initiative=initiative,
        actor=actor,
        name=name,
        survey_key="adkar-pulse",
        opens_on=opens_on,
        closes_on=closes_on,
        group_ids=[g.id for g in answers],
    )
    defn = registry.get("adkar-pulse")
    for group, rows in answers.items():
        stored = []
        for answer in rows:
            clean = dict(zip(PULSE_ITEMS, answer, strict=True))
            stored.append((split_answers(defn, clean)[0], score(defn, clean), None))
        if stored:
            store_imported(wave_id=created.id, group_id=group.id, rows=stored)
    return created.id


def count(model) -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(model))


def audit_actions(initiative_id: int | None = None) -> list[str]:
    db.session.rollback()
    query = select(AuditEvent.action).order_by(AuditEvent.id)
    if initiative_id is not None:
        query = query.where(AuditEvent.initiative_id == initiative_id)
    return list(db.session.scalars(query))


def text(response) -> str:
    return response.get_data(as_text=True)


def has_csrf_field(body: str) -> bool:
    return bool(re.search(r'<input[^>]*name="csrf_token"', body))


def login(client, user: User) -> None:
    """Sign this user in on the client (signing out whoever was signed in)."""
    client.post("/logout")
    response = client.post("/login", data={"email": user.email, "password": Factory.PASSWORD})
    assert response.status_code == 302, response.status_code


class Api(ApiClient):
    """The API test client (every answer checked against the OpenAPI document), with PUT too."""

    def put(self, path: str, token: str | None, **kwargs):
        return self.call("PUT", path, token, **kwargs)


def action_form(**changes) -> dict:
    """A valid action form, as the group page posts it."""
    data = {
        "element": "desire",
        "what": "Team leads hold one-to-ones on what changes",
        "owner": "Ana Costa",
        "starts_on": today().isoformat(),
        "due_on": (today() + timedelta(days=14)).isoformat(),
        "status": "planned",
    }
    return data | changes


def resistance_form(**changes) -> dict:
    """A valid resistance-log form."""
    data = {
        "what": "Logging calls in the new tool",
        "reason": "fear_of_unknown",
        "people": "6",
        "response": "Buddy each agent with a super-user",
        "status": "open",
        "logged_on": today().isoformat(),
    }
    return data | changes
