"""Migrations: idempotent upgrades, a schema identical to the models, a clean way down, on both engines."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from types import SimpleNamespace

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect, text

from adkar import create_app, models  # noqa: F401 - fills the metadata
from adkar.extensions import db
from adkar.migrate import alembic_config, downgrade, upgrade

POSTGRES_URL = os.environ.get("ADKAR_TEST_POSTGRES_URL")
ENGINES = ["sqlite"] + (["postgresql"] if POSTGRES_URL else [])
HEAD = ScriptDirectory.from_config(alembic_config()).get_current_head()
MODEL_TABLES = {table.name for table in db.metadata.sorted_tables}


@pytest.fixture(params=ENGINES)
def empty_database(request, tmp_path) -> Iterator[str]:
    """A brand-new database: a SQLite file, or a PostgreSQL database created and dropped for this test."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrations.sqlite3'}"
        return
    name = f"adkar_migrations_{secrets.token_hex(4)}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield POSTGRES_URL.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def fresh_app(empty_database):
    app = create_app({"TESTING": True, "SECRET_KEY": "test", "SQLALCHEMY_DATABASE_URI": empty_database})
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def tables(app) -> set[str]:
    with app.app_context():
        return set(inspect(db.engine).get_table_names())


def current_revision(app) -> str | None:
    with app.app_context(), db.engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def schema_differences(app) -> list:
    with app.app_context(), db.engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "compare_server_default": False}
        )
        return compare_metadata(context, db.metadata)


def test_upgrade_is_idempotent(fresh_app):
    assert tables(fresh_app) == set()
    upgrade(fresh_app)
    first = tables(fresh_app)
    upgrade(fresh_app)
    assert tables(fresh_app) == first
    assert first >= MODEL_TABLES
    assert current_revision(fresh_app) == HEAD


def test_migrated_schema_matches_the_models(fresh_app):
    upgrade(fresh_app)
    assert schema_differences(fresh_app) == []


def test_migrated_schema_holds_data(fresh_app):
    """Beyond the shape: constraints and defaults work on the migrated tables through the real services."""
    from adkar.accounts import services

    upgrade(fresh_app)
    with fresh_app.app_context():
        user = services.create_user(email="m@example.test", role="admin", password="long-enough-pw")
        _, plain = services.create_api_token(user=user, name="probe")
        assert services.user_for_token(plain).id == user.id
        with pytest.raises(services.AccountError):
            services.create_user(email="M@example.test", role="admin", password="long-enough-pw")


def test_init_db_command(fresh_app):
    runner = fresh_app.test_cli_runner()
    for _ in range(2):
        result = runner.invoke(args=["init-db"])
        assert result.exit_code == 0, result.output
        assert "Database is up to date." in result.output
    assert tables(fresh_app) >= MODEL_TABLES
    assert current_revision(fresh_app) == HEAD


def test_downgrade_to_base_and_up_again(fresh_app):
    upgrade(fresh_app)
    downgrade(fresh_app, "base")
    assert tables(fresh_app) <= {"alembic_version"}
    assert current_revision(fresh_app) is None
    upgrade(fresh_app)
    assert current_revision(fresh_app) == HEAD
    assert schema_differences(fresh_app) == []


