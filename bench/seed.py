"""The structure a run needs, created through the app's own services: users, initiatives, groups, waves.

Only the responses themselves are bulk-loaded (bench/loader.py); everything a service owns is made by it,
so the benchmark data cannot drift from what the app would store.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
from flask import Flask

from adkar.accounts import services as accounts
from adkar.extensions import db
from adkar.plan import services as plan
from adkar.surveys.waves import services as wave_services
from adkar.timeutil import today

from .datagen import SURVEY_KEY
from .options import Options

EMAIL = "practitioner@bench.adkar.test"
PASSWORD = "bench-password-not-secret"
DEPARTMENTS = (
    "Finance",
    "Human resources",
    "Service desk",
    "Field engineering",
    "Sales",
    "Marketing",
    "Procurement",
    "Legal",
    "IT operations",
    "Customer success",
)
REGIONS = ("EMEA", "Americas", "APAC", "Nordics", "DACH")
WAVE_EVERY_DAYS = 14
# create_groups audits the new ids joined with commas into a VARCHAR(64): PostgreSQL refuses 50 of them.
GROUPS_PER_CALL = 10


@dataclass(frozen=True)
class GroupSpec:
    id: int
    weight: float  # share of the initiative's respondents
    speed: float  # how fast readiness grows, 0..1
    lagging: int  # index of the element that trails
    response_rate: float


@dataclass(frozen=True)
class WaveSpec:
    id: int
    index: int
    days: tuple[str, ...]  # the days responses can carry (opening day up to today or closing)


@dataclass
class Plan:
    """Ids and credentials of everything seeded; the loaders and benchmarks work from this."""

    user_id: int
    api_token: str
    rollout_id: int
    rollout_groups: list[GroupSpec]
    rollout_waves: list[WaveSpec]
    scale_id: int
    scale_groups: list[GroupSpec]
    readiness_waves: list[WaveSpec]  # one per size in Options.growth_sizes, smallest first
    submit_wave: WaveSpec
    import_wave: WaveSpec
    email: str = EMAIL
    password: str = PASSWORD


def group_names(count: int) -> list[str]:
    names = [f"{d} – {r}" for d, r in itertools.product(DEPARTMENTS, REGIONS)]
    names += [f"Team {i}" for i in range(len(names) + 1, count + 1)]
    return names[:count]


def _days(opens: date, closes: date, day: date) -> tuple[str, ...]:
    last = min(closes, day)
    return tuple((opens + timedelta(days=i)).isoformat() for i in range((last - opens).days + 1))


def seed(app: Flask, options: Options, rng: np.random.Generator) -> Plan:
    with app.app_context():
        try:
            return _seed(options, rng)
        finally:
            db.session.remove()


def _seed(options: Options, rng: np.random.Generator) -> Plan:
    user = accounts.create_user(
        email=EMAIL, role="practitioner", password=PASSWORD, name="Bench Practitioner"
    )
    _, token = accounts.create_api_token(user=user, name="bench")
    day = today()

    rollout = plan.create_initiative(
        owner=user,
        name="ERP rollout (benchmark)",
        approach="sequential",
        go_live=day + timedelta(days=35),
        description="Twelve survey waves across fifty groups, readiness rising towards go-live.",
        use_template=True,
    )
    rollout_groups = _groups(rollout, user, options, rng)
    rollout_waves = []
    for index in range(options.waves):
        closes = day + timedelta(days=7 - (options.waves - 1 - index) * WAVE_EVERY_DAYS)
        opens = closes - timedelta(days=WAVE_EVERY_DAYS - 1)
        wave = wave_services.create_wave(
            initiative=rollout,
            actor=user,
            name=f"Wave {index + 1}",
            survey_key=SURVEY_KEY,
            opens_on=opens,
            closes_on=closes,
            group_ids=[g.id for g in rollout_groups],
            purpose="How ready do you feel for the new ERP system?",
        )
        rollout_waves.append(WaveSpec(wave.id, index, _days(opens, closes, day)))

    scale = plan.create_initiative(
        owner=user,
        name="Readiness at scale (benchmark)",
        approach="iterative",
        go_live=day + timedelta(days=60),
        description="One wave per readiness size, one for submissions, one for imports.",
    )
    scale_groups = _groups(scale, user, options, rng)
    opens, closes = day - timedelta(days=13), day + timedelta(days=14)
    specs = []
    names = [f"Readiness at {size:,}" for size in options.growth_sizes] + ["Submissions", "Imports"]
    for name in names:
        wave = wave_services.create_wave(
            initiative=scale,
            actor=user,
            name=name,
            survey_key=SURVEY_KEY,
            opens_on=opens,
            closes_on=closes,
            group_ids=[g.id for g in scale_groups],
        )
        specs.append(WaveSpec(wave.id, options.waves - 1, _days(opens, closes, day)))
    return Plan(
        user_id=user.id,
        api_token=token,
        rollout_id=rollout.id,
        rollout_groups=rollout_groups,
        rollout_waves=rollout_waves,
        scale_id=scale.id,
        scale_groups=scale_groups,
        readiness_waves=specs[:-2],
        submit_wave=specs[-2],
        import_wave=specs[-1],
    )


def _groups(initiative, user, options: Options, rng: np.random.Generator) -> list[GroupSpec]:
    weights = rng.lognormal(0.0, 0.6, size=options.groups)
    weights /= weights.sum()
    per_wave = options.responses / options.waves
    rates = rng.uniform(0.55, 0.9, size=options.groups)
    rows = [
        {"name": name, "headcount": int(np.ceil(w * per_wave / r)) + 5, "description": ""}
        for name, w, r in zip(group_names(options.groups), weights, rates, strict=True)
    ]
    groups = []
    for start in range(0, len(rows), GROUPS_PER_CALL):
        groups += plan.create_groups(
            initiative=initiative, actor=user, rows=rows[start : start + GROUPS_PER_CALL]
        )
    speeds = rng.uniform(0.45, 1.0, size=options.groups)
    lagging = rng.integers(0, 5, size=options.groups)
    return [
        GroupSpec(g.id, float(w), float(s), int(lag), float(r))
        for g, w, s, lag, r in zip(groups, weights, speeds, lagging, rates, strict=True)
    ]
