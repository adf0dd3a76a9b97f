"""Deliveries against a real receiver that verifies each one with the standardwebhooks library."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import select

from adkar.database import begin_write
from adkar.events import announce
from adkar.extensions import db
from adkar.timeutil import utc_now
from adkar.webhooks import services
from adkar.webhooks.delivery import BACKOFF, MAX_ATTEMPTS, deliver_due
from adkar.webhooks.models import WebhookDelivery

from .helpers import deliveries, endpoint_for


@pytest.fixture
def admin(factory):
    return factory.user("admin")


def announce_committed(event_type: str, data: dict, initiative_id: int | None = None) -> None:
    begin_write()
    announce(event_type, data, initiative_id=initiative_id)
    db.session.commit()


def test_an_event_arrives_signed_as_the_standard_says(receiver, admin):
    endpoint = endpoint_for(receiver, admin)
    announce_committed("import.finished", {"import": {"kind": "usage", "rows": 12}})
    [delivery] = deliveries()
    assert (delivery.endpoint_id, delivery.status, delivery.attempts) == (endpoint.id, "pending", 0)
    assert delivery.event_id.startswith("msg_")

    assert deliver_due(now=utc_now()) == 1

    [got] = receiver.received
    assert got.error == "" and got.verified is not None
    assert got.verified["type"] == "import.finished"
    assert got.verified["data"] == {"import": {"kind": "usage", "rows": 12}}
    assert got.verified["timestamp"].endswith("Z")
    assert got.headers["webhook-id"] == delivery.event_id
    assert got.headers["content-type"] == "application/json"
    assert got.path == "/hooks/adkar"
    [delivery] = deliveries()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("delivered", 1, 200)
    assert delivery.next_attempt_at is None and delivery.delivered_at is not None
    assert deliver_due(now=utc_now() + timedelta(days=1)) == 0


def test_an_event_rolled_back_with_its_change_is_never_sent(receiver, admin):
    endpoint_for(receiver, admin)
    begin_write()
    announce("job.finished", {"job": {"id": 1, "status": "succeeded"}})
    db.session.rollback()
    assert deliveries() == []
    assert deliver_due(now=utc_now()) == 0 and receiver.received == []


def test_a_failed_attempt_is_retried_after_the_backoff_with_the_same_id_and_body(receiver, admin):
    endpoint_for(receiver, admin)
    announce_committed("job.finished", {"job": {"id": 7}})
    receiver.statuses = [500]
    start = utc_now()

    assert deliver_due(now=start) == 1
    [delivery] = deliveries()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("pending", 1, 500)
    assert delivery.last_error == "HTTP 500 Internal Server Error"
    assert delivery.next_attempt_at == start + BACKOFF[0]

    assert deliver_due(now=start + BACKOFF[0] - timedelta(seconds=1)) == 0  # not yet due
    assert deliver_due(now=start + BACKOFF[0]) == 1
    [delivery] = deliveries()
    assert (delivery.status, delivery.attempts, delivery.last_status_code, delivery.last_error) == (
        "delivered",
        2,
        200,
        "",
    )
    first, second = receiver.received
    assert first.body == second.body and first.headers["webhook-id"] == second.headers["webhook-id"]
    assert first.verified and second.verified


def test_after_the_last_attempt_the_delivery_is_failed_until_retried_by_hand(receiver, admin):
    endpoint_for(receiver, admin)
    announce_committed("job.finished", {"job": {"id": 8}})
    receiver.statuses = [503] * MAX_ATTEMPTS
    now = utc_now()
    for attempt in range(MAX_ATTEMPTS):
        assert deliver_due(now=now) == 1
        [delivery] = deliveries()
        assert delivery.attempts == attempt + 1
        if attempt < len(BACKOFF):
            assert delivery.status == "pending" and delivery.next_attempt_at == now + BACKOFF[attempt]
            now = delivery.next_attempt_at
    [delivery] = deliveries()
    assert (delivery.status, delivery.next_attempt_at, delivery.last_status_code) == ("failed", None, 503)
    assert deliver_due(now=now + timedelta(days=30)) == 0
    assert len(receiver.received) == MAX_ATTEMPTS

    assert services.retry(delivery=delivery, actor=admin) is True
    assert deliver_due(now=utc_now()) == 1
    [delivery] = deliveries()
    assert (delivery.status, delivery.attempts) == ("delivered", MAX_ATTEMPTS + 1)
    assert services.retry(delivery=delivery, actor=admin) is False  # only a failed one


def test_a_network_error_is_recorded_and_retried(app, factory, admin):
    services.create_endpoint(actor=admin, url="http://127.0.0.1:9/nothing-listens")
    announce_committed("job.finished", {"job": {"id": 9}})
    now = utc_now()
    assert deliver_due(now=now) == 1
    [delivery] = deliveries()
    assert delivery.status == "pending" and delivery.last_status_code is None
    assert delivery.last_error.startswith("ConnectError")
    assert delivery.next_attempt_at == now + BACKOFF[0]


def test_a_slow_receiver_times_out(app, receiver, admin):
    app.config["WEBHOOKS_TIMEOUT_SECONDS"] = 0.3
    endpoint_for(receiver, admin)
    announce_committed("job.finished", {"job": {"id": 10}})
    receiver.delay = 1.0
    assert deliver_due(now=utc_now()) == 1
    [delivery] = deliveries()
    assert delivery.status == "pending" and delivery.last_error == "No answer within 0.3 s."


def test_redirects_are_not_followed(receiver, admin):
    endpoint_for(receiver, admin)
    announce_committed("job.finished", {"job": {"id": 11}})
    receiver.statuses = [307]
    assert deliver_due(now=utc_now()) == 1
    [delivery] = deliveries()
    assert (delivery.status, delivery.last_status_code) == ("pending", 307)
    assert "Redirects are not followed" in delivery.last_error
    assert len(receiver.received) == 1


def test_two_workers_at_once_never_send_a_delivery_twice(app, receiver, admin):
    endpoint_for(receiver, admin)
    for number in range(12):
        announce_committed("job.finished", {"job": {"id": number}})
    receiver.delay = 0.05
    now = utc_now()
    start = threading.Barrier(2)
    attempted: list[int] = []

    def worker():
        with app.app_context():
            start.wait()
            attempted.append(deliver_due(now=now, limit=8))

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sum(attempted) == 12
    ids = [r.headers["webhook-id"] for r in receiver.received]
    assert len(ids) == 12 and len(set(ids)) == 12
    assert {d.status for d in deliveries()} == {"delivered"}
    assert all(d.attempts == 1 for d in deliveries())


def test_subscriptions_choose_the_endpoints(receiver, admin, factory):
    owner = factory.user("practitioner")
    mine, other = factory.initiative(owner, name="Mine"), factory.initiative(owner, name="Other")
    everything = endpoint_for(receiver, admin)
    waves_only = endpoint_for(receiver, admin, event_types=["wave.opened", "wave.closed"])
    one_initiative = endpoint_for(receiver, admin, initiative_id=mine.id)
    switched_off = endpoint_for(receiver, admin, enabled=False)

    announce_committed("wave.opened", {"wave": {"id": 1}}, initiative_id=mine.id)
    announce_committed("gate.status_changed", {"milestone": {"id": 2}}, initiative_id=other.id)
    announce_committed("job.finished", {"job": {"id": 3}})
    announce_committed("response.received", {"wave": {"id": 1}}, initiative_id=mine.id)  # not an event

    sent = {(d.endpoint_id, d.event_type) for d in deliveries()}
    assert sent == {
        (everything.id, "wave.opened"),
        (everything.id, "gate.status_changed"),
        (everything.id, "job.finished"),
        (waves_only.id, "wave.opened"),
        (one_initiative.id, "wave.opened"),
    }
    assert switched_off.id not in {d.endpoint_id for d in deliveries()}
    # One event, one id, whichever endpoint receives it.
    opened = [d for d in deliveries() if d.event_type == "wave.opened"]
    assert len({d.event_id for d in opened}) == 1 and len({d.payload for d in opened}) == 1


def test_a_test_event_goes_to_its_endpoint_only(receiver, admin):
    endpoint_for(receiver, admin)
    endpoint = endpoint_for(receiver, admin)  # the receiver verifies with this one's secret
    delivery = services.queue_test_event(endpoint=endpoint, actor=admin)
    assert deliver_due(now=utc_now()) == 1
    [got] = receiver.received
    assert got.verified is not None and got.verified["type"] == "webhook.test"
    assert got.verified["data"] == {"endpoint_id": endpoint.id, "message": "A test event from adkar."}
    stored = db.session.scalars(select(WebhookDelivery)).all()
    assert [(d.id, d.endpoint_id) for d in stored] == [(delivery.id, endpoint.id)]
