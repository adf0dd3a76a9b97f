"""The roster API tests call through the API's checking client (tests/api/helpers.py)."""

from __future__ import annotations

import pytest

from tests.api.helpers import ApiClient


@pytest.fixture
def api(client) -> ApiClient:
    return ApiClient(client)
