"""Imported responses go in through the driver, bypassing SQLAlchemy's types: they must read back through the
ORM exactly as the respondent form's rows do, on both engines."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from adkar.elements import BARRIER_CHOICES, ELEMENTS
from adkar.extensions import db
from adkar.surveys.models import Response
from adkar.surveys.responses import store_imported
from adkar.timeutil import today

from .wavedata import make_wave, tally


def test_imported_rows_read_back_as_stored(factory):
    wave, groups, _ = make_wave(factory)
    answers = [
        {"aw1": 5, "de1": 2, "kn1": 4, "ab1": 4, "re1": 3},
        {"aw1": 1, "de1": 1, "kn1": 1, "ab1": 1, "re1": 1},
    ]
    scores = [
        {"awareness": 5.0, "desire": 2.0, "knowledge": 4.0, "ability": 4.0, "reinforcement": 3.0},
        dict.fromkeys(ELEMENTS, 1.0),
    ]
    comments = ['Ünïcode, "quotes", a\ttab, a \\ backslash and\nlines', None]  # COPY's escapes
    stored = store_imported(
        wave_id=wave.id, group_id=groups[0].id, rows=list(zip(answers, scores, comments, strict=True))
    )
    assert stored == 2
    db.session.expire_all()
    rows = db.session.scalars(select(Response).order_by(Response.score_awareness.desc())).all()
    assert [r.answers for r in rows] == answers
    assert [r.comment for r in rows] == comments
    assert {r.submitted_on for r in rows} == {today()}
    assert [r.score_desire for r in rows] == [2.0, 1.0]
    assert [r.barrier for r in rows] == [BARRIER_CHOICES.index("desire"), BARRIER_CHOICES.index("awareness")]
    assert len({r.id for r in rows}) == 2 and all(len(r.id) == 32 for r in rows)
    row = tally(wave.id, groups[0].id)
    assert row.n == 2 and row.sum_awareness == 6.0 and row.bar_desire == 1 and row.bar_awareness == 1


def test_a_failed_import_stores_nothing(factory):
    wave, groups, _ = make_wave(factory)
    good = ({"aw1": 4, "de1": 4, "kn1": 4, "ab1": 4, "re1": 4}, dict.fromkeys(ELEMENTS, 4.0), None)
    # The tally finds no such group in the wave, or the foreign key refuses the rows.
    with pytest.raises((LookupError, IntegrityError)):
        store_imported(wave_id=wave.id, group_id=groups[0].id + 999, rows=[good, good])
    db.session.expire_all()
    assert db.session.scalars(select(Response)).all() == []
