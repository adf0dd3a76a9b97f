"""Fixtures for the alert tests: the issue-7 cast around one initiative, and a real SMTP server."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.actions.conftest import cast  # noqa: F401 - the fixture
from tests.surveys.mailbox import Mailbox, smtp_server


@pytest.fixture
def mailbox() -> Iterator[Mailbox]:
    with smtp_server() as box:
        yield box


@pytest.fixture
def app_config(app_config, mailbox) -> dict:
    return {
        **app_config,
        "SMTP_HOST": mailbox.host,
        "SMTP_PORT": mailbox.port,
        "SMTP_SENDER": "Readiness team <adkar@example.test>",
        "SMTP_TIMEOUT": 5,
    }
