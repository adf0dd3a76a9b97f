"""Sign-in throttling (adkar/accounts/views.py): failures only count, per address and per account (the email
asked for); the 11th failure within a minute is refused, from one address or against one email. Signing in
never counts, so an office behind one address is paused only by failures; while a window is full even the
right password waits (it is checked after the limits, so they cannot tell a guesser which one is right)."""

from __future__ import annotations

import pytest

from adkar.extensions import limiter

from .. import ratelimit_clock
from ..factories import Factory
from .helpers import add_user, text

LIMIT = 10  # LOGIN_RATE_LIMIT's per-minute figure
HOURLY = 50  # and its per-hour one
OFFICE = "203.0.113.10"


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


def test_the_defaults_are_the_ones_these_tests_assume(app):
    assert app.config["LOGIN_RATE_LIMIT"] == f"{LIMIT} per minute; {HOURLY} per hour"


def test_an_office_signing_in_together_is_not_refused(app):
    """Sixty colleagues behind one address sign in within the minute, nine of them after a typo."""
    people = [add_user(app, email=f"colleague{i}@example.test") for i in range(60)]
    client = app.test_client()
    for i, person in enumerate(people):
        if i % 7 == 0 and i // 7 < LIMIT - 1:
            assert _sign_in(client, person.email, "a-typo-in-it", address=OFFICE).status_code == 400
        signed_in = _sign_in(app.test_client(), person.email, Factory.PASSWORD, address=OFFICE)
        assert signed_in.status_code == 302, i


def test_failures_against_one_account_pause_that_account_only(app):
    add_user(app, email="pat@example.test")
    add_user(app, email="sam@example.test")
    client = app.test_client()
    for attempt in range(LIMIT):
        response = _sign_in(client, "pat@example.test", "wrong-password", address=f"198.51.100.{attempt}")
        assert response.status_code == 400, attempt

    assert _sign_in(client, "pat@example.test", Factory.PASSWORD, address="198.51.100.0").status_code == 429
    for attempt in range(LIMIT):  # the same addresses: none of them is paused for anyone else
        signed_in = _sign_in(app.test_client(), "sam@example.test", Factory.PASSWORD, f"198.51.100.{attempt}")
        assert signed_in.status_code == 302, attempt


def test_the_right_password_from_a_paused_office_waits_for_the_window(app, monkeypatch):
    clock = ratelimit_clock.install(monkeypatch)
    add_user(app, email="pat@example.test")
    client = app.test_client()
    for attempt in range(LIMIT):  # someone in the office tries other people's accounts
        assert _sign_in(client, f"victim{attempt}@example.test", "guess", address=OFFICE).status_code == 400

    paused = _sign_in(app.test_client(), "pat@example.test", Factory.PASSWORD, address=OFFICE)
    assert paused.status_code == 429 and 0 < int(paused.headers["Retry-After"]) <= 60
    clock.advance(61)
    again = _sign_in(app.test_client(), "pat@example.test", Factory.PASSWORD, address=OFFICE)
    assert again.status_code == 302


def test_refusals_during_a_pause_do_not_use_up_the_hours_budget(app, monkeypatch):
    """Ten failures pause the address for the minute; retrying meanwhile is refused, not counted, so after
    the minute the right password signs in: the refusals never reach the hour's budget."""
    clock = ratelimit_clock.install(monkeypatch)
    add_user(app, email="pat@example.test")
    client = app.test_client()
    for attempt in range(LIMIT):
        assert _sign_in(client, "pat@example.test", "wrong-password").status_code == 400, attempt
    for retry in range(HOURLY):
        assert _sign_in(client, "pat@example.test", "wrong-password").status_code == 429, retry
    clock.advance(61)
    assert _sign_in(client, "pat@example.test", Factory.PASSWORD).status_code == 302
