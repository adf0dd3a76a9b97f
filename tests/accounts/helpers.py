"""Helpers for the account tests: signed-in clients, page text and whole-database snapshots."""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from adkar.extensions import db

from ..factories import Factory

DOMAIN = "adkar.test"
CSRF_PATTERNS = (
    re.compile(r'(name="csrf-token" content=")[^"]*(")'),
    re.compile(r'(name="csrf_token" type="hidden" value=")[^"]*(")'),
    re.compile(r'(name="csrf_token" value=")[^"]*(")'),
    re.compile(r'(id="csrf_token" name="csrf_token" type="hidden" value=")[^"]*(")'),
)


@dataclass(frozen=True)
class Person:
    id: int
    email: str
    role: str


def add_user(app: Flask, role: str = "practitioner", email: str | None = None) -> Person:
    """Create a user in a short app context of its own.

    The `factory` fixture keeps one app context open for the whole test, and Flask then reuses it for every
    request: `g` (and so Flask-Login's current user) would leak from one request, and one client, to the next.
    """
    with app.app_context():
        user = Factory().user(role, email=email)
        return Person(user.id, user.email, user.role)


def load(app: Flask, model, ident):
    """A fresh copy of one row, read in its own app context."""
    with app.app_context():
        row = db.session.get(model, ident)
        if row is not None:
            db.session.expunge(row)
        return row


def signed_in(app: Flask, email: str, password: str = Factory.PASSWORD) -> FlaskClient:
    """A new client (its own cookie jar, so its own session) signed in through the real form."""
    client = app.test_client()
    response = client.post("/login", data={"email": email, "password": password})
    assert response.status_code == 302, f"sign-in of {email} failed with {response.status_code}"
    return client


def is_signed_in(client: FlaskClient) -> bool:
    """True when the account page opens; a signed-out client is sent to the sign-in page."""
    response = client.get("/account")
    if response.status_code == 200:
        return True
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    return False


def session_cookie(client: FlaskClient) -> str:
    cookie = client.get_cookie("session", domain=DOMAIN)
    assert cookie is not None, "no session cookie was set"
    return cookie.value


def without_csrf(body: str) -> str:
    for pattern in CSRF_PATTERNS:
        body = pattern.sub(r"\1CSRF\2", body)
    return body


def text(response) -> str:
    return response.get_data(as_text=True)


def database_dump(app: Flask) -> dict[str, list[tuple]]:
    """Every row of every table, for 'nothing was stored' assertions."""
    with app.app_context():
        dump = {}
        for table in db.metadata.sorted_tables:
            rows = db.session.execute(select(table)).all()
            dump[table.name] = sorted((tuple(map(repr, row)) for row in rows), key=repr)
        db.session.rollback()
        return dump
