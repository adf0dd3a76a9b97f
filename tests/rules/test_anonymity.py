"""The anonymity rules in plain Python, against hand-computed cases (docs/readiness.md, "Anonymity")."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from adkar.rules.anonymity import check_k, comment_threshold, comments_shown, hidden_groups


@pytest.mark.parametrize(
    ("counts", "k", "hidden"),
    [
        ({1: 5, 2: 6, 3: 7}, 5, set()),  # every group at k or more
        (
            {1: 2, 2: 6, 3: 7},
            5,
            {1, 2},
        ),  # 2 hidden would be overall minus the rest: the smallest visible joins
        ({1: 2, 2: 3, 3: 7}, 5, {1, 2}),  # the hidden hold 5 >= k together: nothing more
        ({1: 0, 2: 6, 3: 7}, 5, {1}),  # an empty group hides nothing by subtraction
        ({1: 2, 2: 6, 3: 6}, 5, {1, 2}),  # a tie: the group created first (smallest id)
        ({1: 1, 2: 1}, 5, {1, 2}),  # all hidden and still below k: the wave total is hidden too
    ],
)
def test_hidden_groups_by_hand(counts, k, hidden):
    assert hidden_groups(counts, k) == hidden


@given(st.dictionaries(st.integers(1, 50), st.integers(0, 40), max_size=12), st.integers(3, 12))
def test_no_visible_figure_isolates_fewer_than_k(counts, k):
    hidden = hidden_groups(counts, k)
    assert all(counts[g] >= k for g in counts if g not in hidden)
    pooled = sum(counts[g] for g in hidden)
    everyone_hidden = len(hidden) == len(counts)
    assert pooled == 0 or pooled >= k or everyone_hidden


def test_comments_need_a_visible_group_of_max_k_10():
    assert comment_threshold(5) == 10 and comment_threshold(12) == 12
    assert comments_shown(hidden=False, n=10, k=5)
    assert not comments_shown(hidden=False, n=9, k=5)
    assert not comments_shown(hidden=True, n=50, k=5)
    assert not comments_shown(hidden=False, n=11, k=12)


@pytest.mark.parametrize("k", [2, 0, -1, True, 3.5, "5"])
def test_k_below_three_or_not_whole_is_refused(k):
    with pytest.raises(ValueError):
        check_k(k)
