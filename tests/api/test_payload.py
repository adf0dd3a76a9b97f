"""The body readers on their own: every field kind, bodies read with a model, and JSON parsing edge cases."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import pytest
from flask import Flask
from pydantic_core import PydanticCustomError
from werkzeug.exceptions import UnsupportedMediaType

from adkar.api.fields import ELEMENT, Day, Email, Flag, Ids, OneOf, Share, Text, Whole
from adkar.api.openapi import schemas
from adkar.api.payload import MAX_ID, convert, json_object, read_changes
from adkar.api.schemas.base import Body, changes_of
from adkar.validation import ValidationFailed


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        (Text(max_length=5), "  abc  ", "abc"),
        (Text(max_length=5), "abcde", "abcde"),
        (Text(max_length=5, blank=True), "   ", ""),
        (Text(max_length=20, multiline=True), "one\r\ntwo\tthree", "one\r\ntwo\tthree"),
        (Text(max_length=20), "café ✓", "café ✓"),
        (Email(), " Ann@Example.TEST ", "ann@example.test"),
        (Day(), "2028-02-29", date(2028, 2, 29)),
        (Whole(minimum=1, maximum=10), 10, 10),
        (Share(), 1, 1.0),
        (Share(), 0.0001, 0.0001),
        (Flag(), False, False),
        (OneOf(("a", "b")), "b", "b"),
        (ELEMENT, "reinforcement", "reinforcement"),
        (Ids(), [3, 1, 3, 2], [3, 1, 2]),
        (Ids(), [], []),
        (Ids(), [MAX_ID], [MAX_ID]),
    ],
)
def test_fields_accept_and_clean_good_values(field, value, expected):
    assert field.convert(value) == expected


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        (Text(max_length=5), "abcdef", "At most 5 characters"),
        (Text(max_length=5), "  ", "blank"),
        (Text(max_length=5), 5, "Expected text"),
        (Text(max_length=5), None, "Expected text"),
        (Text(max_length=50), "a\nb", "control characters"),
        (Text(max_length=50), "a\u0000b", "control characters"),
        (Text(max_length=50, multiline=True), "a\u0000b", "control characters"),
        (Text(max_length=50), "\ud800", "not valid Unicode"),
        (Email(), "ann.example.test", "email address"),
        (Email(), "ann@", "email address"),
        (Day(), "2027-02-29", "not a date in the calendar"),
        (Day(), "2027-1-5", "YYYY-MM-DD"),
        (Day(), "2027-01-05T10:00", "YYYY-MM-DD"),
        (Day(), "20270105", "YYYY-MM-DD"),
        (Day(), None, "YYYY-MM-DD"),
        (Whole(minimum=1, maximum=10), 0, "between 1 and 10"),
        (Whole(minimum=1, maximum=10), 11, "between 1 and 10"),
        (Whole(minimum=1, maximum=10), 2.0, "whole number"),
        (Whole(minimum=1, maximum=10), True, "whole number"),
        (Whole(minimum=1, maximum=10), "3", "whole number"),
        (Share(), 0, "above 0 and at most 1"),
        (Share(), 1.5, "above 0 and at most 1"),
        (Share(), float("nan"), "Expected a number"),
        (Share(), float("inf"), "Expected a number"),
        (Share(), False, "Expected a number"),
        (Share(), "0.5", "Expected a number"),
        (Flag(), 1, "true or false"),
        (OneOf(("a", "b")), "c", "one of: a, b"),
        (ELEMENT, "adoption", "awareness, desire, knowledge, ability, reinforcement"),
        (Ids(), "1", "list of ids"),
        (Ids(), [1, True], "got true"),
        (Ids(), [0], "got 0"),
        (Ids(), [MAX_ID + 1], "whole numbers from 1"),
        (Ids(max_items=2), [1, 2, 3], "At most 2 ids"),
    ],
)
def test_fields_refuse_bad_values_with_a_clear_message(field, value, message):
    with pytest.raises(PydanticCustomError, match=message):
        field.convert(value)


class Toy(Body):
    name: Annotated[str, Text(max_length=10)]
    size: Annotated[int, Whole(minimum=1, maximum=5)]
    note: Annotated[str, Text(max_length=10, blank=True)] = ""


ToyChanges = changes_of(Toy, "ToyChanges")


def test_read_fills_defaults_and_collects_every_problem():
    assert convert(Toy, {"name": " x ", "size": 2}).model_dump() == {"name": "x", "size": 2, "note": ""}
    with pytest.raises(ValidationFailed) as caught:
        convert(Toy, {"size": 9, "colour": "red"})
    assert [(p.field, p.message) for p in caught.value.problems] == [
        ("colour", "Unknown field."),
        ("name", "This field is required."),
        ("size", "Must be between 1 and 5."),
    ]


def test_a_null_is_refused_by_the_kind_also_in_a_patch():
    with pytest.raises(ValidationFailed, match="Expected text"):
        convert(ToyChanges, {"name": None})


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"size": 3}, {"name": "a", "size": 3, "note": "b"}),
        ({"note": "  "}, {"name": "a", "size": 1, "note": ""}),
    ],
)
def test_a_patch_merges_what_was_sent_into_the_record(bare_app, data, expected):
    record = Toy(name="a", size=1, note="b")
    with bare_app.test_request_context("/", method="PATCH", json=data):
        assert read_changes(ToyChanges, record) == expected
    with (
        bare_app.test_request_context("/", method="PATCH", json={}),
        pytest.raises(ValidationFailed, match="at least one of: name, size, note"),
    ):
        read_changes(ToyChanges, record)


def test_schema_mirrors_the_fields():
    found = schemas([Toy, ToyChanges])
    schema = found["Toy"]
    assert schema["required"] == ["name", "size"]
    assert schema["additionalProperties"] is False
    assert schema["properties"]["size"] == {"type": "integer", "minimum": 1, "maximum": 5}
    assert schema["properties"]["note"]["default"] == ""
    partial = found["ToyChanges"]
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
