"""A share reaches its threshold on counts, exactly (docs/readiness.md, "Gates")."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from adkar.rules.roles import ROLES, WRITER_ROLES, may_write
from adkar.rules.thresholds import exact, reaches


@pytest.mark.parametrize(
    ("count", "total", "threshold", "expected"),
    [
        (4, 5, 0.8, True),  # 4/5 is 0.8 exactly: the float 0.8 must not make it miss
        (79, 100, 0.8, False),
        (7, 10, 0.7, True),  # 0.7 * 10 is 7.000000000000001 in floats
        (0, 0, 0.0, False),  # nothing reaches a threshold out of nobody
        (0, 3, 0.0, True),
        (3, 3, 1.0, True),
    ],
)
def test_reaches_by_hand(count, total, threshold, expected):
    assert reaches(count, total, threshold) is expected


@given(st.integers(1, 10_000), st.data(), st.integers(0, 100))
def test_reaches_agrees_with_exact_decimal_arithmetic(total, data, percent):
    count = data.draw(st.integers(0, total))
    assert reaches(count, total, percent / 100) is (Fraction(count, total) >= Fraction(percent, 100))


def test_exact_reads_the_decimal_people_typed():
    assert exact(0.8) == Fraction(4, 5) and exact(Fraction(1, 3)) == Fraction(1, 3)


def test_only_admins_and_practitioners_write():
    assert [role for role in ROLES if may_write(role)] == list(WRITER_ROLES) == ["admin", "practitioner"]
