"""Changes that must end a user's other sessions: a new password, being disabled, a new role."""

from __future__ import annotations

from adkar.accounts.models import User

from ..factories import Factory
from .helpers import add_user, is_signed_in, load, signed_in, text

NEW_PASSWORD = "a-brand-new-passphrase"


def test_password_change_signs_out_other_sessions_but_not_this_one(app):
    add_user(app, email="pat@example.test")
    laptop = signed_in(app, "pat@example.test")
    phone = signed_in(app, "pat@example.test")
    response = laptop.post(
        "/account/password", data={"current": Factory.PASSWORD, "new": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    )
    assert response.status_code == 302
    assert is_signed_in(laptop)
    assert not is_signed_in(phone)
    assert (
        app.test_client()
        .post("/login", data={"email": "pat@example.test", "password": Factory.PASSWORD})
        .status_code
        == 400
    )
    signed_in(app, "pat@example.test", NEW_PASSWORD)


def test_wrong_current_password_changes_nothing(app):
    user = add_user(app, email="kim@example.test")
    before = load(app, User, user.id).password_hash
    laptop = signed_in(app, "kim@example.test")
    phone = signed_in(app, "kim@example.test")
    response = laptop.post(
        "/account/password", data={"current": "not-my-password", "new": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    )
    assert response.status_code == 400
    assert "The current password is not correct." in text(response)
    assert load(app, User, user.id).password_hash == before
    assert is_signed_in(phone)


def test_password_rules_are_explained(app):
    add_user(app, email="lee@example.test")
    client = signed_in(app, "lee@example.test")
    short = client.post(
        "/account/password", data={"current": Factory.PASSWORD, "new": "short", "confirm": "short"}
    )
    assert short.status_code == 400 and "Use 10 to 200 characters." in text(short)
    mismatch = client.post(
        "/account/password",
        data={"current": Factory.PASSWORD, "new": NEW_PASSWORD, "confirm": NEW_PASSWORD + "!"},
    )
    assert mismatch.status_code == 400 and "The passwords do not match." in text(mismatch)
    assert is_signed_in(client)


def test_disabling_a_user_ends_their_sessions(app):
    add_user(app, "admin", email="admin@example.test")
    user = add_user(app, email="sam@example.test")
    admin = signed_in(app, "admin@example.test")
    victim = signed_in(app, "sam@example.test")
    response = admin.post(f"/admin/users/{user.id}/active")
    assert response.status_code == 302
    assert "is disabled" in text(admin.get("/admin/users"))
    assert not is_signed_in(victim)
    refused = app.test_client().post(
        "/login", data={"email": "sam@example.test", "password": Factory.PASSWORD}
    )
    assert refused.status_code == 400

    assert admin.post(f"/admin/users/{user.id}/active").status_code == 302
    assert is_signed_in(signed_in(app, "sam@example.test"))


def test_role_change_ends_sessions(app):
    add_user(app, "admin", email="admin@example.test")
    user = add_user(app, email="ro@example.test")
    admin = signed_in(app, "admin@example.test")
    victim = signed_in(app, "ro@example.test")
    assert admin.post(f"/admin/users/{user.id}/role", data={"role": "sponsor"}).status_code == 302
    assert load(app, User, user.id).role == "sponsor"
    assert not is_signed_in(victim)


def test_admin_password_reset_ends_sessions_and_replaces_the_password(app):
    add_user(app, "admin", email="admin@example.test")
    user = add_user(app, email="forgot@example.test")
    admin = signed_in(app, "admin@example.test")
    victim = signed_in(app, "forgot@example.test")
    assert admin.post(f"/admin/users/{user.id}/password", data={"new": NEW_PASSWORD}).status_code == 302
    assert not is_signed_in(victim)
    signed_in(app, "forgot@example.test", NEW_PASSWORD)
    old = app.test_client().post(
        "/login", data={"email": "forgot@example.test", "password": Factory.PASSWORD}
    )
    assert old.status_code == 400
