"""Signing in and out: real password hashes, no hints about which accounts exist, no open redirects."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from werkzeug.security import check_password_hash

from adkar.accounts import services
from adkar.accounts.models import User
from adkar.extensions import db

from ..factories import Factory
from .helpers import DOMAIN, add_user, is_signed_in, session_cookie, signed_in, text, without_csrf


@pytest.mark.real_password_hashing
def test_passwords_are_stored_as_salted_strong_hashes(app, factory):
    first = factory.user(email="first@example.test")
    second = factory.user(email="second@example.test")
    stored = db.session.scalars(select(User.password_hash).order_by(User.id)).all()
    assert Factory.PASSWORD not in stored[0]
    assert stored[0].startswith("scrypt:32768:8:1$"), stored[0][:20]
    assert stored[0] != stored[1], "the same password must hash differently for two users (salt)"
    assert check_password_hash(first.password_hash, Factory.PASSWORD)
    assert not check_password_hash(second.password_hash, Factory.PASSWORD + "x")


def test_sign_in_and_out_through_the_forms(app, client, auth):
    user = add_user(app, email="Pat@Example.test")
    assert not is_signed_in(client)
    response = auth.login(" PAT@example.TEST ", Factory.PASSWORD)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/")
    page = client.get("/account")
    assert page.status_code == 200 and user.email in text(page)
    response = auth.logout()
    assert response.status_code == 302 and response.headers["Location"].endswith("/login")
    assert "You are signed out." in text(client.get("/login"))
    assert not is_signed_in(client)


def test_sign_in_page_is_accessible(client):
    page = text(client.get("/login"))
    assert '<label for="email">Email</label>' in page
    assert '<label for="password">Password</label>' in page
    assert 'autocomplete="current-password"' in page
    assert 'href="#main"' in page and 'id="main"' in page


def test_unknown_email_and_wrong_password_answer_identically(app):
    add_user(app, email="known@example.test")
    unknown = app.test_client().post(
        "/login", data={"email": "nobody@example.test", "password": "wrong-password"}
    )
    wrong = app.test_client().post(
        "/login", data={"email": "known@example.test", "password": "wrong-password"}
    )
    assert unknown.status_code == wrong.status_code == 400
    assert "Email or password is not correct." in text(wrong)
    body_unknown = without_csrf(text(unknown)).replace("nobody@example.test", "EMAIL")
    body_wrong = without_csrf(text(wrong)).replace("known@example.test", "EMAIL")
    assert body_unknown == body_wrong


def test_unknown_email_still_checks_a_password_hash(app, monkeypatch):
    """Both paths pay for one hash check, so timing does not reveal which emails have accounts."""
    calls = []
    real = services.check_password_hash
    monkeypatch.setattr(services, "check_password_hash", lambda h, p: calls.append(h) or real(h, p))
    with app.app_context():
        assert services.authenticate(email="nobody@example.test", password="whatever-password") is None
    assert len(calls) == 1


def test_disabled_user_cannot_sign_in(app):
    admin = add_user(app, "admin")
    user = add_user(app, email="gone@example.test")
    with app.app_context():
        services.set_active(user=db.session.get(User, user.id), active=False, actor_id=admin.id)
    client = app.test_client()
    response = client.post("/login", data={"email": "gone@example.test", "password": Factory.PASSWORD})
    assert response.status_code == 400
    assert "Email or password is not correct." in text(response)
    assert not is_signed_in(client)


def test_empty_form_is_refused_with_messages(client):
    response = client.post("/login", data={"email": "", "password": ""})
    assert response.status_code == 400
    body = text(response)
    assert "Enter your email address." in body and "Enter your password." in body
    assert 'class="error-summary"' in body


def test_sign_out_ends_the_session_for_a_replayed_cookie(app):
    add_user(app, email="replay@example.test")
    client = signed_in(app, "replay@example.test")
    stolen = session_cookie(client)
    assert client.post("/logout").status_code == 302

    attacker = app.test_client()
    attacker.set_cookie("session", stolen, domain=DOMAIN)
    assert not is_signed_in(attacker)


def test_replayed_cookie_works_before_sign_out(app):
    """The control for the replay test: the copied cookie is a real, working session."""
    add_user(app, email="replay2@example.test")
    client = signed_in(app, "replay2@example.test")
    copy = app.test_client()
    copy.set_cookie("session", session_cookie(client), domain=DOMAIN)
    assert is_signed_in(copy)


def test_get_request_cannot_sign_out(app, client, auth):
    add_user(app, email="stay@example.test")
    auth.login("stay@example.test")
    assert client.get("/logout").status_code == 405
    assert is_signed_in(client)


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/path",
        "/\\evil.example",
        "\\\\evil.example",
        "javascript:alert(1)",
        "http:/evil.example",
        "/\r\nLocation: https://evil.example",
        "/\t/evil.example",
        "evil.example",
    ],
)
def test_next_cannot_leave_the_site(app, target):
    add_user(app, email="next@example.test")
    response = app.test_client().post(
        "/login",
        query_string={"next": target},
        data={"email": "next@example.test", "password": Factory.PASSWORD},
    )
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location in ("/", f"http://{DOMAIN}/"), location


def test_next_returns_to_the_page_that_asked_for_sign_in(app):
    add_user(app, email="back@example.test")
    client = app.test_client()
    redirect = client.get("/account")
    assert redirect.status_code == 302
    login_url = redirect.headers["Location"]
    assert "next=%2Faccount" in login_url
    response = client.post(login_url, data={"email": "back@example.test", "password": Factory.PASSWORD})
    assert response.status_code == 302 and response.headers["Location"].endswith("/account")


def test_signed_in_user_visiting_login_goes_home(app, client, auth):
    add_user(app, email="home@example.test")
    auth.login("home@example.test")
    response = client.get("/login", query_string={"next": "https://evil.example"})
    assert response.status_code == 302 and response.headers["Location"] in ("/", f"http://{DOMAIN}/")
