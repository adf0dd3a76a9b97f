"""Where a share is heading: a least-squares line through past waves, read at a future date."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

import numpy as np
import pandas as pd

DAY = pd.Timedelta(days=1)
_SECONDS_PER_DAY = 86_400.0


def _days(value: date) -> float:
    """Days since 0001-01-01 (fractional for times); plain Python, as pandas costs ~1 ms a call here."""
    if isinstance(value, str):
        value = pd.Timestamp(value)
    if isinstance(value, datetime):
        seconds = value.hour * 3600 + value.minute * 60 + value.second + value.microsecond / 1e6
        return value.toordinal() + seconds / _SECONDS_PER_DAY
    return float(value.toordinal())


def projected_share(dates: Sequence[date], values: Sequence[float], at: date) -> float | None:
    """The least-squares line through (date in days, value) evaluated at `at`, clipped to [0, 1].

    None with fewer than two distinct dates: one point gives no trend. Dates may be dates, datetimes
    or Timestamps; x is measured in days so the slope reads "share per day".
    """
    if len(dates) != len(values):
        raise ValueError("projected_share needs one value per date")
    if not len(dates):
        return None
    days = [_days(d) for d in dates]
    origin = min(days)
    x = np.asarray([d - origin for d in days], dtype="float64")
    y = np.asarray(values, dtype="float64")
    if not np.isfinite(y).all():
        raise ValueError("projected_share needs finite values; leave suppressed waves out")
    if np.unique(x).size < 2:
        return None
    dx = x - x.mean()
    slope = float(np.dot(dx, y - y.mean()) / np.dot(dx, dx))
    target = _days(at) - origin
    value = float(y.mean()) + slope * (target - float(x.mean()))
    return float(min(1.0, max(0.0, value)))
