"""Wrong shared secrets count against the address's failure budget, like made-up API tokens."""

from __future__ import annotations

import pytest

from tests.change_records.test_inbound_sync import CHANGE, SECRET, post


@pytest.fixture
def app_config(app_config) -> dict:
    return {**app_config, "RATELIMIT_ENABLED": True, "API_AUTH_FAILURE_LIMIT": "3 per minute"}


def test_guessing_the_secret_is_slowed_down(client, app):
    app.config["ITSM_SHARED_SECRET"] = SECRET
    try:
        statuses = [post(client, "servicenow", CHANGE, secret=f"guess-{i}").status_code for i in range(5)]
    finally:
        app.config["ITSM_SHARED_SECRET"] = ""
    assert statuses == [401, 401, 401, 429, 429]
