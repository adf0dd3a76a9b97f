"""Rate limits answer 429 (a page, or JSON under /api/) with in-memory storage and with Redis, and app
servers that share Redis share their counters (ADKAR_RATELIMIT_STORAGE_URI).

Redis is expected at 127.0.0.1:6379; these tests use database 15 and callers of their own (whose keys are
removed afterwards), so parallel workers never see each other's counters. Without Redis they skip, unless
ADKAR_REQUIRE_REDIS=1 (CI), where they fail.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from adkar.extensions import limiter

from ..surveys.wavedata import invite, make_wave, pulse_form
from . import payload_world
from .servers import gunicorn
from .webclient import Browser

REDIS_URI = os.environ.get("ADKAR_TEST_REDIS_URI", "redis://127.0.0.1:6379/15")
LOGIN_LIMIT = 10  # the per-minute figure of the default LOGIN_RATE_LIMIT


def redis_client():
    import redis

    client = redis.Redis.from_url(REDIS_URI, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.exceptions.ConnectionError as exc:
        message = f"Redis is not reachable at {REDIS_URI}: {exc}"
        if os.environ.get("ADKAR_REQUIRE_REDIS"):
            pytest.fail(message)
        pytest.skip(message)
    return client


@pytest.fixture(params=["memory", "redis"])
def storage(request) -> str:
    if request.param == "redis":
        redis_client().close()
        return REDIS_URI
    return "memory://"


@dataclass(frozen=True)
class Caller:
    """Who this test's requests come from: an address and emails no other test uses, so counters in the
    shared Redis database never mix (the limiter is one object per process and keeps the key prefix of
    the first app it served, so a per-test RATELIMIT_KEY_PREFIX cannot separate tests in one process)."""

    marker: str

    @property
    def address(self) -> str:
        return f"2001:db8::{self.marker[:4]}:{self.marker[4:8]}:{self.marker[8:12]}"

    def client(self, app):
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = self.address
        return client

    def email(self, name: str) -> str:
        return f"{name}-{self.marker}@example.test"


@pytest.fixture
def caller(storage) -> Iterator[Caller]:
    made = Caller(uuid.uuid4().hex[:12])
    yield made
    if storage.startswith("redis"):
        forget_keys(made.marker, made.address)


@pytest.fixture
def key_prefix(storage) -> Iterator[str]:
    """For the servers in processes of their own, where the prefix does apply."""
    prefix = f"adkar-test-{uuid.uuid4().hex}"
    yield prefix
    if storage.startswith("redis"):
        forget_keys(prefix)


def forget_keys(*parts: str) -> None:
    client = redis_client()
    for part in parts:
        keys = list(client.scan_iter(match=f"*{part}*"))
        if keys:
            client.delete(*keys)
    client.close()


@pytest.fixture
def app_config(app_config, storage):
    return {
        **app_config,
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_STORAGE_URI": storage,
        "API_RATE_LIMIT": "3 per minute",
        "TOKEN_RATE_LIMIT": "3 per minute",
    }


@pytest.fixture(autouse=True)
def _fresh_memory_counters(app, storage):
    if storage.startswith("memory"):
        limiter.reset()
    yield
    if storage.startswith("memory"):
        limiter.reset()


def test_sign_in_limit_answers_429_page(app, caller):
    client = caller.client(app)
    for attempt in range(LOGIN_LIMIT):
        response = client.post("/login", data={"email": caller.email(f"guess{attempt}"), "password": "wrong"})
        assert response.status_code == 400, attempt
    refused = client.post("/login", data={"email": caller.email("someone"), "password": "wrong"})
    assert refused.status_code == 429
    assert refused.mimetype == "text/html"
    assert "Too many unsuccessful sign-in attempts" in refused.text
    assert int(refused.headers["Retry-After"]) > 0


def test_api_limit_answers_429_json(app, storage, caller):
    world = payload_world.build(app, "Limited rollout")
    client = caller.client(app)
    headers = {"Authorization": f"Bearer {world.api_token}"}
    assert [client.get("/api/v1/me", headers=headers).status_code for _ in range(3)] == [200] * 3
    refused = client.get("/api/v1/me", headers=headers)
    assert refused.status_code == 429 and refused.mimetype == "application/json"
    assert refused.get_json()["error"]["status"] == 429
    assert "Retry-After" in refused.headers
    if storage.startswith("redis"):
        forget_keys(hashlib.sha256(world.api_token.encode()).hexdigest()[:32])


def test_token_page_limit_answers_429_page(app, caller):
    client = caller.client(app)
    statuses = [client.get(f"/s/guess-{attempt}").status_code for attempt in range(4)]
    assert statuses == [404, 404, 404, 429]
    refused = client.post("/o/guess-5", data={})  # one limit for both kinds of link, GET and POST
    assert refused.status_code == 429
    assert refused.mimetype == "text/html" and "Too many attempts" in refused.text
    assert 0 < int(refused.headers["Retry-After"]) <= 60


def test_a_real_link_opens_while_guesses_from_its_address_are_refused(app, factory, caller):
    wave, groups, _ = make_wave(factory)
    token = invite(wave, groups[0])
    client = caller.client(app)
    assert [client.get(f"/s/guess-{attempt}").status_code for attempt in range(4)] == [404, 404, 404, 429]

    assert client.get(f"/s/{token}").status_code == 200
    assert client.post(f"/s/{token}", data=pulse_form(4)).status_code == 303
    assert client.get("/s/guess-5").status_code == 429


def test_a_valid_api_token_is_served_while_its_address_is_refused(app, storage, caller):
    app.config["API_AUTH_FAILURE_LIMIT"] = "3 per minute"
    world = payload_world.build(app, "Office rollout")
    client = caller.client(app)
    made_up = [f"adk_made-up-{caller.marker}-{i}" for i in range(4)]
    refused = [client.get("/api/v1/me", headers={"Authorization": f"Bearer {t}"}) for t in made_up]
    assert [r.status_code for r in refused] == [401, 401, 401, 429]

    valid = client.get("/api/v1/me", headers={"Authorization": f"Bearer {world.api_token}"})
    assert valid.status_code == 200
    if storage.startswith("redis"):  # each token sent has a budget of its own
        forget_keys(*(hashlib.sha256(t.encode()).hexdigest()[:32] for t in [*made_up, world.api_token]))


@pytest.mark.slow
def test_two_servers_share_counters_only_through_redis(sqlite_template, storage, key_prefix, tmp_path):
    """Ten failed sign-ins split over two gunicorn servers: with Redis the 11th is refused, in memory it
    is not (each server counts on its own). The database plays no part, so one engine is enough."""
    database = tmp_path / "adkar.sqlite3"
    shutil.copyfile(sqlite_template, database)
    env = {
        "DATABASE_URL": f"sqlite:///{database}",
        "ADKAR_SECRET_KEY": "shared-secret-for-two-servers",
        "ADKAR_WTF_CSRF_ENABLED": "false",
        "ADKAR_RATELIMIT_STORAGE_URI": storage,
        "ADKAR_RATELIMIT_KEY_PREFIX": key_prefix,
    }
    with gunicorn(env, log=tmp_path / "a.log") as first, gunicorn(env, log=tmp_path / "b.log") as second:
        servers = [Browser(first), Browser(second)]
        for attempt in range(LOGIN_LIMIT):
            page = servers[attempt % 2].post("/login", {"email": f"g{attempt}@example.test", "password": "x"})
            assert page.status == 400, (attempt, page.status)
        eleventh = servers[0].post("/login", {"email": "last@example.test", "password": "x"})
    assert eleventh.status == (429 if storage.startswith("redis") else 400)
