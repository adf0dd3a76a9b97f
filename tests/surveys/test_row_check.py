"""The import's batch checker gives exactly what the respondent form's rules give, row after row.

It parses each distinct (item, raw value) once and reuses the result, so the properties run many rows
through one checker: a cached answer must never leak into a row whose raw value differs (1 vs True vs "1 ").
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adkar.resources import resource_dir
from adkar.surveys.definitions.survey import check_answers, load_definitions, score
from adkar.surveys.responses.row_check import BatchChecker

DEFINITIONS = load_definitions(resource_dir("surveys"))
RAW_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-2, max_value=8),
    st.sampled_from(["1", "2", "3", "4", "5", " 4 ", "05", "", "  ", "x", "3.0", "٣", "1e0"]),
    st.floats(allow_nan=False, min_value=0, max_value=6),
    st.text(max_size=40),
    st.lists(st.integers(1, 5), max_size=2),
)


def answer_sets(defn):
    items = {item.id: RAW_VALUES for item in defn.items}
    valid = {
        item.id: st.integers(1, 5) if item.question_type.choices else st.text(max_size=20)
        for item in defn.items
    }
    mostly_valid = st.fixed_dictionaries(valid, optional={"stray": st.just("1")})
    anything = st.dictionaries(st.sampled_from([*items, "stray"]), RAW_VALUES)
    return st.lists(st.one_of(mostly_valid, anything), min_size=1, max_size=30)


def as_comparable(result):
    clean, errors = result
    return clean, {name: (e.key, e.params) for name, e in errors.items()}


@pytest.mark.parametrize("key", sorted(DEFINITIONS))
@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_batch_check_equals_check_answers_for_every_row(key, data):
    defn = DEFINITIONS[key]
    checker = BatchChecker(defn)
    for raw in data.draw(answer_sets(defn)):
        expected = check_answers(defn, raw)
        assert as_comparable(checker.check(raw)) == as_comparable(expected), raw
        if not expected[1]:
            assert checker.score(expected[0]) == score(defn, expected[0])


def test_true_is_not_taken_for_one_after_one_was_seen():
    defn = DEFINITIONS["adkar-pulse"]
    checker = BatchChecker(defn)
    ok = dict.fromkeys((item.id for item in defn.items if item.question_type.choices), 1)
    assert checker.check(ok)[1] == {}
    _clean, errors = checker.check({**ok, "aw1": True})
    assert set(errors) == {"aw1"} and errors["aw1"].key == "choose_value"


def test_scores_are_hand_computed_means():
    defn = DEFINITIONS["adkar-pulse"]
    answers = {"aw1": 5, "de1": 4, "kn1": 3, "ab1": 2, "re1": 1}
    checker = BatchChecker(defn)
    clean, errors = checker.check(answers)
    assert errors == {}
    assert checker.score(clean) == {
        "awareness": 5.0,
        "desire": 4.0,
        "knowledge": 3.0,
        "ability": 2.0,
        "reinforcement": 1.0,
    }
