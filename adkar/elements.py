"""The ADKAR elements, their order, and the per-respondent scoring rules.

Pure Python so every layer (surveys, analytics, charts, exports) shares one definition.
See docs/readiness.md for the contract these functions implement.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

ELEMENTS: tuple[str, ...] = ("awareness", "desire", "knowledge", "ability", "reinforcement")
ELEMENT_LABELS: dict[str, str] = {e: e.capitalize() for e in ELEMENTS}
NONE = "none"
BARRIER_CHOICES: tuple[str, ...] = (*ELEMENTS, NONE)

BARRIER_AT_OR_BELOW = 3.0
FAVORABLE_AT_OR_ABOVE = 4.0
LIKERT_MIN, LIKERT_MAX = 1, 5

# One colour-blind-safe palette (Okabe-Ito) for pages, charts and exports.
ELEMENT_COLOURS: dict[str, str] = {
    "awareness": "#0072B2",
    "desire": "#E69F00",
    "knowledge": "#009E73",
    "ability": "#CC79A7",
    "reinforcement": "#56B4E9",
    NONE: "#999999",
}


def element_scores(item_values: Mapping[str, Iterable[float]]) -> dict[str, float]:
    """Mean of a respondent's answers per element; every element must have at least one answer."""
    scores: dict[str, float] = {}
    for element in ELEMENTS:
        values = list(item_values.get(element, ()))
        if not values:
            raise ValueError(f"no answers for element {element!r}")
        scores[element] = sum(values) / len(values)
    return scores


def barrier_point(scores: Mapping[str, float]) -> str:
    """The first element in ADKAR order scoring 3.0 or lower (not the lowest), else 'none'."""
    for element in ELEMENTS:
        if scores[element] <= BARRIER_AT_OR_BELOW:
            return element
    return NONE


def is_favorable(score: float) -> bool:
    return score >= FAVORABLE_AT_OR_ABOVE


def check_element(value: str) -> str:
    """Return the element name or raise ValueError naming the allowed values."""
    if value not in ELEMENTS:
        raise ValueError(f"unknown element {value!r}; expected one of {', '.join(ELEMENTS)}")
    return value
