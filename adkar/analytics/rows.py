"""Reading the rows of readiness and trend frames as plain values: the overall row, the modal barrier
point, figures without NaN, days. Pages, charts, action plans and exports all read rows this way."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

import pandas as pd

from adkar.elements import ELEMENTS


def number(value: Any) -> float | None:
    """A plain float for JSON, None for NaN/NA/None (a suppressed or undefined figure)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    result = float(value)
    return result if math.isfinite(result) else None


def to_day(value: Any) -> date:
    """A date from a date, datetime, Timestamp or ISO string."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return pd.Timestamp(value).date()


def is_overall(row: Mapping[str, Any]) -> bool:
    """Overall rows of readiness/trend frames carry a null group_id."""
    return number(row["group_id"]) is None


def modal_barrier(row: Mapping[str, Any]) -> str | None:
    """The element most respondents stop at first (earliest on ties); None when nobody has a barrier."""
    shares = [(number(row[f"barrier_{e}"]) or 0.0, -i, e) for i, e in enumerate(ELEMENTS)]
    share, _, element = max(shares)
    return element if share > 0 else None


def records(frame: pd.DataFrame | Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Rows as dicts, from a DataFrame or a list of mappings.

    Column by column: DataFrame.to_dict("records") walks nullable (Int64) columns row by row and costs
    tens of milliseconds on a trend frame.
    """
    if isinstance(frame, pd.DataFrame):
        columns = [str(c) for c in frame.columns]
        values = [frame[c].tolist() for c in frame.columns]
        return [dict(zip(columns, row, strict=True)) for row in zip(*values, strict=True)]
    return [dict(row) for row in frame]
