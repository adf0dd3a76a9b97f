"""Shared fixtures: a fresh database per test on SQLite, and on PostgreSQL when a URL is given.

SQLite tests copy a file migrated once per session; PostgreSQL tests use one database per xdist
worker, migrated once and emptied after every test.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text
from werkzeug.security import generate_password_hash

from adkar import create_app
from adkar.accounts import services as accounts_services
from adkar.extensions import db
from adkar.migrate import upgrade

from . import app_build_cache
from .factories import Factory

app_build_cache.install()

POSTGRES_URL = os.environ.get("ADKAR_TEST_POSTGRES_URL")
ENGINES = ["sqlite"] + (["postgresql"] if POSTGRES_URL else [])

BASE_CONFIG = {
    "TESTING": True,
    "SECRET_KEY": "test-secret",
    "WTF_CSRF_ENABLED": False,
    "RATELIMIT_ENABLED": False,
    "SERVER_NAME": "adkar.test",
    "PUBLIC_URL": "http://adkar.test",
    "QUEUE_URL": "immediate",
}


_FAST_DUMMY_HASH = generate_password_hash("not a password", method="pbkdf2:sha256:1")


def _worker() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


@pytest.fixture(autouse=True)
def fast_password_hashing(request, monkeypatch) -> None:
    """scrypt costs ~0.5 s a user; tests about password storage opt out with @pytest.mark.real_password_hashing."""
    if request.node.get_closest_marker("real_password_hashing"):
        return
    monkeypatch.setattr(
        accounts_services,
        "generate_password_hash",
        lambda password: generate_password_hash(password, method="pbkdf2:sha256:1"),
    )
    # Sign-in with an unknown address checks this hash so it takes as long as a real one.
    monkeypatch.setattr(accounts_services, "_DUMMY_HASH", _FAST_DUMMY_HASH)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    template_app = create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"})
    upgrade(template_app)
    with template_app.app_context():
        db.engine.dispose()  # closing the last connection folds the WAL into the file we copy
    return str(path)


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[str]:
    """A database of this worker's own, created fresh and migrated once."""
    assert POSTGRES_URL
    name = f"adkar_test_{_worker()}_{os.getpid()}"  # unique per process: parallel runs must not collide
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = POSTGRES_URL.rsplit("/", 1)[0] + f"/{name}"
    migrated = create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": url})
    upgrade(migrated)
    with migrated.app_context():
        db.engine.dispose()  # an engine left to the garbage collector warns about its open connection
    yield url
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _empty_postgres(app) -> None:
    with app.app_context():
        tables = [t.name for t in db.metadata.sorted_tables]
        with db.engine.begin() as conn:
            conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))


@pytest.fixture(params=ENGINES)
def engine_name(request) -> str:
    return request.param


@pytest.fixture
def database_url(engine_name, request, tmp_path) -> str:
    if engine_name == "sqlite":
        path = tmp_path / "adkar.sqlite3"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite:///{path}"
    return request.getfixturevalue("postgres_database")


@pytest.fixture
def app_config(database_url, tmp_path) -> dict:
    """Override in a test module (or parametrize) to change settings."""
    return {**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": database_url, "EXPORTS_DIR": str(tmp_path / "exports")}


@pytest.fixture
def app(app_config, engine_name):
    application = create_app(app_config)
    yield application
    if engine_name == "postgresql":
        _empty_postgres(application)
    with application.app_context():
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def factory(app) -> Iterator[Factory]:
    with app.app_context():
        yield Factory()


class Auth:
    """Sign a test client in and out through the real sign-in form."""

    def __init__(self, client):
        self.client = client

    def login(self, email: str, password: str = Factory.PASSWORD):
        return self.client.post("/login", data={"email": email, "password": password})

    def logout(self):
        return self.client.post("/logout")


@pytest.fixture
def auth(client) -> Auth:
    return Auth(client)
