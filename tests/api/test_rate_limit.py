"""The API's rate limits (adkar/api/auth.py): every request per token, answered with a JSON 429; failed
authentication per address, where a valid token is never refused for other requests' failures."""

from __future__ import annotations

import pytest

from .helpers import make_person


@pytest.fixture
def app_config(app_config) -> dict:
    return {**app_config, "RATELIMIT_ENABLED": True, "API_RATE_LIMIT": "3 per minute"}


def test_a_token_over_its_budget_gets_json_429(api, factory):
    first, second = make_person(factory, "practitioner"), make_person(factory, "practitioner")
    assert [api.get("/me", first.token).status_code for _ in range(3)] == [200, 200, 200]
    response = api.get("/me", first.token)
    assert response.status_code == 429
    assert response.get_json()["error"]["status"] == 429
    assert "Retry-After" in response.headers
    assert api.get("/me", second.token).status_code == 200  # another token has its own budget


def test_made_up_tokens_count_against_the_address(app, api, factory):
    app.config["API_AUTH_FAILURE_LIMIT"] = "3 per minute"
    person = make_person(factory, "practitioner")
    assert [api.get("/me", f"made-up-{i}").status_code for i in range(3)] == [401] * 3
    refused = api.get("/me", "made-up-4")  # a new guess gets no fresh budget
    assert refused.status_code == 429 and refused.get_json()["error"]["status"] == 429
    elsewhere = app.test_client().get(
        "/api/v1/me",
        headers={"Authorization": f"Bearer {person.token}"},
        environ_base={"REMOTE_ADDR": "198.51.100.20"},
    )
    assert elsewhere.status_code == 200  # other addresses are not affected


def test_a_valid_token_does_not_use_up_the_guessing_budget(app, api, factory):
    app.config["API_AUTH_FAILURE_LIMIT"] = "2 per minute"
    app.config["API_RATE_LIMIT"] = "100 per minute"
    person = make_person(factory, "practitioner")
    assert [api.get("/me", person.token).status_code for _ in range(5)] == [200] * 5


def test_a_valid_token_is_never_refused_for_failures_from_its_address(app, api, factory):
    app.config["API_AUTH_FAILURE_LIMIT"] = "3 per minute"
    person = make_person(factory, "practitioner")
    assert [api.get("/me", f"made-up-{i}").status_code for i in range(3)] == [401] * 3
    assert api.get("/me", "made-up-4").status_code == 429  # the address's failures are used up

    assert [api.get("/me", person.token).status_code for _ in range(3)] == [200] * 3  # the same address
    assert api.get("/me", None).status_code == 429  # no token at all is a failure like any other
    assert api.get("/openapi.json", None).status_code == 200  # a public page needs no token
