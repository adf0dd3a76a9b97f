"""Anonymity rules: the minimum reporting group size `k` and who may be shown.

No view may show scores for fewer than k people, including by subtraction from the overall figure,
so small groups are hidden and, when needed, the smallest visible group is hidden with them.
"""

from __future__ import annotations

import operator
from collections.abc import Mapping
from typing import Any

import pandas as pd

MIN_K = 3
COMMENTS_MIN_N = 10


def check_k(k: int) -> int:
    """Return k as an int, refusing anything below 3 (the spec's floor for the anonymity minimum)."""
    if isinstance(k, bool):
        raise ValueError(f"minimum reporting group size must be a whole number, got {k!r}")
    try:
        value = operator.index(k)
    except TypeError as exc:
        raise ValueError(f"minimum reporting group size must be a whole number, got {k!r}") from exc
    if value < MIN_K:
        raise ValueError(f"minimum reporting group size k is {value}; it can never be below {MIN_K}")
    return value


def suppressed_groups(n: pd.Series, k: int) -> pd.Series:
    """Which groups of one wave are hidden: `n` holds responses per group, indexed by group_id.

    Groups with n < k are hidden. While the hidden groups hold between 1 and k-1 responses in total
    (the overall figure minus the visible groups would reveal them), the visible group with the smallest
    n is hidden too (ties: smallest group_id, the group created first). When every group ends up hidden
    the remainder can stay below k; the wave total is then below k, so the overall row is hidden as well.
    Returns a bool Series with the same index as `n`.
    """
    k = check_k(k)
    hidden = n < k
    while 1 <= int(n[hidden].sum()) < k:
        visible = n[~hidden]
        if visible.empty:
            break
        hidden.loc[min(visible.index, key=lambda g: (visible[g], g))] = True
    return hidden.astype(bool)


def comments_visible(group_row: Mapping[str, Any] | pd.Series, k: int) -> bool:
    """Free-text comments need a visible group of at least max(k, 10) responses (more identifying)."""
    k = check_k(k)
    return (not bool(group_row["suppressed"])) and int(group_row["n"]) >= max(k, COMMENTS_MIN_N)
