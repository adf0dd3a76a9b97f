"""The sweep: waves opening and closing, gates changing or projected to miss, each announced exactly once;
and a survey response never makes an event."""

from __future__ import annotations

import json
import threading
from datetime import timedelta

import pytest

from adkar.extensions import db
from adkar.surveys.models import Wave, WaveGroup
from adkar.timeutil import today, utc_now
from adkar.webhooks.delivery import deliver_due
from adkar.webhooks.models import GateMark, WaveMark
from adkar.webhooks.sweep import CLOSED_CATCH_UP, sweep_events

from ..surveys.wavedata import add_responses, invite, page_nonce, pulse_form
from .helpers import deliveries, endpoint_for

K = 5


@pytest.fixture
def app_config(app_config):
    return {**app_config, "MIN_GROUP_SIZE": K}


@pytest.fixture
def admin(factory):
    return factory.user("admin")


@pytest.fixture
def plan(factory):
    owner = factory.user("practitioner")
    initiative = factory.initiative(owner, name="CRM rollout")
    group = factory.group(initiative, name="Sales")
    return initiative, group, owner


def wave(initiative, groups, *, opens_on, closes_on, name="Pulse") -> Wave:
    made = Wave(
        initiative_id=initiative.id,
        name=name,
        survey_key="adkar-pulse",
        opens_on=opens_on,
        closes_on=closes_on,
        wave_groups=[WaveGroup(group_id=g.id) for g in groups],
    )
    db.session.add(made)
    db.session.commit()
    return made


def data_of(delivery) -> dict:
    return json.loads(delivery.payload)["data"]


def test_a_wave_is_announced_opened_once_and_closed_once(receiver, admin, plan):
    endpoint_for(receiver, admin)
    initiative, group, _ = plan
    day = today()
    pulse = wave(initiative, [group], opens_on=day, closes_on=day + timedelta(days=6))
    scheduled = wave(
        initiative, [group], opens_on=day + timedelta(days=30), closes_on=day + timedelta(days=36)
    )

    assert sweep_events(today=day) == 1
    assert sweep_events(today=day) == 0
    [opened] = deliveries()
    assert opened.event_type == "wave.opened"
    assert data_of(opened) == {
        "initiative": {"id": initiative.id, "name": "CRM rollout"},
        "wave": {
            "id": pulse.id,
            "name": "Pulse",
            "survey_key": "adkar-pulse",
            "opens_on": day.isoformat(),
            "closes_on": (day + timedelta(days=6)).isoformat(),
            "milestone_id": None,
        },
        "groups": [{"id": group.id, "name": "Sales"}],
    }

    assert sweep_events(today=day + timedelta(days=6)) == 0  # open through its closing day
    assert sweep_events(today=day + timedelta(days=7)) == 1
    assert sweep_events(today=day + timedelta(days=8)) == 0
    closed = deliveries("wave.closed")
    assert len(closed) == 1 and data_of(closed[0])["wave"]["id"] == pulse.id
    assert scheduled.id not in {data_of(d)["wave"]["id"] for d in deliveries()}

    assert deliver_due(now=utc_now()) == 2
    assert [r.verified["type"] for r in receiver.received] == ["wave.opened", "wave.closed"]


def test_a_closed_wave_reports_group_figures_only_as_published(receiver, admin, plan):
    endpoint_for(receiver, admin)
    initiative, group, _ = plan
    day = today()
    pulse = wave(initiative, [group], opens_on=day - timedelta(days=5), closes_on=day - timedelta(days=1))
    add_responses(pulse, group, K - 1)  # fewer than k: held, never counted

    assert sweep_events(today=day) == 1  # first seen after it closed: closed, never "opened"
    [closed] = deliveries()
    data = data_of(closed)
    assert closed.event_type == "wave.closed"
    assert data["groups"] == [
        {
            "id": group.id,
            "name": "Sales",
            "n": 0,
            "invited": 0,
            "response_rate": None,
            "suppressed": True,
            "adoption": None,
        }
    ]
    assert data["overall"]["n"] == 0 and data["overall"]["adoption"] is None
    assert "held" not in closed.payload


def test_waves_that_closed_long_before_they_were_seen_are_marked_silently(admin, receiver, plan):
    endpoint_for(receiver, admin)
    initiative, group, _ = plan
    day = today()
    old = wave(
        initiative,
        [group],
        opens_on=day - timedelta(days=60),
        closes_on=day - CLOSED_CATCH_UP - timedelta(days=1),
    )
    assert sweep_events(today=day) == 0
    mark = db.session.get(WaveMark, old.id)
    assert mark is not None and mark.opened_at is not None and mark.closed_at is not None
    assert deliveries() == []


