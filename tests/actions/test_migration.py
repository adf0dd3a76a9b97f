"""Migration 0002 on both engines: its tables, the seeded library, and a clean way back to 0001."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, inspect, text

from adkar import create_app
from adkar.actions.seed import load_seed
from adkar.extensions import db
from adkar.migrate import downgrade, upgrade

POSTGRES_URL = os.environ.get("ADKAR_TEST_POSTGRES_URL")
NEW_TABLES = {
    "action_library",
    "adkar_actions",
    "resistance_entries",
    "usage_figures",
    "adoption_settings",
    "change_records",
}


@pytest.fixture(params=["sqlite"] + (["postgresql"] if POSTGRES_URL else []))
def fresh_app(request, tmp_path) -> Iterator:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'm.sqlite3'}"
        admin = None
    else:
        name = f"adkar_m0002_{secrets.token_hex(4)}"
        admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        url = POSTGRES_URL.rsplit("/", 1)[0] + f"/{name}"
    app = create_app({"TESTING": True, "SECRET_KEY": "test", "SQLALCHEMY_DATABASE_URI": url})
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    if admin is not None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def tables(app) -> set[str]:
    with app.app_context():
        return set(inspect(db.engine).get_table_names())


def scalar(app, sql: str):
    with app.app_context(), db.engine.connect() as conn:
        return conn.execute(text(sql)).scalar()


def test_upgrade_seeds_the_library_and_downgrade_keeps_older_data(fresh_app):
    upgrade(fresh_app, "0001")
    assert not tables(fresh_app) & NEW_TABLES
    with fresh_app.app_context(), db.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO users (email, name, role, password_hash, active, session_nonce, created_at) "
                "VALUES ('a@b.test', '', 'admin', 'x', true, 'n', CURRENT_TIMESTAMP)"
            )
        )
    upgrade(fresh_app)
    assert tables(fresh_app) >= NEW_TABLES
    seed = load_seed()
    assert scalar(fresh_app, "SELECT COUNT(*) FROM action_library") == len(seed)
    assert scalar(fresh_app, "SELECT COUNT(DISTINCT element) FROM action_library") == 5
    downgrade(fresh_app, "0001")
    assert not tables(fresh_app) & NEW_TABLES
    assert scalar(fresh_app, "SELECT COUNT(*) FROM users") == 1
    upgrade(fresh_app)
    assert scalar(fresh_app, "SELECT COUNT(*) FROM action_library") == len(seed)


def test_usage_figures_are_unique_per_group_and_day(fresh_app):
    upgrade(fresh_app, "0011")  # 0012 lets a milestone have several change records
    indexes = {tuple(u["column_names"]) for u in inspect_unique(fresh_app, "usage_figures")}
    assert ("group_id", "day") in indexes
    assert ("milestone_id",) in {
        tuple(u["column_names"]) for u in inspect_unique(fresh_app, "change_records")
    }


def inspect_unique(app, table: str) -> list[dict]:
    with app.app_context():
        return inspect(db.engine).get_unique_constraints(table)
