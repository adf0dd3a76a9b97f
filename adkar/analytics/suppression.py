"""The anonymity rules (adkar.rules.anonymity) applied to a wave's groups in pandas.

No view may show scores for fewer than k people, including by subtraction from the overall figure,
so small groups are hidden and, when needed, the smallest visible group is hidden with them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from ..rules.anonymity import comments_shown, hidden_groups


def suppressed_groups(n: pd.Series, k: int) -> pd.Series:
    """Which groups of one wave are hidden (adkar.rules.anonymity.hidden_groups), for `n` holding the
    responses per group indexed by group_id. Returns a bool Series with the same index as `n`."""
    hidden = hidden_groups({group: int(count) for group, count in n.items()}, k)
    return pd.Series([group in hidden for group in n.index], index=n.index, dtype=bool)


def comments_visible(group_row: Mapping[str, Any] | pd.Series, k: int) -> bool:
    """Free-text comments need a visible group of at least max(k, 10) responses (more identifying)."""
    return comments_shown(hidden=bool(group_row["suppressed"]), n=int(group_row["n"]), k=k)
