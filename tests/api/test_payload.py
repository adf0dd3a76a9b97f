"""The body readers on their own: every field kind, partial reads, and JSON parsing edge cases."""

from __future__ import annotations

from datetime import date

import pytest
from flask import Flask
from werkzeug.exceptions import UnsupportedMediaType

from adkar.api.payload import (
    MAX_ID,
    Boolean,
    Choice,
    Date,
    Element,
    Email,
    FieldError,
    Fields,
    IdList,
    Integer,
    Share,
    String,
    json_object,
)
from adkar.validation import ValidationFailed


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        (String(max_length=5), "  abc  ", "abc"),
        (String(max_length=5), "abcde", "abcde"),
        (String(max_length=5, blank=True), "   ", ""),
        (String(max_length=20, multiline=True), "one\r\ntwo\tthree", "one\r\ntwo\tthree"),
        (String(max_length=20), "café ✓", "café ✓"),
        (Email(), " Ann@Example.TEST ", "ann@example.test"),
        (Date(), "2028-02-29", date(2028, 2, 29)),
        (Integer(minimum=1, maximum=10), 10, 10),
        (Share(), 1, 1.0),
        (Share(), 0.0001, 0.0001),
        (Boolean(), False, False),
        (Choice(choices=("a", "b")), "b", "b"),
        (Element(), "reinforcement", "reinforcement"),
        (IdList(), [3, 1, 3, 2], [3, 1, 2]),
        (IdList(), [], []),
        (IdList(), [MAX_ID], [MAX_ID]),
    ],
)
def test_fields_accept_and_clean_good_values(field, value, expected):
    assert field.check(value) == expected


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        (String(max_length=5), "abcdef", "At most 5 characters"),
        (String(max_length=5), "  ", "blank"),
        (String(max_length=5), 5, "Expected text"),
        (String(max_length=5), None, "Expected text"),
        (String(max_length=50), "a\nb", "control characters"),
        (String(max_length=50), "a\u0000b", "control characters"),
        (String(max_length=50, multiline=True), "a\u0000b", "control characters"),
        (String(max_length=50), "\ud800", "not valid Unicode"),
        (Email(), "ann.example.test", "email address"),
        (Email(), "ann@", "email address"),
        (Date(), "2027-02-29", "not a date in the calendar"),
        (Date(), "2027-1-5", "YYYY-MM-DD"),
        (Date(), "2027-01-05T10:00", "YYYY-MM-DD"),
        (Date(), "20270105", "YYYY-MM-DD"),
        (Date(), None, "YYYY-MM-DD"),
        (Integer(minimum=1, maximum=10), 0, "between 1 and 10"),
        (Integer(minimum=1, maximum=10), 11, "between 1 and 10"),
        (Integer(minimum=1, maximum=10), 2.0, "whole number"),
        (Integer(minimum=1, maximum=10), True, "whole number"),
        (Integer(minimum=1, maximum=10), "3", "whole number"),
        (Share(), 0, "above 0 and at most 1"),
        (Share(), 1.5, "above 0 and at most 1"),
        (Share(), float("nan"), "Expected a number"),
        (Share(), float("inf"), "Expected a number"),
        (Share(), False, "Expected a number"),
        (Share(), "0.5", "Expected a number"),
        (Boolean(), 1, "true or false"),
        (Choice(choices=("a", "b")), "c", "one of: a, b"),
        (Element(), "adoption", "awareness, desire, knowledge, ability, reinforcement"),
        (IdList(), "1", "list of ids"),
        (IdList(), [1, True], "got true"),
        (IdList(), [0], "got 0"),
        (IdList(), [MAX_ID + 1], "whole numbers from 1"),
        (IdList(max_items=2), [1, 2, 3], "At most 2 ids"),
    ],
)
def test_fields_refuse_bad_values_with_a_clear_message(field, value, message):
    with pytest.raises(FieldError, match=message):
        field.check(value)


FIELDS = Fields(
    name=String(max_length=10),
    size=Integer(minimum=1, maximum=5),
    note=String(max_length=10, blank=True, default=""),
)


def test_read_fills_defaults_and_collects_every_problem():
    assert FIELDS.read({"name": "x", "size": 2}) == {"name": "x", "size": 2, "note": ""}
    with pytest.raises(ValidationFailed) as caught:
        FIELDS.read({"size": 9, "colour": "red"})
    assert [(p.field, p.message) for p in caught.value.problems] == [
        ("colour", "Unknown field."),
        ("name", "This field is required."),
        ("size", "Must be between 1 and 5."),
    ]


def test_partial_read_returns_only_what_was_sent():
    assert FIELDS.read({"size": 3}, partial=True) == {"size": 3}
    with pytest.raises(ValidationFailed, match="at least one of: name, size, note"):
        FIELDS.read({}, partial=True)


def test_schema_mirrors_the_fields():
    schema = FIELDS.schema()
    assert schema["required"] == ["name", "size"]
    assert schema["additionalProperties"] is False
    assert schema["properties"]["size"] == {"type": "integer", "minimum": 1, "maximum": 5}
    assert schema["properties"]["note"]["default"] == ""
    partial = FIELDS.schema(partial=True)
    assert "required" not in partial and partial["minProperties"] == 1
    assert "default" not in partial["properties"]["note"]


@pytest.fixture
def bare_app() -> Flask:
    return Flask(__name__)


@pytest.mark.parametrize(
    ("data", "content_type", "error"),
    [
        ('{"a": 1}', "text/plain", UnsupportedMediaType),
        ('{"a": 1}', None, UnsupportedMediaType),
        ("[]", "application/json", ValidationFailed),
        ('{"a": Infinity}', "application/json", ValidationFailed),
        ('{"a": 1', "application/json", ValidationFailed),
        ("[" * 100_000, "application/json", ValidationFailed),
        ('{"a": ' + "9" * 5000 + "}", "application/json", ValidationFailed),
        ('{"a": NaN}', "application/json", ValidationFailed),
        (b'{"a": "\xff"}', "application/json", ValidationFailed),  # not UTF-8
    ],
)
def test_json_object_refuses_what_is_not_a_json_object(bare_app, data, content_type, error):
    request = bare_app.test_request_context("/", method="POST", data=data, content_type=content_type)
    with request, pytest.raises(error):
        json_object()


def test_json_object_parses_an_object(bare_app):
    with bare_app.test_request_context("/", method="POST", json={"a": [1, 2.5, None]}):
        assert json_object() == {"a": [1, 2.5, None]}
