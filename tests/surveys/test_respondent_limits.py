"""The survey links' rate limits count failures only (adkar/surveys/respond/limits.py): a whole office
behind one address opens and answers its links without a single refusal, guessing from that address is
refused after TOKEN_RATE_LIMIT failures, and a link that exists is served even then. The limits are
Flask-Limiter's own decorators, run by its unmodified hooks."""

from __future__ import annotations

import re
from collections import Counter
from functools import partial

import pytest
from flask_limiter import Limiter
from flask_limiter.util import get_qualified_name
from sqlalchemy import func, select

from adkar.extensions import db, limiter
from adkar.surveys.models import Invitation
from adkar.surveys.respond import limits as respondent_limits

from .wavedata import count_received, invitation_used, invite, make_wave, open_link, pulse_form

OFFICE = "203.0.113.10"  # one proxy / NAT address for everybody in the office
ELSEWHERE = "198.51.100.7"
LIMIT = 30  # the default TOKEN_RATE_LIMIT, per minute
_NONCE = re.compile(r'name="nonce" value="([^"]+)"')


@pytest.fixture
def app_config(app_config):
    return {**app_config, "RATELIMIT_ENABLED": True, "WTF_CSRF_ENABLED": True}


@pytest.fixture(autouse=True)
def _fresh_limits(app):
    limiter.reset()
    yield
    limiter.reset()


def client_at(app, address: str):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


@pytest.fixture
def office(app):
    return client_at(app, OFFICE)


def nonce_of(page) -> str:
    found = _NONCE.search(page.get_data(as_text=True))
    assert found, f"no nonce in the page (HTTP {page.status_code})"
    return found.group(1)


def used_links(wave_id: int) -> int:
    db.session.rollback()
    query = select(func.count()).select_from(Invitation).where(Invitation.wave_id == wave_id, Invitation.used)
    return db.session.scalar(query)


def answer(client, path: str) -> tuple[int, int]:
    """Open the form and send it back answered, as a browser would: the two status codes."""
    page = client.get(path)
    if page.status_code != 200:
        return page.status_code, 0
    return 200, client.post(path, data=pulse_form(4, nonce=nonce_of(page))).status_code


def test_the_defaults_are_the_ones_these_tests_assume(app):
    assert app.config["TOKEN_RATE_LIMIT"] == f"{LIMIT} per minute"
    assert app.config["OPEN_LINK_RATE_LIMIT"] == "1000 per hour"


def test_300_colleagues_behind_one_address_all_answer_their_personal_links(office, factory):
    wave, groups, _ = make_wave(factory, groups=3)
    tokens = [invite(wave, groups[i % 3]) for i in range(300)]

    statuses = Counter(status for token in tokens for status in answer(office, f"/s/{token}"))

    assert statuses == {200: 300, 303: 300}
    assert used_links(wave.id) == 300
    assert count_received(wave.id) == 300  # held until k arrive, then published: none lost
    assert office.get("/s/a-guess").status_code == 404  # and nothing of it was counted


def test_300_colleagues_behind_one_address_all_answer_an_open_link(office, factory):
    wave, groups, _ = make_wave(factory)
    token = open_link(wave, groups[0])

    statuses = Counter(status for _ in range(300) for status in answer(office, f"/o/{token}"))

    assert statuses == {200: 300, 303: 300}
    assert count_received(wave.id) == 300


def test_guesses_are_refused_after_the_limit_and_real_links_in_between_are_not_counted(app, office, factory):
    wave, groups, _ = make_wave(factory)
    tokens = [invite(wave, groups[0]) for _ in range(LIMIT)]
    for i, token in enumerate(tokens):  # a colleague's link, a guess, a colleague's link, ...
        assert office.get(f"/s/{token}").status_code == 200, i
        assert office.get(f"/s/guess-{i}").status_code == 404, i

    refused = office.get("/s/one-guess-too-many?lang=fr")
    html = refused.get_data(as_text=True)
    assert refused.status_code == 429
    assert '<html lang="fr">' in html and "Trop de tentatives" in html
    assert 0 < int(refused.headers["Retry-After"]) <= 60
    assert office.get("/o/an-open-guess").status_code == 429  # one limit for both kinds of link
    assert office.post("/s/a-posted-guess", data=pulse_form(4)).status_code == 429  # GETs and POSTs alike
    assert client_at(app, ELSEWHERE).get("/s/guess-0").status_code == 404  # per address


def test_used_links_count_like_unknown_ones(office, factory):
    wave, groups, _ = make_wave(factory)
    token = invite(wave, groups[0])
    assert answer(office, f"/s/{token}") == (200, 303)
    assert invitation_used(token)  # (and a fresh snapshot for the requests, which share the test's session)

    assert [office.get(f"/s/{token}").status_code for _ in range(LIMIT)] == [404] * LIMIT
    assert office.get(f"/s/{token}").status_code == 429
    assert office.get("/s/a-fresh-guess").status_code == 429


