"""Only a valid bearer token opens the API: no cookies, no revoked tokens, no disabled users."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from adkar.accounts import services as accounts
from adkar.accounts.models import ApiToken, User
from adkar.extensions import db
from adkar.plan.models import Initiative
from adkar.timeutil import utc_now

from .helpers import count, fresh

NEW_INITIATIVE = {"name": "CRM rollout", "approach": "iterative", "go_live": "2027-01-15"}


def _assert_401(response, *, invalid_token: bool) -> None:
    assert response.status_code == 401
    assert response.get_json()["error"]["status"] == 401
    challenge = response.headers["WWW-Authenticate"]
    assert challenge.startswith("Bearer ")
    assert ("invalid_token" in challenge) is invalid_token


def test_no_token_is_401_with_a_bearer_challenge(api, cast):
    response = api.get("/me", None)
    _assert_401(response, invalid_token=False)
    assert "Authorization: Bearer" in response.get_json()["error"]["message"]


@pytest.mark.parametrize(
    "header",
    [
        "Bearer adk_not-a-real-token",
        "Bearer not-even-our-prefix",
        "Basic dXNlcjpwYXNz",
        "adk_no-scheme",
        "Bearer ",
    ],
)
def test_bad_authorization_headers_are_401(api, cast, header):
    response = api.get("/me", None, headers={"Authorization": header})
    _assert_401(response, invalid_token=header.startswith("Bearer adk_") or header.startswith("Bearer not"))


def test_the_scheme_is_case_insensitive(api, cast):
    response = api.get("/me", None, headers={"Authorization": f"bearer {cast.owner.token}"})
    assert response.status_code == 200


def test_revoked_token_is_401(api, cast, factory):
    user = db.session.get(User, cast.owner.id)
    token_id = db.session.scalar(select(ApiToken.id).where(ApiToken.user_id == user.id))
    assert accounts.revoke_api_token(user=user, token_id=token_id)
    _assert_401(api.get("/me", cast.owner.token), invalid_token=True)


def test_disabled_users_token_is_401(api, cast, factory):
    admin = db.session.get(User, cast.admin.id)
    accounts.set_active(user=db.session.get(User, cast.owner.id), active=False, actor_id=admin.id)
    _assert_401(api.get("/initiatives", cast.owner.token), invalid_token=True)


def test_a_signed_in_session_cookie_alone_is_401(client, auth, api, cast):
    assert auth.login(cast.owner.email).status_code == 302  # signed in for the pages
    assert client.get("/").status_code == 200
    _assert_401(api.get("/me", None), invalid_token=False)
    response = api.post("/initiatives", None, json=NEW_INITIATIVE)
    _assert_401(response, invalid_token=False)
    assert count(Initiative) == 1


def test_writes_without_a_token_store_nothing(api, cast):
    before = count(Initiative)
    _assert_401(api.post("/initiatives", None, json=NEW_INITIATIVE), invalid_token=False)
    _assert_401(api.delete(f"/initiatives/{cast.initiative_id}", "adk_guess"), invalid_token=True)
    assert count(Initiative) == before


def test_me_describes_the_tokens_user(api, cast):
    response = api.get("/me", cast.sponsor.token)
    assert response.status_code == 200
    assert response.get_json() == {
        "id": cast.sponsor.id,
        "email": cast.sponsor.email,
        "name": "",
        "role": "sponsor",
    }


def test_the_openapi_document_needs_no_token(api):
    response = api.get("/openapi.json", None)
    assert response.status_code == 200
    assert response.get_json()["openapi"].startswith("3.1")


def test_api_answers_set_no_session_cookie(api, cast):
    response = api.get("/initiatives", cast.owner.token)
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers


def _last_used(token_user_id: int):
    db.session.rollback()
    return db.session.scalar(select(ApiToken.last_used_at).where(ApiToken.user_id == token_user_id))


def test_last_used_at_is_stamped_at_most_once_a_minute(api, cast):
    assert _last_used(cast.owner.id) is None
    before = utc_now()
    assert api.get("/me", cast.owner.token).status_code == 200
    first = _last_used(cast.owner.id)
    assert first is not None and first >= before.replace(microsecond=0) - timedelta(seconds=1)

    assert api.get("/initiatives", cast.owner.token).status_code == 200
    assert _last_used(cast.owner.id) == first  # within the minute: no write

    stale = utc_now() - timedelta(minutes=2)
    db.session.execute(update(ApiToken).where(ApiToken.user_id == cast.owner.id).values(last_used_at=stale))
    db.session.commit()
    assert api.get("/me", cast.owner.token).status_code == 200
    assert _last_used(cast.owner.id) > stale + timedelta(minutes=1)


def test_a_failed_authentication_stamps_nothing(api, cast, factory):
    user = fresh(User, cast.owner.id)
    token_id = db.session.scalar(select(ApiToken.id).where(ApiToken.user_id == user.id))
    accounts.revoke_api_token(user=user, token_id=token_id)
    api.get("/me", cast.owner.token)
    assert _last_used(cast.owner.id) is None


def test_unknown_api_paths_answer_json_404(api, cast):
    response = api.get("/no-such-thing", cast.owner.token)
    assert response.status_code == 404
    assert response.get_json()["error"]["status"] == 404


def test_wrong_method_answers_json_405_with_allow(api, cast):
    response = api.call("PUT", "/me", cast.owner.token)
    assert response.status_code == 405
    assert response.get_json()["error"]["status"] == 405
    assert "GET" in response.headers["Allow"]
