"""Checking and scoring thousands of imported answer sets against one survey, quickly and by the same rules.

An import of 10,000 rows holds 160,000 answers but only a handful of distinct values per item ("1".."5").
`BatchChecker` parses each distinct (item, raw value) once with `definitions.survey.check_item`, the respondent
form's own rule, and scores with precomputed item positions. A row with any problem is handed back to
`check_answers`, so problems are worded and ordered exactly as for a single form.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ...elements import ELEMENTS
from ..definitions.questions import AnswerError
from ..definitions.survey import SurveyDefinition, check_answers, check_item

_CACHEABLE = (int, str)  # exact types: a bool (an int subclass equal to 1 or 0) is never cached
_MAX_CACHED_TEXT = 32
_MAX_ENTRIES = 50_000


class BatchChecker:
    """`check(raw)` equals `definitions.survey.check_answers(defn, raw)` for a plain dict, and `score(clean)`
    equals `definitions.survey.score(defn, clean)`; tests hold both to that."""

    def __init__(self, defn: SurveyDefinition):
        self.defn = defn
        self._items = defn.items
        self._item_ids = frozenset(defn.item_ids)
        self._parsed: dict[tuple[str, type, Any], tuple[Any, AnswerError | None]] = {}
        self._scored = [
            [(item.id, item.question_type.score_value) for item in defn.scored_items if item.element == e]
            for e in ELEMENTS
        ]

    def check(self, raw: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, AnswerError]]:
        """(clean answers, errors by item id or offending field), as check_answers gives them."""
        if not raw.keys() <= self._item_ids:
            return check_answers(self.defn, raw)
        clean: dict[str, Any] = {}
        for item in self._items:
            value, error = self._check_item(item, raw.get(item.id))
            if error is not None:
                return check_answers(self.defn, raw)
            if value is not None:
                clean[item.id] = value
        return clean, {}

    def score(self, clean: Mapping[str, Any]) -> dict[str, float]:
        """Element scores: the mean of the element's items, summed in item order like element_scores."""
        scores = {}
        for element, items in zip(ELEMENTS, self._scored, strict=True):
            if not items:
                raise ValueError(f"no answers for element {element!r}")
            try:
                total = sum(value_of(clean[item_id]) for item_id, value_of in items)
            except KeyError as exc:
                raise ValueError(f"answer for scored item {exc.args[0]!r} is missing") from None
            scores[element] = total / len(items)
        return scores

    def _check_item(self, item, raw: Any) -> tuple[Any, AnswerError | None]:
        kind = type(raw)
        if raw is not None and (kind not in _CACHEABLE or (kind is str and len(raw) > _MAX_CACHED_TEXT)):
            return check_item(item, raw)
        key = (item.id, kind, raw)
        found = self._parsed.get(key)
        if found is None:
            found = check_item(item, raw)
            if len(self._parsed) < _MAX_ENTRIES:
                self._parsed[key] = found
        return found
