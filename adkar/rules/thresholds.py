"""When a share reaches a threshold: on counts, in exact arithmetic, so 4 of 5 reaches 0.8 (the binary
float 0.8 is a hair above 4/5, and 4 / 5 >= 0.8 would be a coin toss on rounding)."""

from __future__ import annotations

from fractions import Fraction


def exact(threshold: float | Fraction) -> Fraction:
    """The threshold as the decimal people typed (0.8 is 4/5), not its binary float."""
    return threshold if isinstance(threshold, Fraction) else Fraction(str(threshold))


def reaches(count: int, total: int, threshold: float | Fraction) -> bool:
    """count / total >= threshold; nothing reaches a threshold out of 0."""
    target = exact(threshold)
    return total > 0 and count * target.denominator >= target.numerator * total
