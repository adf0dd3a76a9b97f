"""API fixtures: a client that sends bearer tokens (see helpers.ApiClient) and a cast of users around one
initiative."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

import pytest
from werkzeug.security import generate_password_hash

from adkar.accounts import services as accounts
from adkar.accounts.models import User
from adkar.extensions import db

from .helpers import ApiClient, Person, make_person


@pytest.fixture(scope="session")
def sqlite_template(sqlite_template: str) -> str:
    """Fold the template's WAL into its main file, which is the only file the shared fixture copies."""
    connection = sqlite3.connect(sqlite_template)
    try:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        connection.close()
    return sqlite_template


@dataclass
class Cast:
    """An initiative's owner, a practitioner co-running it, its sponsor, a stranger practitioner, an admin."""

    owner: Person
    colleague: Person
    sponsor: Person
    stranger: Person
    admin: Person
    initiative_id: int


@pytest.fixture(autouse=True)
def cheap_password_hashes(monkeypatch) -> None:
    """API tests sign in with tokens; a fast hash keeps the cast's five accounts from costing seconds."""
    monkeypatch.setattr(
        accounts,
        "generate_password_hash",
        lambda password: generate_password_hash(password, "pbkdf2:sha256:1000"),
    )


@pytest.fixture
def api(client) -> ApiClient:
    return ApiClient(client)


@pytest.fixture
def cast(factory) -> Cast:
    owner, colleague = make_person(factory, "practitioner"), make_person(factory, "practitioner")
    sponsor, stranger = make_person(factory, "sponsor"), make_person(factory, "practitioner")
    admin = make_person(factory, "admin")
    initiative = factory.initiative(
        db.session.get(User, owner.id),
        sponsors=(db.session.get(User, sponsor.id),),
        members=(db.session.get(User, colleague.id),),
    )
    return Cast(owner, colleague, sponsor, stranger, admin, initiative.id)
