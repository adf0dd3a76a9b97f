"""The column-wise import check gives what the respondent form's rules give, one answer set at a time.

`score_columns` either returns the whole batch, equal to checking, splitting and scoring each answer set with
definitions.check_answers / split_answers / score / elements.barrier_point, or gives up (None) — and it may
only give up where the row-by-row path would still store something different or report a problem when the
batch is made of plain answers.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adkar.elements import BARRIER_CHOICES, ELEMENTS, barrier_point
from adkar.surveys.definitions.survey import check_answers, score
from adkar.surveys.responses import tally
from adkar.surveys.responses.column_check import ScoredBatch, score_columns
from adkar.surveys.responses.services import split_answers

from .test_row_check import DEFINITIONS, RAW_VALUES


def plain_answer_sets(defn, *, as_text: bool):
    """Answer sets as an importer sends them: every ADKAR item 1-5 (ints from JSON, strings from CSV)."""
    value = st.integers(1, 5).map(str) if as_text else st.integers(1, 5)
    fixed = {item.id: value for item in defn.items if item.scored}
    text = st.one_of(st.none(), st.just(""), st.text(max_size=30))
    optional = {item.id: text for item in defn.items if not item.scored}
    return st.lists(st.fixed_dictionaries(fixed, optional=optional), min_size=1, max_size=40)


def row_by_row(defn, answer_sets):
    rows = []
    for raw in answer_sets:
        clean, errors = check_answers(defn, raw)
        if errors:
            return None
        plain, comment = split_answers(defn, clean)
        rows.append((plain, score(defn, clean), comment))
    return rows


def assert_same(batch: ScoredBatch, rows) -> None:
    assert len(batch) == len(rows)
    assert [json.loads(text) for text in batch.answers_json] == [plain for plain, _, _ in rows]
    assert batch.answers_json == [json.dumps(plain) for plain, _, _ in rows]  # the JSON type's own text
    assert batch.comments == [comment for _, _, comment in rows]
    assert batch.scores.tolist() == [[s[e] for e in ELEMENTS] for _, s, _ in rows]  # exactly, not approx
    assert [BARRIER_CHOICES[i] for i in batch.barriers.tolist()] == [barrier_point(s) for _, s, _ in rows]


@pytest.mark.parametrize("key", sorted(DEFINITIONS))
@pytest.mark.parametrize("as_text", [False, True], ids=["json", "csv"])
@settings(max_examples=120, deadline=None)
@given(data=st.data())
def test_plain_batches_are_scored_column_by_column_exactly_as_row_by_row(key, as_text, data):
    defn = DEFINITIONS[key]
    answer_sets = data.draw(plain_answer_sets(defn, as_text=as_text))
    expected = row_by_row(defn, answer_sets)
    batch = score_columns(defn, answer_sets)
    if expected is None:  # only an over-long comment can make a plain batch invalid
        assert batch is None
        return
    assert batch is not None
    assert_same(batch, expected)


@pytest.mark.parametrize("key", sorted(DEFINITIONS))
@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_any_batch_is_either_the_row_by_row_result_or_left_to_it(key, data):
    defn = DEFINITIONS[key]
    plain = plain_answer_sets(defn, as_text=False)
    anything = st.dictionaries(st.sampled_from([*defn.item_ids, "stray"]), RAW_VALUES)
    answer_sets = data.draw(st.lists(st.one_of(plain.map(lambda sets: sets[0]), anything), min_size=1))
    batch = score_columns(defn, answer_sets)
    if batch is not None:
        expected = row_by_row(defn, answer_sets)
        assert expected is not None, "the column check accepted a batch the form's rules refuse"
        assert_same(batch, expected)


@settings(max_examples=100, deadline=None)
@given(data=st.data())
def test_the_batch_tally_equals_the_tally_of_each_response(data):
    defn = DEFINITIONS["adkar-assessment"]
    rows = row_by_row(defn, data.draw(plain_answer_sets(defn, as_text=False)))
    if rows is None:
        return
    batch = ScoredBatch.from_rows(rows)
    expected = tally.increments(s for _, s, _ in rows)
    got = batch.tally()
    assert set(got) == set(tally.TALLY_COLUMNS)
    for column in tally.TALLY_COLUMNS:
        assert got[column] == pytest.approx(expected[column], rel=1e-12), column


def test_a_hand_computed_batch():
    defn = DEFINITIONS["adkar-pulse"]
    answer_sets = [
        {"aw1": 5, "de1": 4, "kn1": 3, "ab1": 2, "re1": 1, "comment": "  Too fast \r\n for us "},
        {"aw1": 4, "de1": 4, "kn1": 4, "ab1": 4, "re1": 4},
    ]
    batch = score_columns(defn, answer_sets)
    assert batch is not None
    assert batch.answers_json == [
        '{"aw1": 5, "de1": 4, "kn1": 3, "ab1": 2, "re1": 1}',
        '{"aw1": 4, "de1": 4, "kn1": 4, "ab1": 4, "re1": 4}',
    ]
    assert batch.comments == ["Too fast \n for us", None]
    assert batch.scores.tolist() == [[5.0, 4.0, 3.0, 2.0, 1.0], [4.0] * 5]
    assert [BARRIER_CHOICES[i] for i in batch.barriers] == ["knowledge", "none"]
    assert batch.tally() == {
        "n": 2,
        **{f"sum_{e}": s for e, s in zip(ELEMENTS, (9.0, 8.0, 7.0, 6.0, 5.0), strict=True)},
        **{f"fav_{e}": f for e, f in zip(ELEMENTS, (2, 2, 1, 1, 1), strict=True)},
        **{f"bar_{b}": c for b, c in zip(BARRIER_CHOICES, (0, 0, 1, 0, 0, 1), strict=True)},
    }


@pytest.mark.parametrize(
    "odd",
    [True, 4.0, "4 ", "04", 6, 0, None, "", 10**30, [4]],
    ids=["bool", "float", "padded", "leading-zero", "six", "zero", "missing", "blank", "huge", "list"],
)
def test_anything_but_a_plain_answer_goes_row_by_row(odd):
    defn = DEFINITIONS["adkar-pulse"]
    good = {"aw1": 4, "de1": 4, "kn1": 4, "ab1": 4, "re1": 4}
    assert score_columns(defn, [good, {**good, "aw1": odd}]) is None
    assert score_columns(defn, [good, {**good, "stray": 1}]) is None
    assert score_columns(defn, [good, {**good, "comment": 5}]) is None


def test_ids_are_fresh_random_hex():
    batch = ScoredBatch.from_rows([({"aw1": 4}, dict.fromkeys(ELEMENTS, 4.0), None)] * 3)
    ids = batch.ids() + batch.ids()
    assert len(set(ids)) == 6 and all(len(i) == 32 and int(i, 16) >= 0 for i in ids)
    assert np.asarray(batch.barriers).tolist() == [len(ELEMENTS)] * 3
