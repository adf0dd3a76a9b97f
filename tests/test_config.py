"""Start-up configuration: unsafe settings are refused, the environment is honoured, SQLite is tuned."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from adkar import create_app
from adkar.config import ConfigError
from adkar.extensions import db

REAL_KEY = "a8f5f167f44f4964e6c998dee827110c-long-random"


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch, tmp_path):
    """No stray ADKAR_* settings from the shell; the database is a throwaway file."""
    for name in (
        "ADKAR_ENV",
        "ADKAR_SECRET_KEY",
        "ADKAR_SECRET_KEY_FALLBACKS",
        "ADKAR_MIN_GROUP_SIZE",
        "ADKAR_SQLALCHEMY_DATABASE_URI",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'config.sqlite3'}")


def test_production_refuses_the_default_secret_key(monkeypatch):
    monkeypatch.setenv("ADKAR_ENV", "production")
    with pytest.raises(ConfigError, match="ADKAR_SECRET_KEY"):
        create_app()


def test_production_starts_with_a_real_key(monkeypatch):
    monkeypatch.setenv("ADKAR_ENV", "production")
    monkeypatch.setenv("ADKAR_SECRET_KEY", REAL_KEY)
    app = create_app()
    assert app.config["ENV"] == "production"
    assert app.config["SECRET_KEY"] == REAL_KEY
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]


@pytest.mark.parametrize("env", ["production", "staging"])
def test_session_cookie_is_secure_outside_development(monkeypatch, env):
    monkeypatch.setenv("ADKAR_ENV", env)
    monkeypatch.setenv("ADKAR_SECRET_KEY", REAL_KEY)
    response = create_app().test_client().get("/login")
    assert response.status_code == 200
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("session=")
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_session_cookie_works_over_http_in_development():
    app = create_app()
    assert app.config["ENV"] == "development"
    assert app.config["SESSION_COOKIE_SECURE"] is False
    assert "Secure" not in app.test_client().get("/login").headers["Set-Cookie"]


def test_database_url_is_honoured(monkeypatch, tmp_path):
    path = tmp_path / "from-env.sqlite3"
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{path}")
    app = create_app({"TESTING": True})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{path}"
    with app.app_context():
        assert db.engine.url.database == str(path)
        db.session.execute(text("CREATE TABLE probe (id INTEGER)"))
        db.session.commit()
    assert path.exists() and path.stat().st_size > 0


@pytest.mark.parametrize("value", ["2", "0", "-5"])
def test_min_group_size_below_three_is_refused(monkeypatch, value):
    monkeypatch.setenv("ADKAR_MIN_GROUP_SIZE", value)
    with pytest.raises(ConfigError) as raised:
        create_app({"TESTING": True})
    message = str(raised.value)
    assert "ADKAR_MIN_GROUP_SIZE" in message and "never be below 3" in message


def test_min_group_size_must_be_a_number(monkeypatch):
    monkeypatch.setenv("ADKAR_MIN_GROUP_SIZE", "five")
    with pytest.raises(ConfigError, match="whole number"):
        create_app({"TESTING": True})


@pytest.mark.parametrize(("value", "expected"), [(None, 5), ("3", 3), ("12", 12)])
def test_min_group_size_is_read_from_the_environment(monkeypatch, value, expected):
    if value is not None:
        monkeypatch.setenv("ADKAR_MIN_GROUP_SIZE", value)
    assert create_app({"TESTING": True}).config["MIN_GROUP_SIZE"] == expected


def test_sqlite_connections_are_tuned():
    app = create_app({"TESTING": True})
    with app.app_context():

        def pragma(name: str):
            return db.session.execute(text(f"PRAGMA {name}")).scalar()

        assert pragma("journal_mode") == "wal"
        assert pragma("foreign_keys") == 1
        assert pragma("busy_timeout") > 0
        assert pragma("synchronous") == 1  # NORMAL
        db.session.rollback()


def test_sqlite_enforces_foreign_keys():
    app = create_app({"TESTING": True})
    with app.app_context():
        db.session.execute(text("CREATE TABLE parent (id INTEGER PRIMARY KEY)"))
        db.session.execute(
            text("CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES parent(id))")
        )
        db.session.commit()
        with pytest.raises(IntegrityError, match="FOREIGN KEY"):
            db.session.execute(text("INSERT INTO child (id, parent_id) VALUES (1, 42)"))
            db.session.commit()
        db.session.rollback()


@pytest.mark.parametrize(
    ("value", "expected"),
    [("old-key-one", ["old-key-one"]), ('["old-key-one", "old-key-two"]', ["old-key-one", "old-key-two"])],
)
def test_old_secret_keys_are_read_as_one_key_or_a_list(monkeypatch, value, expected):
    """One old key must stay one key: a string spread into characters would open no held answer."""
    monkeypatch.setenv("ADKAR_SECRET_KEY_FALLBACKS", value)
    assert create_app().config["SECRET_KEY_FALLBACKS"] == expected


def test_old_secret_keys_that_are_not_keys_are_refused(monkeypatch):
    monkeypatch.setenv("ADKAR_SECRET_KEY_FALLBACKS", "[1, 2]")
    with pytest.raises(ConfigError, match="ADKAR_SECRET_KEY_FALLBACKS"):
        create_app()
