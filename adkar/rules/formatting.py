"""How numbers read, on pages, in chart captions and in exports' notes: one wording for every share and score.

Shares of people are whole percentages ("46%"): a decimal would claim a precision a pulse survey does not
have. Thresholds people set, and response rates, keep one decimal when they have one ("82.5%"). Means on
the 1-5 scale have one decimal ("3.4"). A pace is whole percentage points a week ("+4 pts a week"). A missing
figure (suppressed, or no data) reads as `missing`.
"""

from __future__ import annotations

import math

MISSING = "–"


def _finite(value: object) -> float | None:
    """A plain float, or None for None, NaN and the missing values of pandas (pd.NA, NaT)."""
    if value is None:
        return None
    try:
        result = float(value)  # type: ignore[arg-type]  # anything float() takes; the rest is missing
    except (TypeError, ValueError):
        return None
    return result if math.isfinite(result) else None


def percent(share: object, *, missing: str = MISSING) -> str:
    """A share of people as a whole percentage: 0.456 -> "46%"."""
    value = _finite(share)
    return missing if value is None else f"{value:.0%}"


def precise_percent(share: object, *, missing: str = MISSING) -> str:
    """A threshold or a rate with its one decimal, when it has one: 0.8 -> "80%", 0.825 -> "82.5%"."""
    value = _finite(share)
    return missing if value is None else f"{round(value * 100, 1):g}%"


def mean_score(mean: object, *, missing: str = MISSING) -> str:
    """A mean on the 1-5 scale with one decimal: 3.44 -> "3.4"."""
    value = _finite(mean)
    return missing if value is None else f"{value:.1f}"


def weekly_points(pace: object, *, missing: str = MISSING) -> str:
    """A pace in share per week as signed whole percentage points: 0.04 -> "+4", -0.012 -> "-1", 0.003 -> "0"."""
    value = _finite(pace)
    if value is None:
        return missing
    points = round(value * 100)
    return f"{points:+d}" if points else "0"


def pace_sentence(pace: object, required_pace: object) -> str:
    """What a sponsor reads beside a gate: "needs +4 pts a week, going +1"; empty when neither is known."""
    going, needs = _finite(pace), _finite(required_pace)
    if needs is not None and going is not None:
        return f"needs {weekly_points(needs)} pts a week, going {weekly_points(going)}"
    if needs is not None:
        return f"needs {weekly_points(needs)} pts a week"
    if going is not None:
        return f"going {weekly_points(going)} pts a week"
    return ""
