"""One initiative whose every user-supplied text is an attack payload, built through the real services.

Used by the escaping tests (server-rendered HTML, JSON) and the browser test (does anything run?).
The services record audit events, so the audit trail shows the payloads too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from flask import Flask

from adkar.accounts.models import User
from adkar.extensions import db
from adkar.plan import services as plan
from adkar.surveys.definitions import registry
from adkar.surveys.definitions.survey import score
from adkar.surveys.invitations import services as invitations
from adkar.surveys.responses.services import split_answers, store_imported
from adkar.surveys.waves import services as waves
from adkar.timeutil import today

from ..factories import Factory

COMMENTED_RESPONSES = 10  # comments show only for visible groups of at least max(k, 10)
PULSE_ANSWERS = {"aw1": 4, "de1": 4, "kn1": 3, "ab1": 2, "re1": 4}


@dataclass(frozen=True)
class PayloadWorld:
    payload: str
    owner_email: str
    admin_email: str
    initiative_id: int
    group_id: int
    milestone_id: int
    wave_id: int
    personal_token: str
    spare_token: str
    open_token: str
    api_token: str


def build(app: Flask, payload: str) -> PayloadWorld:
    """The payload as initiative, group, milestone and wave names, descriptions, purpose and comments."""
    with app.app_context():
        factory = Factory()
        owner = factory.user("practitioner")
        admin = factory.user("admin")
        initiative = plan.create_initiative(
            owner=owner,
            name=payload,
            approach="sequential",
            go_live=today() + timedelta(days=60),
            description=payload,
        )
        group = plan.create_group(
            initiative=initiative, actor=owner, name=payload, headcount=40, description=payload
        )
        plan.create_group(initiative=initiative, actor=owner, name=f"{payload} (2)", headcount=8)
        milestone = plan.create_milestone(
            initiative=initiative,
            actor=owner,
            name=payload,
            kind="go-live",
            due=initiative.go_live,
            target_element="ability",
            group_ids=[group.id],
        )
        wave = waves.create_wave(
            initiative=initiative,
            actor=owner,
            name=payload,
            survey_key="adkar-pulse",
            opens_on=today() - timedelta(days=3),
            closes_on=today() + timedelta(days=10),
            group_ids=[group.id],
            milestone_id=milestone.id,
            purpose=payload,
        )
        personal, spare = invitations.issue_links(wave=wave, group_id=group.id, count=2, actor=owner)
        open_token = invitations.open_link(wave=wave, group_id=group.id, actor=owner)
        defn = registry.get("adkar-pulse")
        clean = {**PULSE_ANSWERS, "comment": payload}
        answers, comment = split_answers(defn, clean)
        store_imported(
            wave_id=wave.id,
            group_id=group.id,
            rows=[(answers, score(defn, clean), comment)] * COMMENTED_RESPONSES,
        )
        world = PayloadWorld(
            payload=payload,
            owner_email=owner.email,
            admin_email=admin.email,
            initiative_id=initiative.id,
            group_id=group.id,
            milestone_id=milestone.id,
            wave_id=wave.id,
            personal_token=personal,
            spare_token=spare,
            open_token=open_token,
            api_token=factory.token(db.session.get(User, owner.id)),
        )
        db.session.remove()
    return world


def respondent_form(payload: str) -> dict[str, str]:
    """A complete pulse answer whose comment is the payload (submitted through the respondent page)."""
    return {**{k: str(v) for k, v in PULSE_ANSWERS.items()}, "comment": payload}