def test_real_links_are_served_while_guesses_from_their_address_are_refused(office, factory):
    wave, groups, _ = make_wave(factory)
    personal, shared = invite(wave, groups[0]), open_link(wave, groups[0])
    closed_wave, closed_groups, _ = make_wave(factory, opens_in=-10, closes_in=-1)
    early_wave, early_groups, _ = make_wave(factory, opens_in=3, closes_in=10)
    closed, early = invite(closed_wave, closed_groups[0]), invite(early_wave, early_groups[0])
    before = office.get(f"/s/{personal}")  # a colleague opens the form, then someone guesses
    assert [office.get(f"/s/guess-{i}").status_code for i in range(LIMIT)] == [404] * LIMIT
    assert office.get("/s/guess-more").status_code == 429

    assert office.post(f"/s/{personal}", data=pulse_form(4, nonce=nonce_of(before))).status_code == 303
    assert answer(office, f"/o/{shared}") == (200, 303)
    assert office.get(f"/s/{closed}").status_code == 410  # told the survey closed, not "too many"
    assert office.get(f"/s/{early}").status_code == 200  # told when it opens
    assert invitation_used(personal) and count_received(wave.id) == 2
    assert office.get(f"/s/{personal}").status_code == 429  # spent now: as good as a guess


def test_a_colleague_who_opens_a_link_during_the_guessing_still_answers(office, factory):
    wave, groups, _ = make_wave(factory)
    token = invite(wave, groups[0])
    for i in range(LIMIT + 5):
        office.get(f"/s/guess-{i}")

    assert answer(office, f"/s/{token}") == (200, 303)
    assert invitation_used(token)


def test_forms_sent_back_on_a_real_link_are_neither_counted_nor_refused(office, factory):
    """A form with answers out of range, or without its nonce (a page expired), comes back (400) to the
    holder of a real link: a mistake, not a guess."""
    wave, groups, _ = make_wave(factory)
    token = invite(wave, groups[0])
    nonce = nonce_of(office.get(f"/s/{token}"))
    for attempt in range(LIMIT + 5):
        assert office.post(f"/s/{token}", data=pulse_form(9, nonce=nonce)).status_code == 400, attempt
        assert office.post(f"/s/{token}", data=pulse_form(4)).status_code == 400, attempt

    assert office.get("/s/a-guess").status_code == 404  # the address's window is still empty
    assert office.post(f"/s/{token}", data=pulse_form(4, nonce=nonce)).status_code == 303


def test_closed_and_not_yet_open_links_are_not_counted(office, factory):
    closed_wave, closed_groups, _ = make_wave(factory, opens_in=-10, closes_in=-1)
    early_wave, early_groups, _ = make_wave(factory, opens_in=3, closes_in=10)
    closed, early = invite(closed_wave, closed_groups[0]), invite(early_wave, early_groups[0])
    for _ in range(LIMIT + 1):
        assert office.get(f"/s/{closed}").status_code == 410
        assert office.get(f"/s/{early}").status_code == 200
    assert office.get("/s/a-guess").status_code == 404


def test_open_link_answers_count_per_address_once_stored(app, office, factory):
    app.config["OPEN_LINK_RATE_LIMIT"] = "3 per minute"
    wave, groups, _ = make_wave(factory)
    token = open_link(wave, groups[0])
    nonce = nonce_of(office.get(f"/o/{token}"))
    for attempt in range(5):  # forms sent back store nothing and use none of it
        assert office.post(f"/o/{token}", data=pulse_form(9, nonce=nonce)).status_code == 400, attempt

    assert [answer(office, f"/o/{token}") for _ in range(3)] == [(200, 303)] * 3
    page = office.get(f"/o/{token}?lang=de")
    refused = office.post(f"/o/{token}", data=pulse_form(4, nonce=nonce_of(page), lang="de"))
    assert refused.status_code == 429 and '<html lang="de">' in refused.get_data(as_text=True)
    assert "Retry-After" in refused.headers
    assert answer(client_at(app, ELSEWHERE), f"/o/{token}") == (200, 303)
    assert count_received(wave.id) == 4


def test_the_limits_run_in_flask_limiters_own_hooks(app, office):
    """Nothing replaces Flask-Limiter's app-wide hooks, and the link views carry its decorated limits."""
    assert app.before_request_funcs[None].count(limiter._check_request_limit) == 1
    assert app.teardown_request_funcs[None].count(limiter._Limiter__release_context) == 1
    inject = [
        f
        for f in app.after_request_funcs[None]
        if isinstance(f, partial) and f.func is Limiter._Limiter__inject_headers and f.args == (limiter,)
    ]
    assert len(inject) == 1
    for endpoint, scopes in {
        "respond.personal": {respondent_limits.LINK_SCOPE},
        "respond.open": {respondent_limits.LINK_SCOPE, respondent_limits.OPEN_POST_SCOPE},
    }.items():
        name = get_qualified_name(app.view_functions[endpoint])
        with app.app_context():  # the limits' values come from the app's config
            declared = limiter.limit_manager.decorated_limits(name)
        assert {limit.scope for limit in declared} == scopes

    guess = office.get("/s/a-guess")  # Flask-Limiter's after-request hook ran: its headers are there
    assert guess.status_code == 404 and guess.headers["X-RateLimit-Remaining"] == str(LIMIT - 1)
