"""Migration 0012 keeps every change record (SQLite rebuilds the table), lets a milestone have several, and
refuses to go back down while one has several (nothing is deleted)."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect, text

from adkar.extensions import db
from adkar.migrate import downgrade, upgrade
from tests.test_migrations import empty_database, fresh_app, schema_differences  # noqa: F401 - fixtures

ROWS = "SELECT id, milestone_id, number, change_type, state, url FROM change_records ORDER BY id"


def _seed_0011(app) -> list[tuple]:
    """Two milestones, one change record each, written as revision 0011 stores them (in SQL: the models
    describe the newest schema, which later migrations widen)."""
    from adkar.timeutil import today

    with app.app_context():
        db.session.execute(
            text(
                "INSERT INTO users (email, name, role, password_hash, active, session_nonce, created_at)"
                " VALUES ('o@example.test', '', 'practitioner', '!', TRUE, 'n', CURRENT_TIMESTAMP)"
            )
        )
        owner_id = db.session.scalar(text("SELECT id FROM users"))
        db.session.execute(
            text(
                "INSERT INTO initiatives (name, description, approach, go_live, owner_id, created_at)"
                " VALUES ('I', '', 'sequential', :day, :owner, CURRENT_TIMESTAMP)"
            ),
            {"day": today(), "owner": owner_id},
        )
        initiative_id = db.session.scalar(text("SELECT id FROM initiatives"))
        for name in ("UAT", "Go-live"):
            db.session.execute(
                text(
                    "INSERT INTO milestones (initiative_id, name, kind, due, target_element, threshold, created_at)"
                    " VALUES (:i, :name, 'go-live', :due, 'ability', 0.8, CURRENT_TIMESTAMP)"
                ),
                {"i": initiative_id, "name": name, "due": today()},
            )
        ids = db.session.scalars(text("SELECT id FROM milestones ORDER BY id")).all()
        for n, milestone_id in enumerate(ids):
            db.session.execute(
                text(
                    "INSERT INTO change_records (milestone_id, number, change_type, state, url, created_at,"
                    " updated_at) VALUES (:m, :number, 'normal', 'scheduled', :url, CURRENT_TIMESTAMP,"
                    " CURRENT_TIMESTAMP)"
                ),
                {"m": milestone_id, "number": f"CHG00{n}", "url": f"https://itsm.example.com/{n}"},
            )
        db.session.commit()
        rows = [tuple(r) for r in db.session.execute(text(ROWS))]
        db.session.remove()
    return rows


def test_records_survive_and_a_milestone_takes_several(fresh_app):  # noqa: F811 - the fixture
    upgrade(fresh_app, "0011")
    before = _seed_0011(fresh_app)
    assert len(before) == 2
    upgrade(fresh_app)
    with fresh_app.app_context():
        assert [tuple(r) for r in db.session.execute(text(ROWS))] == before
        lifecycle = db.session.execute(
            text("SELECT description, risk, cab_decision, result, planned_start FROM change_records")
        ).all()
        assert [tuple(r) for r in lifecycle] == [("", "", "", "", None)] * 2
        assert inspect(db.engine).get_unique_constraints("change_records") == []
        milestone_id = before[0][1]
        db.session.execute(
            text(
                "INSERT INTO change_records (milestone_id, number, change_type, state, url, created_at,"
                " updated_at) VALUES (:m, 'CHG999', 'standard', 'new', '', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
            ),
            {"m": milestone_id},
        )
        db.session.commit()
        db.session.remove()
    assert schema_differences(fresh_app) == []

    with pytest.raises(RuntimeError, match="1 milestones have several change records"):
        downgrade(fresh_app, "0011")
    with fresh_app.app_context():
        assert db.session.scalar(text("SELECT count(*) FROM change_records")) == 3  # nothing lost
        db.session.execute(text("DELETE FROM change_records WHERE number = 'CHG999'"))
        db.session.commit()
        db.session.remove()
    downgrade(fresh_app, "0011")
    with fresh_app.app_context():
        assert [tuple(r) for r in db.session.execute(text(ROWS))] == before
        assert len(inspect(db.engine).get_unique_constraints("change_records")) == 1
        db.session.remove()
