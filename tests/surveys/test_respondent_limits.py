"""The respondent pages skip Flask-Limiter's app-wide hooks; every other page still goes through them."""

from __future__ import annotations

from collections import Counter

import pytest
from flask import Flask
from flask_limiter import Limiter

from adkar.extensions import limiter
from adkar.surveys import respondent_limits

from .wavedata import count_responses, invite, make_wave, page_nonce, pulse_form

# Flask-Limiter's hooks as init_app registers them: a bound method, a partial of the class's function, and
# a name-mangled bound method.
HOOKS = {
    "before": "_check_request_limit",
    "after": "_Limiter__inject_headers",
    "teardown": "_Limiter__release_context",
}


@pytest.fixture
def hook_calls(monkeypatch) -> Counter:
    """Patched on the class before the app registers them, so each call is counted."""
    calls: Counter = Counter()
    for stage, name in HOOKS.items():
        original = getattr(Limiter, name)

        def counted(self, *args, _original=original, _stage=stage, **kwargs):
            calls[_stage] += 1
            return _original(self, *args, **kwargs)

        monkeypatch.setattr(Limiter, name, counted)
    return calls


@pytest.fixture
def app_config(app_config, hook_calls):
    return {**app_config, "RATELIMIT_ENABLED": True, "WTF_CSRF_ENABLED": True}


@pytest.fixture(autouse=True)
def _fresh_limits(app):
    limiter.reset()
    yield
    limiter.reset()


def test_respondent_pages_skip_flask_limiters_hooks(client, factory, hook_calls):
    wave, groups, _ = make_wave(factory)
    token = invite(wave, groups[0])
    nonce = page_nonce(client, token)
    assert client.post(f"/s/{token}", data=pulse_form(4, nonce=nonce)).status_code == 303
    assert client.get("/s/not-a-token").status_code == 404
    assert count_responses() == 1
    assert hook_calls == Counter()


def test_other_pages_still_run_every_hook(client, hook_calls):
    assert client.get("/login").status_code == 200
    assert hook_calls["after"] == hook_calls["teardown"] == 1
    assert hook_calls["before"] == 2  # the app-wide hook, then the sign-in view's own decorated limit


def test_the_app_refuses_to_start_when_the_hooks_are_not_where_expected():
    bare = Flask(__name__)
    bare.config["RATELIMIT_ENABLED"] = True  # but Flask-Limiter was never initialised on it
    with pytest.raises(RuntimeError, match="Flask-Limiter's 3 app-wide hooks"):
        respondent_limits.init_app(bare)


def test_nothing_to_skip_when_the_limits_are_off():
    bare = Flask(__name__)
    bare.config["RATELIMIT_ENABLED"] = False
    respondent_limits.init_app(bare)
    assert bare.before_request_funcs == {}
