"""The question-type registry: built-in types parse answers strictly, and new types plug in."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from adkar.elements import LIKERT_MAX, LIKERT_MIN
from adkar.surveys.definitions.questions import (
    QUESTION_TYPES,
    AnswerError,
    QuestionType,
    get_question_type,
    register_question_type,
)


@pytest.fixture
def registry() -> Iterator[dict[str, QuestionType]]:
    """QUESTION_TYPES, restored after the test so registrations do not leak."""
    saved = dict(QUESTION_TYPES)
    yield QUESTION_TYPES
    QUESTION_TYPES.clear()
    QUESTION_TYPES.update(saved)


def test_builtin_types_are_registered():
    likert, text = QUESTION_TYPES["likert5"], QUESTION_TYPES["text"]
    assert likert.scored and likert.needs_element
    assert likert.choices == (1, 2, 3, 4, 5) == tuple(range(LIKERT_MIN, LIKERT_MAX + 1))
    assert likert.widget == "radio" and not likert.has_max_length
    assert not text.scored and not text.needs_element
    assert text.widget == "textarea" and text.choices == ()
    assert text.has_max_length and text.default_max_length == 2000


@pytest.mark.parametrize(("raw", "expected"), [("1", 1), ("5", 5), (" 3 ", 3), ("03", 3), (4, 4)])
def test_likert5_accepts_integers_1_to_5(raw: Any, expected: int):
    assert QUESTION_TYPES["likert5"].parse(raw) == expected


@pytest.mark.parametrize(
    "raw",
    ["0", "6", "-1", "+3", "3.0", "3.5", "three", "", "٣", "3\x00", "1e0", 0, 6, True, 3.0, None, ["3"]],
)
def test_likert5_rejects_everything_else(raw: Any):
    with pytest.raises(AnswerError) as info:
        QUESTION_TYPES["likert5"].parse(raw)
    assert info.value.key == "choose_value"
    assert info.value.params == {"min": 1, "max": 5}


def test_likert5_score_value_is_the_answer():
    assert QUESTION_TYPES["likert5"].score_value(4) == 4.0


def test_text_is_not_scored():
    with pytest.raises(TypeError, match="not scored"):
        QUESTION_TYPES["text"].score_value("hello")


def test_text_normalises_line_endings_controls_and_whitespace():
    parse = QUESTION_TYPES["text"].parse
    assert parse("  line one\r\nline two\rthree\n ") == "line one\nline two\nthree"
    assert parse("tab\there\x00\x07") == "tab\there"
    assert parse("e\u0301") == "\u00e9"  # NFC, so length is counted as people see it


def test_text_length_limit_counts_normalised_text():
    parse = QUESTION_TYPES["text"].parse
    assert len(parse("a\r\n" * 1000)) == 1999  # a browser's maxlength counts \r\n as one character
    assert parse("x" * 2000) == "x" * 2000
    with pytest.raises(AnswerError) as info:
        parse("x" * 2001)
    assert (info.value.key, info.value.params) == ("text_too_long", {"max_length": 2000})
    with pytest.raises(AnswerError) as info:
        parse("x" * 11, max_length=10)
    assert info.value.params == {"max_length": 10}


@pytest.mark.parametrize("raw", [3, None, b"bytes", ["a"]])
def test_text_rejects_non_strings(raw: Any):
    with pytest.raises(AnswerError) as info:
        QUESTION_TYPES["text"].parse(raw)
    assert info.value.key == "invalid_value"


@given(st.text(max_size=40))
def test_likert5_parse_returns_a_choice_or_raises(raw: str):
    try:
        value = QUESTION_TYPES["likert5"].parse(raw)
    except AnswerError:
        return
    assert value in (1, 2, 3, 4, 5)


@given(st.one_of(st.text(max_size=6), st.text(alphabet=" 0123456789", max_size=6)))
def test_likert5_takes_one_to_three_ascii_digits_from_one_to_five(raw: str):
    """The rule written out, against parse (whose common case is a lookup of what a radio posts)."""
    digits = raw.strip()
    expected = int(digits) if digits.isascii() and digits.isdigit() and len(digits) <= 3 else None
    if expected not in (1, 2, 3, 4, 5):
        with pytest.raises(AnswerError):
            QUESTION_TYPES["likert5"].parse(raw)
    else:
        assert QUESTION_TYPES["likert5"].parse(raw) == expected


@given(st.text(max_size=60), st.integers(min_value=1, max_value=50))
def test_text_parse_respects_the_limit_or_raises(raw: str, limit: int):
    try:
        value = QUESTION_TYPES["text"].parse(raw, max_length=limit)
    except AnswerError as exc:
        assert exc.key == "text_too_long"
        return
    assert len(value) <= limit
    assert value == value.strip() and "\r" not in value and "\x00" not in value


def test_get_question_type_names_the_known_types():
    assert get_question_type("text") is QUESTION_TYPES["text"]
    with pytest.raises(KeyError, match="unknown question type 'slider'; expected one of likert5, text"):
        get_question_type("slider")


def test_registering_a_new_type_is_one_decorator(registry):
    @register_question_type
    class YesNo(QuestionType):
        name = "yesno"
        widget = "radio"
        choices = (0, 1)

        def parse(self, raw: object, *, max_length: int | None = None) -> int:
            if raw not in ("0", "1"):
                raise AnswerError("invalid_value")
            return int(raw)

    assert isinstance(registry["yesno"], YesNo)
    assert registry["yesno"].parse("1") == 1
    assert not registry["yesno"].needs_element


def test_registering_a_name_twice_is_refused(registry):
    with pytest.raises(ValueError, match="already registered"):

        @register_question_type
        class Again(QuestionType):
            name = "likert5"
            widget = "radio"


@pytest.mark.parametrize("name", ["Bad Name", "", "1st", None])
def test_type_names_must_be_identifiers(registry, name):
    attrs = {"widget": "radio"} if name is None else {"name": name, "widget": "radio"}
    with pytest.raises(ValueError, match="question type name"):
        register_question_type(type("Bad", (QuestionType,), attrs))


def test_a_scored_type_needs_choices(registry):
    with pytest.raises(ValueError, match="needs choices"):
        register_question_type(type("Slider", (QuestionType,), {"name": "slider", "scored": True}))
