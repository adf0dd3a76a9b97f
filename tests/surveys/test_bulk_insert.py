"""Imported responses go in through the driver, bypassing SQLAlchemy's types: they must read back through the
ORM exactly as the respondent form's rows do, on both engines."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from adkar.elements import BARRIER_CHOICES, ELEMENTS
from adkar.extensions import db
from adkar.surveys.models import Response
from adkar.surveys.responses.services import store_imported
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
    comments = ['Ünïcode, "quotes", a\ttab, a \\ backslash and\nlines', None]
    copies = 3  # six rows: an import of at least k is published at once
    stored = store_imported(
        wave_id=wave.id,
        group_id=groups[0].id,
        rows=list(zip(answers, scores, comments, strict=True)) * copies,
    )
    assert stored == 2 * copies
    db.session.expire_all()
    rows = db.session.scalars(select(Response).order_by(Response.score_awareness.desc())).all()
    assert [r.answers for r in rows] == [answers[0]] * copies + [answers[1]] * copies
    assert [r.comment for r in rows] == [comments[0]] * copies + [comments[1]] * copies
    assert {r.submitted_on for r in rows} == {today()}
    assert [r.score_desire for r in rows] == [2.0] * copies + [1.0] * copies
    assert [r.barrier for r in rows] == (
        [BARRIER_CHOICES.index("desire")] * copies + [BARRIER_CHOICES.index("awareness")] * copies
    )
    assert len({r.id for r in rows}) == 2 * copies and all(len(r.id) == 32 for r in rows)
    row = tally(wave.id, groups[0].id)
    assert (row.n, row.sum_awareness, row.bar_desire, row.bar_awareness) == (6, 18.0, 3, 3)


def test_a_failed_import_stores_nothing(factory):
    wave, groups, _ = make_wave(factory)
    good = ({"aw1": 4, "de1": 4, "kn1": 4, "ab1": 4, "re1": 4}, dict.fromkeys(ELEMENTS, 4.0), None)
    # The tally finds no such group in the wave, or the foreign key refuses the rows.
    with pytest.raises((LookupError, IntegrityError)):
        store_imported(wave_id=wave.id, group_id=groups[0].id + 999, rows=[good, good])
    db.session.expire_all()
    assert db.session.scalars(select(Response)).all() == []
