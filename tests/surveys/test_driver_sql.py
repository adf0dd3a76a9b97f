"""The respondent POST's writes on the driver store what SQLAlchemy Core would, and fail as it would."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.exc import DBAPIError, OperationalError

from adkar.extensions import db
from adkar.surveys.driver_sql import Driver, compiled
from adkar.surveys.models import Response, WaveGroup
from adkar.surveys.responses import _MARK_USED_WHILE_OPEN, AlreadyAnswered, OpenFor, hash_key, write_response
from adkar.timeutil import today

from .wavedata import count_responses, invitation_used, invite, make_wave

SCORES = {"awareness": 4.0, "desire": 2.5, "knowledge": 5.0, "ability": 1.0, "reinforcement": 3.0}
ANSWERS = {"aw1": 4, "de1": 2, "kn1": 5}


def spend(wave, group, token: str, **extra) -> dict:
    return {
        "wave_id": wave.id,
        "group_id": group.id,
        "answers": ANSWERS,
        "scores": SCORES,
        "comment": "Too fast \u2013 \u00e9t\u00e9",
        "invitation_token_hash": hash_key(token),
        **extra,
    }


def on_driver(**values) -> None:
    """What the respondent POST does: its own connection, the driver, one write transaction."""
    with db.engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            connection.execution_options(isolation_level="AUTOCOMMIT")
        driver = Driver(connection)
        with driver.write_transaction():
            write_response(driver, **values)


def stored_rows(wave_id: int) -> list[tuple]:
    db.session.rollback()
    columns = [c for c in Response.__table__.columns if c.name != "id"]
    return [tuple(row) for row in db.session.execute(select(*columns).where(Response.wave_id == wave_id))]


def tally_of(wave_id: int, group_id: int) -> tuple:
    db.session.rollback()
    db.session.expire_all()
    row = db.session.get(WaveGroup, (wave_id, group_id))
    return tuple(
        getattr(row, c.name) for c in WaveGroup.__table__.columns if c.name not in ("wave_id", "group_id")
    )


def test_the_driver_stores_exactly_what_core_stores(factory):
    wave, groups, _ = make_wave(factory, groups=2)
    core_group, driver_group = groups
    core_token, driver_token = invite(wave, core_group), invite(wave, driver_group)
    db.session.commit()
    with db.engine.begin() as connection:
        write_response(connection, **spend(wave, core_group, core_token))
    on_driver(**spend(wave, driver_group, driver_token, while_open=OpenFor("adkar-pulse", today())))
    by_group = {}
    for row in stored_rows(wave.id):
        by_group[row[1]] = row
    core_row, driver_row = by_group[core_group.id], by_group[driver_group.id]
    assert core_row[2:] == driver_row[2:]  # date, answers (JSON), scores, barrier, comment
    assert driver_row[3] == ANSWERS and driver_row[2] == today()
    assert tally_of(wave.id, core_group.id) == tally_of(wave.id, driver_group.id)


def test_a_used_token_writes_nothing_on_the_driver(factory):
    wave, groups, _ = make_wave(factory)
    token = invite(wave, groups[0])
    on_driver(**spend(wave, groups[0], token))
    before = tally_of(wave.id, groups[0].id)
    with pytest.raises(AlreadyAnswered):
        on_driver(**spend(wave, groups[0], token))
    assert count_responses() == 1 and tally_of(wave.id, groups[0].id) == before
    assert invitation_used(token) is True


def test_a_closed_wave_spends_nothing_on_the_driver(factory):
    wave, groups, _ = make_wave(factory, opens_in=-10, closes_in=-1)
    token = invite(wave, groups[0])
    with pytest.raises(AlreadyAnswered):
        on_driver(**spend(wave, groups[0], token, while_open=OpenFor("adkar-pulse", today())))
    assert count_responses() == 0 and invitation_used(token) is False


def test_a_second_answer_from_one_open_form_is_refused_on_the_driver(factory):
    """The receipt's primary key refuses it; the driver's IntegrityError is SQLAlchemy's."""
    wave, groups, _ = make_wave(factory)
    receipt = {"receipt": hash_key("open:form-1"), "invitation_token_hash": None}
    on_driver(**spend(wave, groups[0], "unused", **receipt))
    with pytest.raises(AlreadyAnswered):
        on_driver(**spend(wave, groups[0], "unused", **receipt))
    assert count_responses() == 1


def test_positional_drivers_get_every_placeholder_in_order(factory):
    """SQLite's qmark style: a value bound twice (the open day) fills both of its places."""
    found = compiled(_MARK_USED_WHILE_OPEN, db.engine.dialect)
    if db.engine.dialect.name == "sqlite":
        assert found.sql.count("?") == len(found.positions)
        assert found.positions.count("open_day") == 2
    else:
        assert found.positions is None and "%(open_day)s" in found.sql
    assert found.bound == {"used": True}


def test_a_connection_lost_under_the_driver_raises_as_sqlalchemy_would(app, factory, engine_name):
    if engine_name != "postgresql":
        pytest.skip("terminating a backend is a PostgreSQL fault")
    wave, groups, _ = make_wave(factory)
    token = invite(wave, groups[0])
    admin = create_engine(app.config["SQLALCHEMY_DATABASE_URI"], isolation_level="AUTOCOMMIT")
    try:
        with db.engine.connect() as connection:
            connection.execution_options(isolation_level="AUTOCOMMIT")
            pid = connection.scalar(text("SELECT pg_backend_pid()"))
            with admin.connect() as other:
                other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
            driver = Driver(connection)
            with pytest.raises(OperationalError) as raised:
                write_response(driver, **spend(wave, groups[0], token))
            assert isinstance(raised.value, DBAPIError) and raised.value.connection_invalidated
            assert connection.invalidated
    finally:
        admin.dispose()
    on_driver(**spend(wave, groups[0], token))  # the pool hands out a working connection again
    assert count_responses() == 1
