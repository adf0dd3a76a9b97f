"""Small groups are hidden, and so is whatever would let subtraction reveal them."""

from __future__ import annotations

import pandas as pd
import pytest

from adkar.analytics.suppression import comments_visible, suppressed_groups
from adkar.rules.anonymity import check_k


def hidden(sizes: dict[int, int], k: int = 5) -> set[int]:
    flags = suppressed_groups(pd.Series(sizes), k)
    return {g for g, h in flags.items() if h}


@pytest.mark.parametrize("k", [2, 0, -1, 2.5, "5", True, None])
def test_k_below_three_or_not_whole_is_refused(k):
    with pytest.raises(ValueError, match="minimum reporting group size"):
        check_k(k)


def test_k_of_three_is_allowed():
    assert check_k(3) == 3


def test_group_of_four_is_hidden_with_k_five_and_five_is_shown():
    assert hidden({1: 4, 2: 5, 3: 30}) == {1, 2}  # 4 alone would be revealed, so 5 goes too
    assert hidden({1: 5, 2: 30}) == set()


def test_lone_small_group_forces_complementary_suppression():
    assert hidden({1: 3, 2: 8, 3: 20}) == {1, 2}


def test_complementary_picks_smallest_n_then_first_created():
    assert hidden({4: 1, 9: 1, 3: 6, 2: 6, 1: 7}) == {4, 9, 2}


def test_enough_hidden_responses_need_no_complement():
    assert hidden({1: 3, 2: 4, 3: 6, 4: 20}) == {1, 2}


def test_empty_groups_hide_no_responses():
    assert hidden({1: 0, 2: 6, 3: 7}) == {1}


def test_chain_stops_once_hidden_total_reaches_k():
    # 1 + 2 hidden (3 < 5): hide 5 (first created of the two 5s) -> 8 hidden, stop; the 9 stays.
    assert hidden({1: 1, 2: 2, 3: 5, 4: 5, 5: 9}) == {1, 2, 3}


def test_all_hidden_when_the_wave_is_too_small():
    assert hidden({1: 1, 2: 2}) == {1, 2}


def test_larger_k_changes_the_answer():
    assert hidden({1: 6, 2: 9, 3: 40}, k=7) == {1, 2}
    assert hidden({1: 6, 2: 9, 3: 40}, k=6) == set()


@pytest.mark.parametrize(
    ("suppressed", "n", "k", "shown"),
    [
        (False, 10, 5, True),
        (False, 9, 5, False),
        (True, 30, 5, False),
        (False, 12, 12, True),
        (False, 11, 12, False),
    ],
)
def test_comments_need_a_visible_group_of_max_k_10(suppressed, n, k, shown):
    assert comments_visible({"suppressed": suppressed, "n": n}, k) is shown
