"""With CSRF protection on (as in production), every account form carries its token and works."""

from __future__ import annotations

import re

import pytest

from ..factories import Factory
from .helpers import add_user, is_signed_in, text

TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')


@pytest.fixture
def app_config(app_config):
    return {**app_config, "WTF_CSRF_ENABLED": True}


def csrf_from(page: str) -> str:
    match = TOKEN.search(page)
    assert match, "the page has no CSRF token field"
    return match.group(1) or match.group(2)


def test_sign_in_without_the_token_is_refused(app, client):
    add_user(app, email="c@example.test")
    response = client.post("/login", data={"email": "c@example.test", "password": Factory.PASSWORD})
    assert response.status_code == 400
    assert "The form expired or was not sent from this site." in text(response)
    assert not is_signed_in(client)


def test_account_forms_carry_their_tokens(app, client):
    add_user(app, email="c@example.test")
    token = csrf_from(text(client.get("/login")))
    response = client.post(
        "/login", data={"email": "c@example.test", "password": Factory.PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302

    account = text(client.get("/account"))
    created = client.post("/account/tokens", data={"name": "ci", "csrf_token": csrf_from(account)})
    assert created.status_code == 201

    sign_out_form = re.search(r'action="/logout".*?</form>', account, re.DOTALL).group(0)
    assert client.post("/logout", data={"csrf_token": csrf_from(sign_out_form)}).status_code == 302
    assert not is_signed_in(client)
