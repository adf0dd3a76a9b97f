"""Backups taken while the app runs restore into a fresh database that the app then serves."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from adkar import create_app
from adkar.backup import restore
from adkar.extensions import db
from adkar.migrate import upgrade

from .conftest import BASE_CONFIG, POSTGRES_URL


@pytest.fixture
def fresh_target(engine_name, tmp_path):
    """An empty database of the same engine to restore into."""
    if engine_name == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    name = f"adkar_restore_{uuid.uuid4().hex[:8]}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def test_backup_and_restore_round_trip(app, factory, runner, fresh_target, tmp_path):
    owner = factory.user("practitioner", email="owner@example.test")
    factory.initiative(owner, name="Backed-up plan")
    with app.app_context():
        held = db.session.connection()  # the app is "running": a connection stays open during the backup
        backup_file = tmp_path / "adkar.backup"
        result = runner.invoke(args=["backup", str(backup_file)])
        held.close()
    assert result.exit_code == 0, result.output
    assert backup_file.stat().st_size > 0

    # The factory keeps the first app's context pushed, so the restore goes through the module, not the CLI.
    restore(fresh_target, backup_file)
    restored = create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": fresh_target})
    upgrade(restored)

    client = restored.test_client()
    client.post("/login", data={"email": "owner@example.test", "password": factory.PASSWORD})
    page = client.get("/")
    assert page.status_code == 200
    assert b"Backed-up plan" in page.data
    with restored.app_context():
        db.engine.dispose()


def test_backup_refuses_to_overwrite(app, runner, tmp_path):
    target = tmp_path / "exists.backup"
    target.write_bytes(b"keep me")
    result = runner.invoke(args=["backup", str(target)])
    assert result.exit_code != 0
    assert "exists already" in result.output
    assert target.read_bytes() == b"keep me"