def test_responses_move_to_their_wave_and_group_order_and_back(fresh_app):
    """0004 keeps every response, keys the table by (wave, group, id), and on SQLite drops the rowid that
    recorded the order in which people answered."""
    from adkar.plan import services as plan
    from adkar.surveys.models import new_response_id
    from adkar.surveys.waves import services as waves
    from adkar.timeutil import today

    upgrade(fresh_app, "0003")
    with fresh_app.app_context():
        # Written as revision 0003 stores a user: today's model has columns that schema does not (0013).
        db.session.execute(
            text(
                "INSERT INTO users (email, name, role, password_hash, active, session_nonce, created_at)"
                " VALUES ('o@example.test', '', 'practitioner', '!', TRUE, 'n', CURRENT_TIMESTAMP)"
            )
        )
        # The services read only the id of the person acting.
        owner = SimpleNamespace(id=db.session.scalar(text("SELECT id FROM users")))
        initiative = plan.create_initiative(owner=owner, name="I", approach="sequential", go_live=today())
        # Written as revision 0003 stores a group: today's model has columns that schema does not (0009).
        db.session.execute(
            text(
                "INSERT INTO stakeholder_groups (initiative_id, name, headcount, description, created_at)"
                " VALUES (:initiative_id, 'G', 9, '', CURRENT_TIMESTAMP)"
            ),
            {"initiative_id": initiative.id},
        )
        group_id = db.session.scalar(text("SELECT id FROM stakeholder_groups WHERE name = 'G'"))
        wave = waves.create_wave(
            initiative=initiative,
            actor=owner,
            name="W",
            survey_key="adkar-pulse",
            opens_on=today(),
            closes_on=today(),
            group_ids=[group_id],
        )
        # Written as the storage of revision 0003 wrote them: today's code writes through held_answers
        # (0005), which this schema does not have yet.
        db.session.execute(
            text(
                "INSERT INTO responses (id, wave_id, group_id, submitted_on, answers, score_awareness,"
                " score_desire, score_knowledge, score_ability, score_reinforcement, barrier, comment)"
                " VALUES (:id, :wave_id, :group_id, :day, :answers, 4.0, 2.0, 5.0, 3.0, 1.0, 1, :comment)"
            ),
            [
                {
                    "id": new_response_id(),
                    "wave_id": wave.id,
                    "group_id": group_id,
                    "day": today(),
                    "answers": '{"aw1": 4, "de1": 2, "kn1": 5, "ab1": 3, "re1": 1}',
                    "comment": f"comment {i}",
                }
                for i in range(7)
            ],
        )
        db.session.commit()
        before = sorted(db.session.execute(text("SELECT id, comment, score_desire FROM responses")).all())
        db.session.remove()

    upgrade(fresh_app)
    with fresh_app.app_context():
        inspector = inspect(db.engine)
        assert inspector.get_pk_constraint("responses")["constrained_columns"] == [
            "wave_id",
            "group_id",
            "id",
        ]
        assert "ix_responses_wave_group" not in {ix["name"] for ix in inspector.get_indexes("responses")}
        after = sorted(db.session.execute(text("SELECT id, comment, score_desire FROM responses")).all())
        assert after == before and len(after) == 7
        if db.engine.dialect.name == "sqlite":
            with pytest.raises(Exception, match="rowid"):
                db.session.execute(text("SELECT rowid FROM responses"))
        db.session.remove()

    downgrade(fresh_app, "0003")
    with fresh_app.app_context():
        assert inspect(db.engine).get_pk_constraint("responses")["constrained_columns"] == ["id"]
        assert (
            sorted(db.session.execute(text("SELECT id, comment, score_desire FROM responses")).all())
            == before
        )
        db.session.remove()
    upgrade(fresh_app)
    assert schema_differences(fresh_app) == []


def test_flask_migrate_runs_the_same_history(fresh_app):
    """`flask db upgrade` builds the schema from nothing, `flask db check` finds the models and the
    migrations in step, and both see a database left behind: what a maintainer writing a migration runs."""
    runner = fresh_app.test_cli_runner()
    upgraded = runner.invoke(args=["db", "upgrade"])
    assert upgraded.exit_code == 0, upgraded.output
    with fresh_app.app_context():
        assert set(inspect(db.engine).get_table_names()) >= MODEL_TABLES
        with db.engine.connect() as connection:
            assert connection.scalar(text("SELECT version_num FROM alembic_version")) == HEAD
    assert runner.invoke(args=["db", "check"]).exit_code == 0
    previous = ScriptDirectory.from_config(alembic_config()).get_revision(HEAD).down_revision
    assert runner.invoke(args=["db", "downgrade", str(previous)]).exit_code == 0
    behind = runner.invoke(args=["db", "check"])
    assert behind.exit_code != 0  # "Target database is not up to date"
    with fresh_app.app_context():
        db.engine.dispose()
