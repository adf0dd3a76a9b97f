"""The API's rate limit: per token, answered with a JSON 429."""

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
