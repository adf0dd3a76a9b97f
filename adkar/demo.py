"""Demo data: a service-desk platform migration with groups, a sequential plan and rising readiness.

Dates are relative to today so the demo always shows a project a few weeks before go-live.
"""

from __future__ import annotations

import random
import secrets
from datetime import timedelta

from sqlalchemy import select, update

from .accounts import services as accounts
from .accounts.models import User
from .database import begin_write
from .extensions import db
from .plan import services as plan
from .plan.models import Initiative
from .surveys import registry, responses, waves
from .surveys.definitions import score
from .surveys.models import Invitation, WaveGroup
from .timeutil import today

DEMO_NAME = "Service desk platform migration"
DEMO_USERS = (
    ("admin@demo.adkar.test", "admin", "Alex Admin"),
    ("practitioner@demo.adkar.test", "practitioner", "Priya Practitioner"),
    ("sponsor@demo.adkar.test", "sponsor", "Sam Sponsor"),
)
# name, headcount, description, how fast readiness grows (0..1), the element that lags
DEMO_GROUPS = (
    ("Service desk agents", 120, "First-line agents moving to the new ticketing platform.", 0.9, "ability"),
    ("Team leads", 18, "Lead the agents day to day and approve changes.", 1.0, "knowledge"),
    ("Field engineers", 64, "Work tickets on site from the mobile app.", 0.6, "desire"),
    ("Change advisory board", 9, "Approves standard and normal changes.", 0.8, "reinforcement"),
    ("Finance approvers", 36, "Approve purchase requests raised from tickets.", 0.45, "awareness"),
    (
        "Executive assistants",
        4,
        "Raise requests for executives (fewer than k: always suppressed).",
        0.7,
        "ability",
    ),
)
# days from go-live the wave closes, survey, share of the group that answers
DEMO_WAVES = (
    ("Baseline assessment", -130, "adkar-assessment", 0.72),
    ("Pulse before UAT", -75, "adkar-pulse", 0.64),
    ("Pulse before training", -42, "adkar-pulse", 0.61),
    ("Readiness before go-live", -23, "adkar-assessment", 0.5),
)


def load_demo(*, password: str) -> bool:
    """Create the demo once; returns False when it exists already."""
    if db.session.scalar(select(Initiative.id).where(Initiative.name == DEMO_NAME)) is not None:
        return False
    users = {role: _user(email, role, name, password) for email, role, name in DEMO_USERS}
    owner = users["practitioner"]
    go_live = today() + timedelta(days=28)
    initiative = plan.create_initiative(
        owner=owner,
        name=DEMO_NAME,
        approach="sequential",
        go_live=go_live,
        description=(
            "Moving the IT service desk from the legacy ticketing tool to a new service-management platform: "
            "new incident and request flows, a self-service portal and a mobile app for field engineers."
        ),
        use_template=True,
    )
    plan.add_member(initiative=initiative, actor=owner, email=users["sponsor"].email, role="sponsor")
    groups = plan.create_groups(
        initiative=initiative,
        actor=owner,
        rows=[{"name": n, "headcount": h, "description": d} for n, h, d, _, _ in DEMO_GROUPS],
    )
    rng = random.Random(20261122)  # noqa: S311 - demo data, not security
    for index, (name, days, survey_key, answer_share) in enumerate(DEMO_WAVES):
        closes = go_live + timedelta(days=days)
        wave = waves.create_wave(
            initiative=initiative,
            actor=owner,
            name=name,
            survey_key=survey_key,
            opens_on=closes - timedelta(days=14),
            closes_on=closes,
            group_ids=[g.id for g in groups],
            purpose="Tell us how ready you feel for the new service desk platform.",
        )
        progress = (index + 1) / len(DEMO_WAVES)
        for group, (_, headcount, _, speed, lagging) in zip(groups, DEMO_GROUPS, strict=True):
            _invite(wave.id, group.id, headcount)
            answered = max(1, round(headcount * answer_share * rng.uniform(0.85, 1.1)))
            rows = [
                _answers(survey_key, progress * speed, lagging, rng) for _ in range(min(answered, headcount))
            ]
            responses.store_imported(wave_id=wave.id, group_id=group.id, rows=rows)
    return True


def _invite(wave_id: int, group_id: int, count: int) -> None:
    """Record invitations as issued (their links were never handed out: the demo imports answers)."""
    begin_write()
    db.session.add_all(
        Invitation(
            wave_id=wave_id, group_id=group_id, token_hash=responses.hash_key(secrets.token_urlsafe(24))
        )
        for _ in range(count)
    )
    db.session.execute(
        update(WaveGroup)
        .where(WaveGroup.wave_id == wave_id, WaveGroup.group_id == group_id)
        .values(invited=WaveGroup.invited + count)
    )
    db.session.commit()


def _user(email: str, role: str, name: str, password: str) -> User:
    existing = db.session.scalar(select(User).where(User.email == email))
    return existing or accounts.create_user(email=email, role=role, password=password, name=name)


DEMO_COMMENTS = (
    "The new portal looks good but I have not had time to practise yet.",
    "Please keep the old tool read-only for a few weeks after go-live.",
    "Training was useful; the mobile app still crashes on my phone.",
    "Not clear why we are changing now, in our busiest quarter.",
    "My team lead walked us through the new flows, that helped a lot.",
)


def _answers(survey_key: str, readiness: float, lagging: str, rng: random.Random):
    """One plausible respondent: higher agreement as readiness grows, the lagging element behind."""
    definition = registry.get(survey_key)
    answers: dict = {}
    for item in definition.scored_items:
        level = readiness - (0.25 if item.element == lagging else 0.0)
        centre = 2.2 + 2.6 * max(0.0, min(1.0, level))
        answers[item.id] = max(1, min(5, round(rng.gauss(centre, 0.9))))
    comment = rng.choice(DEMO_COMMENTS) if rng.random() < 0.2 else None
    return answers, score(definition, answers), comment
