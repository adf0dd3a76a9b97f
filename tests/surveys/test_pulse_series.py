"""Recurring pulses: a series creates each wave the day before it opens, with its reminder days, skips waves
that are already over when no worker ran, ends at its last day, and can be stopped."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from sqlalchemy import select

from adkar.extensions import db
from adkar.jobs import runner
from adkar.surveys.models import PulseSeries, Wave
from adkar.surveys.waves import series
from adkar.timeutil import today
from adkar.validation import ValidationFailed

from . import wave_support
from .wave_support import text

fast_password_hashing = wave_support.fast_password_hashing
plan = wave_support.plan
sqlite_template = wave_support.sqlite_template


def at(day) -> datetime:
    return datetime.combine(day, time(8, 1))  # not a fifth minute: alerts stay out of the way


def new_series(plan, **changes) -> PulseSeries:
    values = {
        "initiative": plan.initiative,
        "actor": plan.owner,
        "name": "Hypercare pulse",
        "survey_key": "adkar-pulse",
        "group_ids": [g.id for g in plan.groups],
        "every_days": 21,
        "open_days": 7,
        "starts_on": today() + timedelta(days=2),
        "ends_on": today() + timedelta(days=2 + 21 * 2),
        "reminder_days": [3, 5],
    } | changes
    return series.create_series(**values)


def waves_of(plan) -> list[Wave]:
    db.session.rollback()
    return list(
        db.session.scalars(
            select(Wave).where(Wave.initiative_id == plan.initiative.id).order_by(Wave.opens_on)
        )
    )


def test_each_wave_is_created_the_day_before_it_opens_until_the_end(plan):
    start = today() + timedelta(days=2)
    made = new_series(plan)
    runner.minute(at(start - timedelta(days=2)))
    assert waves_of(plan) == []
    runner.minute(at(start - timedelta(days=1)))
    (first,) = waves_of(plan)
    assert (first.name, first.opens_on, first.closes_on) == (
        "Hypercare pulse #1",
        start,
        start + timedelta(days=6),
    )
    assert [wg.group_id for wg in first.wave_groups] == sorted(g.id for g in plan.groups)
    assert first.reminder_days == [3, 5]
    runner.minute(at(start))  # the same wave is not made twice
    assert len(waves_of(plan)) == 1
    for k in (1, 2):
        runner.minute(at(start + timedelta(days=21 * k - 1)))
    assert [w.name for w in waves_of(plan)] == [
        "Hypercare pulse #1",
        "Hypercare pulse #2",
        "Hypercare pulse #3",
    ]
    runner.minute(at(start + timedelta(days=21 * 3)))  # past the end
    done = db.session.get(PulseSeries, made.id)
    assert (done.active, done.next_opens_on, done.waves_created) == (False, None, 3)
    assert len(waves_of(plan)) == 3


def test_waves_already_over_are_skipped_not_created_in_a_burst(plan):
    new_series(
        plan, starts_on=today() - timedelta(days=30), ends_on=today() + timedelta(days=60), open_days=14
    )
    runner.minute(at(today()))
    (current,) = waves_of(plan)  # the wave of day -30 is over, -9 is open now, +12 is not due yet
    assert current.opens_on == today() - timedelta(days=9) and current.name == "Hypercare pulse #1"


def test_a_stopped_series_creates_nothing_more(plan):
    made = new_series(plan)
    series.stop_series(series=made, actor=plan.owner)
    runner.minute(at(today() + timedelta(days=1)))
    assert waves_of(plan) == []


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"every_days": 3}, "every_days"),
        ({"open_days": 30}, "open_days"),
        ({"group_ids": []}, "groups"),
        ({"survey_key": "nope"}, "survey"),
        ({"ends_on": today() - timedelta(days=5)}, "ends_on"),
        ({"reminder_days": [9]}, "reminder_days"),
        ({"ends_on": today() + timedelta(days=7 * 60), "every_days": 7}, "ends_on"),
    ],
)
def test_bad_series_are_refused_and_store_nothing(plan, changes, field):
    with pytest.raises(ValidationFailed) as caught:
        new_series(plan, **changes)
    assert field in [p.field for p in caught.value.problems]
    assert db.session.scalars(select(PulseSeries)).all() == []


def test_the_pages_plan_list_and_stop_a_series(client, auth, plan):
    auth.login(plan.owner.email)
    form = client.get(f"/initiatives/{plan.initiative.id}/pulse-series/new")
    assert form.status_code == 200 and plan.milestone.name in text(form)
    data = {
        "name": "Pulse",
        "survey": "adkar-pulse",
        "groups": [str(plan.groups[0].id)],
        "every_days": "21",
        "open_days": "7",
        "starts_on": (today() + timedelta(days=3)).isoformat(),
        "until_milestone": str(plan.milestone.id),
        "reminder_days": "3",
    }
    saved = client.post(
        f"/initiatives/{plan.initiative.id}/pulse-series/new", data=data, follow_redirects=True
    )
    assert "The recurring pulse &#39;Pulse&#39; is planned" in text(saved)
    created = db.session.scalars(select(PulseSeries)).one()
    assert created.ends_on == plan.milestone.due
    assert "Recurring pulses" in text(client.get(f"/initiatives/{plan.initiative.id}"))
    refused = client.post(
        f"/initiatives/{plan.initiative.id}/pulse-series/new", data=data | {"every_days": "2"}
    )
    assert refused.status_code == 400 and "Repeat every 7 to 182 days." in text(refused)
    assert client.post(f"/pulse-series/{created.id}/stop").status_code == 302
    db.session.rollback()
    assert db.session.get(PulseSeries, created.id).active is False
