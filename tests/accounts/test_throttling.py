"""Sign-in throttling: the 11th failure within a minute is refused, from one address or against one email."""

from __future__ import annotations

import pytest

from adkar.extensions import limiter

from ..factories import Factory
from .helpers import add_user, text

LIMIT = 10  # LOGIN_RATE_LIMIT's per-minute figure


@pytest.fixture
def app_config(app_config):
    return {**app_config, "RATELIMIT_ENABLED": True}


@pytest.fixture(autouse=True)
def _fresh_limiter(app):
    """The limiter object is shared by every app in the process: start and end with empty counters."""
    limiter.reset()
    yield
    limiter.reset()


def _sign_in(client, email: str, password: str, address: str = "192.0.2.1"):
    return client.post(
        "/login", data={"email": email, "password": password}, environ_base={"REMOTE_ADDR": address}
    )


def test_eleventh_failure_from_one_address_is_refused(app):
    add_user(app, email="pat@example.test")
    client = app.test_client()
    for attempt in range(LIMIT):
        response = _sign_in(client, f"guess{attempt}@example.test", "wrong-password")
        assert response.status_code == 400, attempt
    refused = _sign_in(client, "pat@example.test", Factory.PASSWORD)
    assert refused.status_code == 429
    body = text(refused)
    assert "Too many attempts" in body and "wait a minute" in body
    assert int(refused.headers["Retry-After"]) > 0
    assert _sign_in(client, "pat@example.test", Factory.PASSWORD, address="192.0.2.99").status_code == 302


def test_eleventh_failure_against_one_email_is_refused_from_any_address(app):
    add_user(app, email="pat@example.test")
    client = app.test_client()
    for attempt in range(LIMIT):
        response = _sign_in(client, "pat@example.test", "wrong-password", address=f"198.51.100.{attempt}")
        assert response.status_code == 400, attempt
    refused = _sign_in(client, "PAT@example.test", Factory.PASSWORD, address="203.0.113.7")
    assert refused.status_code == 429


def test_successful_sign_ins_do_not_count(app):
    add_user(app, email="pat@example.test")
    for _ in range(LIMIT + 2):
        assert _sign_in(app.test_client(), "pat@example.test", Factory.PASSWORD).status_code == 302
    client = app.test_client()
    for attempt in range(LIMIT):
        assert _sign_in(client, "pat@example.test", "wrong-password").status_code == 400, attempt
    assert _sign_in(client, "pat@example.test", "wrong-password").status_code == 429


def test_viewing_the_form_does_not_count(app):
    client = app.test_client()
    for _ in range(LIMIT + 5):
        assert client.get("/login", environ_base={"REMOTE_ADDR": "192.0.2.5"}).status_code == 200
