"""A real OpenID provider for the sign-in tests: tests/oidc/provider.js (npm's oidc-provider) run with node.

`make install-test` installs it (npm ci --prefix tests/oidc). Without node the tests skip, unless
ADKAR_REQUIRE_OIDC=1 (CI), where a missing provider fails them.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

HERE = Path(__file__).parent / "oidc"
CLIENT_ID = "adkar-test"
CLIENT_SECRET = "adkar-test-client-secret"
APP_URL = "http://adkar.test"
REDIRECT_URI = f"{APP_URL}/login/oidc/callback"
POST_LOGOUT_URI = f"{APP_URL}/login"
STARTUP_SECONDS = 20


@dataclass(frozen=True)
class RunningProvider:
    issuer: str
    port: int


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def unavailable(message: str) -> None:
    if os.environ.get("ADKAR_REQUIRE_OIDC") == "1":
        pytest.fail(f"ADKAR_REQUIRE_OIDC=1 but {message}")
    pytest.skip(message)


@contextmanager
def running_provider(clock_offset_seconds: int = 0) -> Iterator[RunningProvider]:
    node = shutil.which("node")
    if node is None:
        unavailable("node is not installed: the OpenID sign-in tests need it to run oidc-provider")
    if not (HERE / "node_modules" / "oidc-provider").is_dir():
        unavailable(
            "tests/oidc/node_modules is missing: run `make install-test` (npm ci --prefix tests/oidc)"
        )
    port = _free_port()
    issuer = f"http://127.0.0.1:{port}"
    env = {**os.environ, "OIDC_CLOCK_OFFSET": str(clock_offset_seconds), "NODE_ENV": "test"}
    # A file, not a pipe: nobody reads the output while the tests run, and a full pipe would stall node.
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(
            [
                node,
                str(HERE / "provider.js"),
                str(port),
                issuer,
                CLIENT_ID,
                CLIENT_SECRET,
                REDIRECT_URI,
                POST_LOGOUT_URI,
            ],
            cwd=HERE,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + STARTUP_SECONDS
            while True:
                try:
                    if httpx.get(f"{issuer}/.well-known/openid-configuration", timeout=1).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if process.poll() is not None or time.monotonic() > deadline:
                    log.seek(0)
                    output = log.read().decode(errors="replace")
                    pytest.fail(f"oidc-provider did not start:\n{output}")
                time.sleep(0.1)
            yield RunningProvider(issuer=issuer, port=port)
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
