"""Whole numbers in uploaded files are read one way (csvio.whole_number): "1.000" and "1,000" are both 1000,
in a German file and an English one, in every import; never 1."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from adkar.adoption.csv_import import parse_usage_csv
from adkar.csvio import whole_number
from adkar.plan.group_views import parse_group_rows
from adkar.timeutil import today


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("1200", 1200),
        ("1,200", 1200),
        ("1.200", 1200),  # German
        ("1 200", 1200),
        ("1\u00a0200", 1200),
        ("1'200", 1200),  # Swiss
        ("1.000", 1000),  # never 1
        ("1200.0", 1200),  # how spreadsheets save a whole number
        ("1.200,0", 1200),
        ("1,200.00", 1200),
        (" 48 ", 48),
        ("0", 0),
    ],
)
def test_whole_numbers_as_people_write_them(text, number):
    assert whole_number(text) == number


@pytest.mark.parametrize("text", ["12.5", "1,5", "1.2.3", "1,000,0", "1,00,000", "-3", "", "ten", "1e3"])
def test_anything_else_is_not_a_whole_number(text):
    assert whole_number(text) is None


@given(st.integers(0, 10**12), st.sampled_from([",", ".", " ", "\u00a0", "\u202f", "'"]))
def test_every_grouping_reads_back(number, separator):
    grouped = f"{number:,}".replace(",", separator)
    assert whole_number(grouped) == number
    assert whole_number(str(number)) == number
    assert whole_number(f"{number}.0") == number


def test_usage_and_group_imports_agree_on_1000(app, factory):
    """The two whole-number columns of the imports (headcount, active users) read "1.000" as 1000."""
    owner = factory.user()
    initiative = factory.initiative(owner)
    factory.group(initiative, name="Service desk")
    day = today() - timedelta(days=1)
    usage = parse_usage_csv(f"group,date,active_users\nService desk,{day},1.000\n".encode(), initiative)
    assert usage[0]["active_users"] == 1000
    groups = parse_group_rows(b"name,headcount\nField,1.000\n", initiative)
    assert groups[0]["headcount"] == 1000