def test_nothing_is_swept_while_no_endpoint_is_enabled(plan):
    initiative, group, _ = plan
    wave(initiative, [group], opens_on=today(), closes_on=today() + timedelta(days=3))
    assert sweep_events(today=today()) == 0
    assert db.session.query(WaveMark).count() == 0


def test_a_gate_change_is_announced_once_from_the_status_last_seen(receiver, admin, plan, factory):
    endpoint_for(receiver, admin, event_types=["gate.status_changed", "gate.projected_to_miss"])
    initiative, group, _ = plan
    day = today()
    milestone = factory.milestone(initiative, name="Go-live", due=day + timedelta(days=30), groups=(group,))
    pulse = wave(initiative, [group], opens_on=day - timedelta(days=3), closes_on=day + timedelta(days=3))

    assert sweep_events(today=day) == 1  # the wave's opening (not subscribed); the gate's baseline: no_data
    assert db.session.get(GateMark, milestone.id).status == "no_data"
    assert deliveries() == []

    add_responses(pulse, group, K, value=5)  # k people published at once, all ready
    assert sweep_events(today=day) == 1
    assert sweep_events(today=day) == 0
    [changed] = deliveries("gate.status_changed")
    data = data_of(changed)
    assert (data["status"], data["previous_status"], data["overridden"]) == ("ready", "no_data", False)
    assert data["milestone"] == {
        "id": milestone.id,
        "name": "Go-live",
        "kind": "go-live",
        "due": (day + timedelta(days=30)).isoformat(),
        "target_element": "ability",
        "threshold": 0.8,
    }
    assert [(g["id"], g["name"], g["status"], g["value"]) for g in data["groups"]] == [
        (group.id, "Sales", "ready", 1.0)
    ]


def test_a_gate_projected_to_miss_is_announced_once(receiver, admin, plan, factory):
    endpoint_for(receiver, admin)
    initiative, group, _ = plan
    day = today()
    milestone = factory.milestone(initiative, name="Go-live", due=day + timedelta(days=60), groups=(group,))
    first = wave(initiative, [group], opens_on=day - timedelta(days=30), closes_on=day - timedelta(days=20))
    second = wave(initiative, [group], opens_on=day - timedelta(days=10), closes_on=day - timedelta(days=1))
    for pulse, ready in ((first, 3), (second, 2)):  # 60%, then 40% reach ability: falling
        add_responses(pulse, group, ready, value=5)
        add_responses(pulse, group, K - ready, value=2)

    announced = sweep_events(today=day)
    missing = deliveries("gate.projected_to_miss")
    assert len(missing) == 1 and deliveries("gate.status_changed") == []  # first sight: no change to report
    data = data_of(missing[0])
    assert data["status"] == "not_ready" and data["milestone"]["id"] == milestone.id
    [cell] = data["groups"]
    assert cell["value"] == pytest.approx(0.4) and cell["projected"] < 0.8
    assert announced == 2  # and the second wave's closing (the first closed before the catch-up window)
    assert sweep_events(today=day) == 0
    assert len(deliveries("gate.projected_to_miss")) == 1


def test_a_survey_response_never_makes_an_event(client, receiver, admin, plan, factory):
    endpoint_for(receiver, admin)
    initiative, group, _ = plan
    pulse = wave(
        initiative, [group], opens_on=today() - timedelta(days=1), closes_on=today() + timedelta(days=5)
    )
    tokens = [invite(pulse, group) for _ in range(K)]
    sweep_events(today=today())  # the wave's opening, announced beforehand
    before = [d.id for d in deliveries()]
    assert len(before) == 1
    db.session.rollback()
    for token in tokens:  # k answers: the group's batch is published on the last one
        form = pulse_form(5, nonce=page_nonce(client, token))
        assert client.post(f"/s/{token}", data=form).status_code == 303
    assert [d.id for d in deliveries()] == before
    assert db.session.get(WaveGroup, (pulse.id, group.id)).n == K  # the answers were published


def test_two_sweeps_at_once_announce_each_event_once(app, receiver, admin, plan, factory):
    endpoint_for(receiver, admin)
    initiative, group, _ = plan
    day = today()
    factory.milestone(initiative, name="Go-live", due=day + timedelta(days=30), groups=(group,))
    for number in range(3):
        wave(initiative, [group], opens_on=day, closes_on=day + timedelta(days=5), name=f"Pulse {number}")
    db.session.rollback()
    start = threading.Barrier(2)
    counts: list[int] = []

    def sweeper():
        with app.app_context():
            start.wait()
            counts.append(sweep_events(today=day))

    threads = [threading.Thread(target=sweeper) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(counts)[-1] == 3 and sum(counts) == 3
    opened = deliveries("wave.opened")
    assert len(opened) == 3 and len({d.event_id for d in opened}) == 3
    assert sweep_events(today=day) == 0
