"""The command line issues tokens that work against the API, and creates users who can sign in."""

from __future__ import annotations

from sqlalchemy import select

from adkar.accounts import services as accounts
from adkar.accounts.models import ApiToken, User
from adkar.extensions import db

from .helpers import count

PASSWORD = "a-long-enough-password"


def test_create_api_token_prints_a_working_token_on_its_last_line(runner, api, factory):
    user = factory.user("sponsor", email="reader@example.test")
    result = runner.invoke(args=["create-api-token", "Reader@Example.test", "--name", "reporting"])
    assert result.exit_code == 0, result.output
    token = result.output.strip().splitlines()[-1]
    assert token.startswith("adk_") and " " not in token
    response = api.get("/me", token)
    assert response.status_code == 200
    assert response.get_json()["email"] == "reader@example.test"
    db.session.rollback()
    stored = db.session.scalar(select(ApiToken).where(ApiToken.user_id == user.id))
    assert stored.name == "reporting"
    assert token not in (stored.token_hash, stored.prefix)  # only a hash is kept


def test_create_api_token_refuses_unknown_and_disabled_users(runner, factory):
    result = runner.invoke(args=["create-api-token", "nobody@example.test"])
    assert result.exit_code != 0
    assert "No active user" in result.output
    user = factory.user("practitioner")
    accounts.set_active(user=user, active=False, actor_id=user.id)
    result = runner.invoke(args=["create-api-token", user.email])
    assert result.exit_code != 0
    assert count(ApiToken) == 0


def test_create_user_with_a_password_option(runner, factory):
    result = runner.invoke(
        args=["create-user", "Ann@Example.test", "--role", "practitioner", "--password", PASSWORD]
    )
    assert result.exit_code == 0, result.output
    assert "Created practitioner ann@example.test" in result.output
    db.session.rollback()
    assert accounts.authenticate(email="ann@example.test", password=PASSWORD) is not None


def test_create_user_prompts_for_the_password_twice(runner, factory):
    result = runner.invoke(
        args=["create-user", "bo@example.test", "--role", "sponsor"], input=f"{PASSWORD}\n{PASSWORD}\n"
    )
    assert result.exit_code == 0, result.output
    assert PASSWORD not in result.output  # hidden input
    db.session.rollback()
    user = accounts.authenticate(email="bo@example.test", password=PASSWORD)
    assert user is not None and user.role == "sponsor"


def test_create_user_refuses_short_passwords_and_duplicates(runner, factory):
    result = runner.invoke(args=["create-user", "cy@example.test", "--role", "admin"], input="pw\npw\n")
    assert result.exit_code != 0
    assert "at least" in result.output
    assert count(User) == 0
    args = ["create-user", "cy@example.test", "--role", "admin", "--password", PASSWORD]
    assert runner.invoke(args=args).exit_code == 0
    again = runner.invoke(args=args)
    assert again.exit_code != 0 and "already exists" in again.output
    assert count(User) == 1
