"""Respondent links under real protections: CSRF on, rate limits on, and tokens kept out of access logs."""

from __future__ import annotations

import logging
import re

import pytest

from adkar.extensions import limiter
from adkar.surveys.respond.views import REDACT_TOKENS

from .wavedata import count_received, invite, make_wave, open_link, pulse_form


@pytest.fixture
def app_config(app_config):
    return {
        **app_config,
        "WTF_CSRF_ENABLED": True,
        "RATELIMIT_ENABLED": True,
        "TOKEN_RATE_LIMIT": "10 per minute",
        "OPEN_LINK_RATE_LIMIT": "3 per minute",
    }


@pytest.fixture(autouse=True)
def _fresh_limits(app):
    limiter.reset()
    yield
    limiter.reset()


def field(html: str, name: str) -> str:
    return re.search(rf'name="{name}" value="([^"]+)"', html).group(1)


def test_form_without_its_nonce_is_re_rendered_with_the_answers(client, factory):
    wave, groups, _ = make_wave(factory)
    token = invite(wave, groups[0])
    page = client.get(f"/s/{token}?lang=de").get_data(as_text=True)

    response = client.post(f"/s/{token}", data=pulse_form(5, lang="de"))

    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Diese Seite ist abgelaufen" in html
    assert 'name="aw1" value="5" checked' in html
    assert count_received() == 0
    ok = client.post(f"/s/{token}", data=pulse_form(5, lang="de", nonce=field(page, "nonce")))
    assert ok.status_code == 303
    assert count_received() == 1


def test_a_personal_form_nonce_works_for_its_own_link_only(client, factory):
    wave, groups, _ = make_wave(factory)
    mine, other = invite(wave, groups[0]), invite(wave, groups[0])
    page = client.get(f"/s/{mine}").get_data(as_text=True)

    stolen = client.post(f"/s/{other}", data=pulse_form(4, nonce=field(page, "nonce")))
    forged = client.post(f"/s/{mine}", data=pulse_form(4, nonce=field(page, "nonce")[:-2] + "xx"))

    assert stolen.status_code == forged.status_code == 400
    assert "This page has expired" in stolen.get_data(as_text=True)
    assert count_received() == 0
    assert client.post(f"/s/{mine}", data=pulse_form(4, nonce=field(page, "nonce"))).status_code == 303
    assert count_received() == 1


def test_open_link_with_its_nonce(client, factory):
    wave, groups, _ = make_wave(factory)
    token = open_link(wave, groups[0])
    page = client.get(f"/o/{token}").get_data(as_text=True)
    data = pulse_form(3, nonce=field(page, "nonce"))
    assert client.post(f"/o/{token}", data=data).status_code == 303
    assert client.post(f"/o/{token}", data=data).status_code == 303
    assert count_received() == 1


def test_guessed_tokens_are_rate_limited_with_a_clear_page(client, factory):
    wave, groups, _ = make_wave(factory)
    token = invite(wave, groups[0])
    statuses = [client.get(f"/s/guess-{i}").status_code for i in range(10)]
    assert statuses == [404] * 10

    blocked = client.get("/s/guess-10?lang=fr")  # the limit counts failures per client, across tokens
    html = blocked.get_data(as_text=True)
    assert blocked.status_code == 429
    assert '<html lang="fr">' in html and "Trop de tentatives" in html
    assert "Retry-After" in blocked.headers
    assert client.get("/o/another-guess").status_code == 429  # open links share the token limit
    assert client.get(f"/s/{token}").status_code == 200  # a real link is never refused
    other_client = client.application.test_client()
    assert other_client.get("/s/guess-0", environ_base={"REMOTE_ADDR": "198.51.100.7"}).status_code == 404


def test_served_forms_are_not_counted_but_stolen_nonces_on_spent_links_are(client, factory):
    """10 failures a minute: eleven pages served and their forms stored use none of it, nor does a form
    posted again to its own spent link (its nonce proves its sender held that link); a nonce taken to other
    spent links fails and counts like a guess."""
    wave, groups, _ = make_wave(factory)
    tokens = [invite(wave, groups[0]) for _ in range(12)]
    pages = {token: client.get(f"/s/{token}").get_data(as_text=True) for token in tokens[:11]}
    stored = [
        client.post(f"/s/{t}", data=pulse_form(4, nonce=field(p, "nonce"))).status_code
        for t, p in pages.items()
    ]
    assert stored == [303] * 11 and count_received() == 11

    first = field(pages[tokens[0]], "nonce")
    for _ in range(12):  # a double click, a second tab, the back button: answered once, never counted
        assert client.post(f"/s/{tokens[0]}", data=pulse_form(4, nonce=first)).status_code == 404
    for spent in tokens[1:11]:
        assert client.post(f"/s/{spent}", data=pulse_form(4, nonce=first)).status_code == 404
    assert client.get("/s/a-guess").status_code == 429  # ten failures: the window is full
    unused = client.post(f"/s/{tokens[11]}", data=pulse_form(4, nonce=first))
    assert unused.status_code == 400  # a real link: its form comes back with a fresh nonce, not refused
    assert count_received() == 11


def test_open_link_answers_are_rate_limited_per_client(client, factory):
    wave, groups, _ = make_wave(factory)
    token = open_link(wave, groups[0])
    statuses = []
    for _ in range(4):
        page = client.get(f"/o/{token}").get_data(as_text=True)
        data = pulse_form(4, nonce=field(page, "nonce"))
        statuses.append(client.post(f"/o/{token}", data=data).status_code)
        if statuses[-1] == 429:
            break
    assert statuses == [303, 303, 303, 429]
    assert count_received() == 3


def test_access_log_lines_never_show_tokens(app, caplog):
    record = logging.LogRecord(
        "werkzeug",
        logging.INFO,
        __file__,
        1,
        '%s - - "%s" %s',
        ("127.0.0.1", "POST /s/Abc_123-xyz HTTP/1.1", 303),
        None,
    )
    assert REDACT_TOKENS in logging.getLogger("werkzeug").filters
    assert REDACT_TOKENS in logging.getLogger("gunicorn.access").filters
    REDACT_TOKENS.filter(record)
    assert record.getMessage() == '127.0.0.1 - - "POST /s/[token] HTTP/1.1" 303'

    with caplog.at_level(logging.INFO, logger="gunicorn.access"):
        logging.getLogger("gunicorn.access").info("GET /o/%s?lang=fr 200", "SeCrEt")
        logging.getLogger("gunicorn.access").info("GET /static/css/app.css 200")
    assert "SeCrEt" not in caplog.text
    assert "/o/[token]?lang=fr" in caplog.text and "/static/css/app.css" in caplog.text


def test_respondent_requests_log_nothing_with_the_token(client, factory, caplog):
    wave, groups, _ = make_wave(factory)
    token = invite(wave, groups[0])
    with caplog.at_level(logging.DEBUG):
        page = client.get(f"/s/{token}").get_data(as_text=True)
        client.post(f"/s/{token}", data=pulse_form(4, nonce=field(page, "nonce")))
        client.get(f"/s/{token}")
    assert token not in caplog.text
