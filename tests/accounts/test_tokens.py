"""API tokens made on the account page: shown once, stored as a hash, revocable only by their owner."""

from __future__ import annotations

import hashlib
import re

from sqlalchemy import select

from adkar.accounts.models import ApiToken, User
from adkar.accounts.services import create_api_token
from adkar.extensions import db

from .helpers import add_user, database_dump, load, signed_in, text

TOKEN = re.compile(r"adk_[A-Za-z0-9_-]{40,}")


def _create(client, name: str = "HR sync") -> str:
    response = client.post("/account/tokens", data={"name": name})
    assert response.status_code == 201
    body = text(response)
    assert "It will not be shown again." in body
    found = set(TOKEN.findall(body))
    assert len(found) == 1, found
    assert "readonly" in body
    return found.pop()


def test_new_token_is_shown_once_and_stored_only_as_a_hash(app):
    add_user(app, email="dev@example.test")
    client = signed_in(app, "dev@example.test")
    plain = _create(client)

    with app.app_context():
        token = db.session.scalar(select(ApiToken))
    assert token.token_hash == hashlib.sha256(plain.encode()).hexdigest()
    assert plain.startswith(token.prefix)
    dump = repr(database_dump(app))
    assert plain not in dump
    assert plain[len(token.prefix) :] not in dump

    page = text(client.get("/account"))
    assert plain not in page
    assert token.prefix in page and "HR sync" in page and "Active" in page


def test_token_works_until_revoked(app):
    add_user(app, email="dev@example.test")
    client = signed_in(app, "dev@example.test")
    plain = _create(client)
    api = app.test_client()
    headers = {"Authorization": f"Bearer {plain}"}
    assert api.get("/api/v1/me", headers=headers).status_code == 200

    with app.app_context():
        token_id = db.session.scalar(select(ApiToken.id))
    response = client.post(f"/account/tokens/{token_id}/revoke")
    assert response.status_code == 302
    assert "The token is revoked." in text(client.get("/account"))
    assert api.get("/api/v1/me", headers=headers).status_code == 401
    assert "Revoked" in text(client.get("/account"))
    assert client.post(f"/account/tokens/{token_id}/revoke").status_code == 404


def test_last_use_is_shown(app):
    add_user(app, email="dev@example.test")
    client = signed_in(app, "dev@example.test")
    plain = _create(client)
    assert text(client.get("/account")).count("Never") == 1
    app.test_client().get("/api/v1/me", headers={"Authorization": f"Bearer {plain}"})
    assert "Never" not in text(client.get("/account"))


def test_another_users_token_cannot_be_revoked(app):
    owner = add_user(app, email="owner@example.test")
    add_user(app, email="other@example.test")
    with app.app_context():
        token, _ = create_api_token(user=db.session.get(User, owner.id), name="owner's")
        token_id = token.id
    other = signed_in(app, "other@example.test")
    before = database_dump(app)
    response = other.post(f"/account/tokens/{token_id}/revoke")
    assert response.status_code == 404
    assert database_dump(app) == before
    assert load(app, ApiToken, token_id).revoked_at is None


def test_overlong_token_name_is_refused(app):
    add_user(app, email="dev@example.test")
    client = signed_in(app, "dev@example.test")
    response = client.post("/account/tokens", data={"name": "x" * 121})
    assert response.status_code == 400
    assert 'class="error-summary"' in text(response)
    assert database_dump(app)["api_tokens"] == []
