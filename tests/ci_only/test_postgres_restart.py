"""PostgreSQL stopped and started again under a submission load, with the app served by gunicorn.

Proves: every respondent who got the thank-you page has a stored response; every other one got the clear
retry page (503, "We could not save your answers; please try again"); the app recovers without a restart
(pool_pre_ping) and later submissions, and retries of the refused ones, succeed.

It stops the machine's PostgreSQL cluster, so it runs only when asked: ADKAR_CI_FAULTS=1 and
ADKAR_TEST_POSTGRES_URL set (CI runs it on its own, after `make test`). The cluster is always started
again, whatever happens. The counts land in tests/artifacts/postgres_restart.json.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import time
from pathlib import Path

import pytest

from ..security import drill

pytestmark = pytest.mark.skipif(
    not (os.environ.get("ADKAR_CI_FAULTS") == "1" and os.environ.get("ADKAR_TEST_POSTGRES_URL")),
    reason="CI-only fault test: set ADKAR_CI_FAULTS=1 and ADKAR_TEST_POSTGRES_URL (it stops PostgreSQL)",
)

REPORT = Path(__file__).resolve().parents[1] / "artifacts" / "postgres_restart.json"
log = logging.getLogger(__name__)


def cluster_version() -> str:
    versions = sorted(os.listdir("/etc/postgresql"))
    assert versions, "no PostgreSQL cluster under /etc/postgresql"
    return versions[-1]


def pg_ctl(action: str) -> None:
    command = ["pg_ctlcluster", "--skip-systemctl-redirect", cluster_version(), "main", action]
    subprocess.run([*command, *(["-m", "fast"] if action == "stop" else [])], check=True, timeout=60)


def pg_ready() -> bool:
    return subprocess.run(["pg_isready", "-h", "127.0.0.1", "-p", "5432", "-q"], check=False).returncode == 0


def ensure_started() -> None:
    """Start the cluster if it is down, and wait until it accepts connections."""
    if not pg_ready():
        subprocess.run(
            ["pg_ctlcluster", "--skip-systemctl-redirect", cluster_version(), "main", "start"],
            check=False,
            timeout=60,
        )
    for _ in range(60):
        if pg_ready():
            return
        time.sleep(1)
    raise RuntimeError("PostgreSQL did not come back")


def test_stopping_postgres_under_load_loses_nothing(tmp_path):
    try:
        with drill.seeded_database(os.environ["ADKAR_TEST_POSTGRES_URL"], "adkar_faults", 5000) as seeded:
            outcome = drill.run(
                seeded,
                fault=lambda: pg_ctl("stop"),
                recover=ensure_started,
                clients=8,
                seconds=15,
                fault_at=5,
                down_for=3,
                log=tmp_path / "gunicorn.log",
            )
            result = drill.report(seeded, outcome)
            REPORT.parent.mkdir(parents=True, exist_ok=True)
            REPORT.write_text(json.dumps(result, indent=2))  # before the cleanup, which could fail
            log.warning("PostgreSQL restart drill: %s", json.dumps(result))
    finally:
        ensure_started()
    assert drill.problems(result) == []
