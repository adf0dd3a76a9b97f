"""User administration: admins only, every change validated, admins cannot lock themselves out."""

from __future__ import annotations

import pytest

from adkar.accounts.models import User

from .helpers import add_user, database_dump, is_signed_in, load, signed_in, text

NEW_USER = {"email": "new@example.test", "name": "Noor", "role": "sponsor", "password": "long-enough-secret"}


@pytest.mark.parametrize("role", ["practitioner", "sponsor"])
def test_admin_pages_are_forbidden_to_other_roles(app, role):
    target = add_user(app, email="target@example.test")
    add_user(app, role, email="someone@example.test")
    client = signed_in(app, "someone@example.test")
    before = database_dump(app)
    requests = [
        ("GET", "/admin/users", {}),
        ("POST", "/admin/users", NEW_USER),
        ("POST", f"/admin/users/{target.id}/active", {}),
        ("POST", f"/admin/users/{target.id}/role", {"role": "admin"}),
        ("POST", f"/admin/users/{target.id}/password", {"new": "attacker-chosen-pw"}),
    ]
    for method, url, data in requests:
        response = client.open(url, method=method, data=data)
        assert response.status_code == 403, (method, url, response.status_code)
        assert "You do not have access to this" in text(response)
    assert database_dump(app) == before
    assert "/admin/users" not in text(client.get("/account")), "the Users link is for admins only"


def test_admin_lists_users_with_their_controls(app):
    add_user(app, "admin", email="admin@example.test")
    other = add_user(app, "sponsor", email="sponsor@example.test")
    page = text(signed_in(app, "admin@example.test").get("/admin/users"))
    assert "sponsor@example.test" in page and "admin@example.test" in page
    assert f'action="/admin/users/{other.id}/role"' in page
    assert f'action="/admin/users/{other.id}/active"' in page
    assert '<option value="sponsor" selected>Sponsor</option>' in page
    assert "(you)" in page
    assert 'aria-current="page"' in page


def test_admin_creates_a_user_who_can_sign_in(app):
    add_user(app, "admin", email="admin@example.test")
    admin = signed_in(app, "admin@example.test")
    response = admin.post("/admin/users", data=NEW_USER)
    assert response.status_code == 302
    assert "new@example.test can now sign in as sponsor." in text(admin.get("/admin/users"))
    client = signed_in(app, "new@example.test", NEW_USER["password"])
    assert "Noor" in text(client.get("/account"))


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"email": "not-an-email"}, "Enter an email address like name@example.org."),
        ({"email": ""}, "Enter an email address."),
        ({"password": "short"}, "Use 10 to 200 characters."),
        ({"role": "superuser"}, "Not a valid choice"),
        ({"email": "ADMIN@example.test"}, "already exists"),
    ],
)
def test_invalid_new_user_is_refused_and_nothing_is_stored(app, changes, message):
    add_user(app, "admin", email="admin@example.test")
    admin = signed_in(app, "admin@example.test")
    before = database_dump(app)
    response = admin.post("/admin/users", data={**NEW_USER, **changes})
    assert response.status_code == 400
    body = text(response)
    assert message in body and 'class="error-summary"' in body
    assert database_dump(app) == before


def test_admin_cannot_disable_or_demote_themselves(app):
    me = add_user(app, "admin", email="admin@example.test")
    admin = signed_in(app, "admin@example.test")
    admin.post(f"/admin/users/{me.id}/active")
    assert "You cannot disable your own account." in text(admin.get("/admin/users"))
    admin.post(f"/admin/users/{me.id}/role", data={"role": "sponsor"})
    assert "You cannot change your own role" in text(admin.get("/admin/users"))
    row = load(app, User, me.id)
    assert row.active and row.role == "admin"
    assert is_signed_in(admin)


def test_unknown_role_is_refused(app):
    add_user(app, "admin", email="admin@example.test")
    user = add_user(app, email="p@example.test")
    admin = signed_in(app, "admin@example.test")
    admin.post(f"/admin/users/{user.id}/role", data={"role": "owner"})
    assert "Choose one of the roles listed." in text(admin.get("/admin/users"))
    assert load(app, User, user.id).role == "practitioner"


def test_short_reset_password_is_refused(app):
    add_user(app, "admin", email="admin@example.test")
    user = add_user(app, email="p@example.test")
    before = load(app, User, user.id).password_hash
    admin = signed_in(app, "admin@example.test")
    admin.post(f"/admin/users/{user.id}/password", data={"new": "short"})
    assert "Use 10 to 200 characters." in text(admin.get("/admin/users"))
    assert load(app, User, user.id).password_hash == before


def test_unknown_user_is_404(app):
    add_user(app, "admin", email="admin@example.test")
    admin = signed_in(app, "admin@example.test")
    for action in ("active", "role", "password"):
        assert admin.post(f"/admin/users/9999/{action}").status_code == 404
