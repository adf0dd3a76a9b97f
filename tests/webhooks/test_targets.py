"""Which URLs an endpoint may have, and where a delivery may connect: the SSRF defence."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from adkar.database import begin_write
from adkar.events import announce
from adkar.extensions import db
from adkar.timeutil import utc_now
from adkar.validation import ValidationFailed
from adkar.webhooks import services
from adkar.webhooks.delivery import deliver_due
from adkar.webhooks.models import WebhookEndpoint
from adkar.webhooks.targets import TargetRefused, resolve, url_problem

from .helpers import deliveries

PRODUCTION: dict = {}
TESTING = {"TESTING": True}


@pytest.mark.parametrize(
    ("url", "config", "refused_because"),
    [
        ("ftp://hooks.example.com/x", TESTING, "must start with https://"),
        ("javascript:alert(1)", TESTING, "must start with https://"),
        ("https://", TESTING, "no host"),
        ("http://hooks.example.com/x", PRODUCTION, "must use https://"),
        ("https://user:pw@hooks.example.com/x", TESTING, "credentials"),
        ("https://hooks.example.com/x#part", TESTING, "fragment"),
        ("https://127.0.0.1/x", TESTING, "127.0.0.1 is private"),
        ("https://10.1.2.3/x", TESTING, "10.1.2.3 is private"),
        ("https://169.254.169.254/latest/meta-data", TESTING, "169.254.169.254 is private"),
        ("https://[::1]/x", TESTING, "::1 is private"),
        ("https://[::ffff:127.0.0.1]/x", TESTING, "is private"),
        ("https://0.0.0.0/x", TESTING, "is private"),
        ("https://224.0.0.1/x", TESTING, "is private"),
        ("https://hooks.example.com:99999/x", TESTING, "not valid"),
    ],
)
def test_urls_refused(url, config, refused_because):
    problem = url_problem(url, config)
    assert problem is not None and refused_because in problem


@pytest.mark.parametrize(
    ("url", "config"),
    [
        ("https://hooks.example.com/adkar?team=7", PRODUCTION),
        ("http://hooks.example.com/adkar", TESTING),
        ("http://hooks.example.com/adkar", {"DEBUG": True}),
        ("http://hooks.example.com/adkar", {"WEBHOOKS_ALLOW_HTTP": True}),
        ("https://127.0.0.1:8443/x", {"WEBHOOKS_ALLOW_PRIVATE_TARGETS": True}),
        ("https://93.184.215.14/x", PRODUCTION),
    ],
)
def test_urls_allowed(url, config):
    assert url_problem(url, config) is None


def test_a_name_that_resolves_to_a_private_address_is_refused_at_send_time():
    with pytest.raises(TargetRefused, match=r"127\.0\.0\.1 is private"):
        resolve("https://localhost/x", {})
    target = resolve("http://localhost:8080/x?a=1", {"TESTING": True, "WEBHOOKS_ALLOW_PRIVATE_TARGETS": True})
    assert target.url in ("http://127.0.0.1:8080/x?a=1", "http://[::1]:8080/x?a=1")
    assert target.host_header == "localhost:8080" and target.server_name is None


def test_creating_an_endpoint_at_a_private_address_stores_nothing(app, factory):
    app.config["WEBHOOKS_ALLOW_PRIVATE_TARGETS"] = False
    admin = factory.user("admin")
    with pytest.raises(ValidationFailed) as refused:
        services.create_endpoint(actor=admin, url="http://127.0.0.1:8080/hook")
    assert "is private" in refused.value.by_field()["url"][0]
    assert db.session.scalar(select(func.count()).select_from(WebhookEndpoint)) == 0


def test_a_delivery_to_a_private_target_is_refused_and_the_receiver_hears_nothing(app, factory, receiver):
    admin = factory.user("admin")
    # Created under a name, which is resolved at each attempt; then the defence is on.
    url = receiver.url.replace("127.0.0.1", "localhost")
    _, receiver.secret = services.create_endpoint(actor=admin, url=url)
    app.config["WEBHOOKS_ALLOW_PRIVATE_TARGETS"] = False
    begin_write()
    announce("job.finished", {"job": {"id": 1}})
    db.session.commit()

    assert deliver_due(now=utc_now()) == 1
    [delivery] = deliveries()
    assert delivery.status == "failed" and delivery.attempts == 1  # refused: not retried
    assert delivery.last_error.startswith("Refused:") and "is private" in delivery.last_error
    assert receiver.received == []

    app.config["WEBHOOKS_ALLOW_PRIVATE_TARGETS"] = True  # the control: the same delivery arrives when allowed
    if "127.0.0.1" not in resolve(url, app.config).url:
        pytest.skip("localhost resolves to ::1 first here; the receiver listens on 127.0.0.1")
    services.retry(delivery=delivery, actor=admin)
    assert deliver_due(now=utc_now()) == 1
    assert len(receiver.received) == 1 and receiver.received[0].verified is not None
    assert receiver.received[0].headers["host"] == url.split("/")[2]
