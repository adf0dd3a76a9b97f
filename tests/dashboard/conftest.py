"""Dashboard fixtures: a cast of users around one initiative, and cheap password hashes."""

from __future__ import annotations

import sqlite3

import pytest
from werkzeug.security import generate_password_hash

from adkar.accounts import services as accounts


@pytest.fixture(scope="session")
def sqlite_template(sqlite_template: str) -> str:
    """Fold the template's WAL into its main file, the only file the shared fixture copies."""
    connection = sqlite3.connect(sqlite_template)
    try:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        connection.close()
    return sqlite_template


@pytest.fixture(autouse=True)
def cheap_password_hashes(monkeypatch) -> None:
    """These tests sign in several users; a fast hash keeps each from costing half a second."""
    monkeypatch.setattr(
        accounts,
        "generate_password_hash",
        lambda password: generate_password_hash(password, "pbkdf2:sha256:1000"),
    )
