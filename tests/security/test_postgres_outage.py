"""The database goes away under a submission load and comes back; gunicorn serves the app throughout.

This test's own PostgreSQL database refuses new connections and loses the open ones for a few seconds
(nothing else on the server notices). Every respondent who saw the thank-you page has a stored response,
every other one saw the retry page, retries and later respondents succeed: pool_pre_ping replaces the
dead connections without a restart. Stopping the whole server is tests/ci_only/test_postgres_restart.py.
"""

from __future__ import annotations

import json
import logging
import os

import pytest
from sqlalchemy import text

from . import drill

POSTGRES_URL = os.environ.get("ADKAR_TEST_POSTGRES_URL")
log = logging.getLogger(__name__)

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not POSTGRES_URL, reason="needs PostgreSQL (ADKAR_TEST_POSTGRES_URL)"),
]


def test_losing_the_database_under_load_loses_no_response(tmp_path):
    with drill.seeded_database(POSTGRES_URL, "adkar_outage", tokens=4000) as seeded:

        def fault() -> None:
            with seeded.admin.connect() as conn:
                conn.execute(text(f'ALTER DATABASE "{seeded.name}" WITH ALLOW_CONNECTIONS false'))
                conn.execute(
                    text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :name"),
                    {"name": seeded.name},
                )

        def recover() -> None:
            with seeded.admin.connect() as conn:
                conn.execute(text(f'ALTER DATABASE "{seeded.name}" WITH ALLOW_CONNECTIONS true'))

        outcome = drill.run(
            seeded,
            fault=fault,
            recover=recover,
            clients=8,
            seconds=10,
            fault_at=3,
            down_for=3,
            log=tmp_path / "gunicorn.log",
        )
        result = drill.report(seeded, outcome)
    log.warning("database outage drill: %s", json.dumps(result))
    assert drill.problems(result) == []
