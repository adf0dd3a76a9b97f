"""The anonymity thresholds: the minimum reporting group size `k` and the stricter one for comments.

docs/readiness.md defines them; adkar.analytics.suppression applies them to a wave's groups.
"""

from __future__ import annotations

import operator
from collections.abc import Mapping

MIN_K = 3
"""k can never be set below this."""
COMMENTS_MIN_N = 10
"""Free text identifies more than a score: comments need a visible group of at least max(k, 10)."""


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


def comment_threshold(k: int) -> int:
    """The fewest responses a visible group needs before its comments are shown: max(k, 10)."""
    return max(check_k(k), COMMENTS_MIN_N)


def hidden_groups(counts: Mapping[int, int], k: int) -> set[int]:
    """Which groups of one wave are hidden, from their responses per group id.

    Groups with fewer than k are hidden. While the hidden groups hold between 1 and k-1 responses in total
    (the overall figure minus the visible groups would reveal them), the visible group with the fewest is
    hidden too (ties: the smallest id, the group created first). When every group ends up hidden the
    remainder can stay below k; the wave total is then below k, so the overall figure is hidden as well.
    """
    k = check_k(k)
    hidden = {group for group, n in counts.items() if n < k}
    while 1 <= sum(counts[group] for group in hidden) < k:
        visible = [group for group in counts if group not in hidden]
        if not visible:
            break
        hidden.add(min(visible, key=lambda group: (counts[group], group)))
    return hidden


def comments_shown(*, hidden: bool, n: int, k: int) -> bool:
    """A group's comments are shown only when the group is visible and holds at least max(k, 10)."""
    return not hidden and n >= comment_threshold(k)
