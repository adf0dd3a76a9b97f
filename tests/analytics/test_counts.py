"""The counts frame built from respondents follows the per-respondent scoring rules."""

from __future__ import annotations

import pandas as pd
import pytest

from adkar.analytics.counts import COUNT_COLUMNS, check_counts, counts_from_scores, empty_counts

from .builders import respondent, scores_frame


def one(*scores: float) -> pd.Series:
    return counts_from_scores(scores_frame([respondent(*scores)])).iloc[0]


def test_score_of_3_5_is_no_barrier_but_3_0_is():
    assert one(3.5, 3.5, 3.5, 3.5, 3.5)["bar_none"] == 1
    row = one(3.5, 3.0, 3.5, 3.5, 3.5)
    assert row["bar_desire"] == 1
    assert row["bar_none"] == 0


def test_barrier_is_first_low_element_not_lowest():
    row = one(4.0, 3.0, 1.0, 5.0, 5.0)
    assert row["bar_desire"] == 1
    assert row["bar_knowledge"] == 0


def test_favorable_starts_at_4_0():
    row = one(4.0, 3.99, 5.0, 1.0, 4.5)
    assert [row[f"fav_{e}"] for e in ("awareness", "desire", "knowledge", "ability", "reinforcement")] == [
        1,
        0,
        1,
        0,
        1,
    ]


def test_sums_counts_and_columns():
    rows = [respondent(4, 2, 3, 5, 1), respondent(2, 4, 4, 4, 4), respondent(5, 5, 5, 5, 5, group_id=2)]
    counts = counts_from_scores(scores_frame(rows))
    assert list(counts.columns) == list(COUNT_COLUMNS)
    g1 = counts.set_index("group_id").loc[1]
    assert g1["n"] == 2
    assert g1["invited"] == 2
    assert g1["sum_awareness"] == 6.0
    assert (g1["bar_awareness"], g1["bar_desire"], g1["bar_none"]) == (1, 1, 0)
    assert counts.set_index("group_id").loc[2, "bar_none"] == 1


def test_roster_adds_groups_without_respondents():
    roster = pd.DataFrame(
        {"wave_id": [1, 1], "group_id": [1, 2], "group_name": ["Ops", "Sales"], "invited": [9, 0]}
    )
    counts = counts_from_scores(scores_frame([respondent(4, 4, 4, 4, 4)]), roster)
    sales = counts.set_index("group_id").loc[2]
    assert (sales["group_name"], sales["n"], sales["invited"], sales["bar_none"]) == ("Sales", 0, 0, 0)
    assert counts["n"].dtype == "int64"
    check_counts(counts)


def test_respondents_outside_roster_are_refused():
    roster = pd.DataFrame({"wave_id": [1], "group_id": [2], "group_name": ["Sales"], "invited": [3]})
    with pytest.raises(ValueError, match="roster"):
        counts_from_scores(scores_frame([respondent(4, 4, 4, 4, 4, group_id=1)]), roster)


def test_check_counts_rejects_inconsistent_frames():
    good = counts_from_scores(scores_frame([respondent(4, 4, 4, 4, 4)]))
    with pytest.raises(ValueError, match="sum to n"):
        check_counts(good.assign(bar_none=0))
    with pytest.raises(ValueError, match="lacks columns"):
        check_counts(good.drop(columns="fav_desire"))
    with pytest.raises(ValueError, match="more than one row"):
        check_counts(pd.concat([good, good]))
    with pytest.raises(ValueError, match="exceed"):
        check_counts(good.assign(fav_desire=2))


def test_empty_counts_has_the_contract_columns():
    frame = empty_counts()
    assert list(frame.columns) == list(COUNT_COLUMNS)
    assert frame.empty
    check_counts(frame)
