"""Checked responses held as columns, and the column-wise check that produces them for a whole import.

An import of 10,000 responses is 160,000 answers that are almost always plain whole numbers from 1 to 5.
Checking and scoring them one dict at a time cost several times what the database spends storing them, so
`score_columns` checks each item's column at once with numpy, by the same rules as the respondent form
(definitions.survey.check_item, element means, elements.barrier_point). When any answer is not a plain 1-5 (or an
item is missing or unknown) it gives up and the row-by-row check words every problem; tests hold both paths
to the same results.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import chain
from operator import itemgetter

import numpy as np

from ...elements import (
    BARRIER_AT_OR_BELOW,
    BARRIER_CHOICES,
    ELEMENTS,
    FAVORABLE_AT_OR_ABOVE,
    LIKERT_MAX,
    LIKERT_MIN,
    barrier_point,
)
from ..definitions.questions import Likert5
from ..definitions.survey import SurveyDefinition, check_item

NO_BARRIER = len(ELEMENTS)  # index of "none" in BARRIER_CHOICES
_LIKERT_TEXT = {str(value): value for value in range(LIKERT_MIN, LIKERT_MAX + 1)}


@dataclass(frozen=True)
class ScoredBatch:
    """Checked responses, ready to store: each one's `answers` as stored (JSON of the ADKAR items, in item
    order, free text left out), its comment, its element scores (one row each, ELEMENTS order) and its
    barrier point as an index into BARRIER_CHOICES."""

    answers_json: list[str]
    comments: list[str | None]
    scores: np.ndarray
    barriers: np.ndarray

    def __len__(self) -> int:
        return len(self.answers_json)

    @classmethod
    def from_rows(cls, rows: Sequence[tuple[Mapping, Mapping[str, float], str | None]]) -> ScoredBatch:
        """From (answers, element scores, comment) rows checked one by one."""
        return cls(
            answers_json=[json.dumps(dict(answers)) for answers, _, _ in rows],
            comments=[comment or None for _, _, comment in rows],
            scores=np.array([[float(s[e]) for e in ELEMENTS] for _, s, _ in rows], dtype=np.float64).reshape(
                len(rows), len(ELEMENTS)
            ),
            barriers=np.array([BARRIER_CHOICES.index(barrier_point(s)) for _, s, _ in rows], dtype=np.int64),
        )

    def tally(self) -> dict[str, float]:
        """What the batch adds to its group's tally: the columns of tally.TALLY_COLUMNS."""
        totals: dict[str, float] = {"n": len(self)}
        for column, element in enumerate(ELEMENTS):
            scores = self.scores[:, column]
            totals[f"sum_{element}"] = float(scores.sum())
            totals[f"fav_{element}"] = int((scores >= FAVORABLE_AT_OR_ABOVE).sum())
        counts = np.bincount(self.barriers, minlength=len(BARRIER_CHOICES))
        totals.update({f"bar_{choice}": int(counts[i]) for i, choice in enumerate(BARRIER_CHOICES)})
        return totals

    def shuffled(self) -> ScoredBatch:
        """The same responses in an order drawn from the system's randomness: the order rows are written in
        (a PostgreSQL heap, a backup) must follow neither the order people answered nor a file's."""
        order = list(range(len(self)))
        secrets.SystemRandom().shuffle(order)
        return ScoredBatch(
            answers_json=[self.answers_json[i] for i in order],
            comments=[self.comments[i] for i in order],
            scores=self.scores[order],
            barriers=self.barriers[order],
        )

    def ids(self) -> list[str]:
        """Fresh random response ids, as models.new_response_id makes them, drawn in one system call."""
        pool = secrets.token_hex(16 * len(self))
        return [pool[i : i + 32] for i in range(0, len(pool), 32)]


def score_columns(defn: SurveyDefinition, answer_sets: Sequence[Mapping]) -> ScoredBatch | None:
    """Check and score every answer set at once, or None when any of them needs the row-by-row check."""
    likert = [item for item in defn.items if item.scored]
    texts = [item for item in defn.items if not item.scored]
    if not answer_sets or not all(isinstance(item.question_type, Likert5) for item in likert):
        return None
    if any(item.question_type.widget != "textarea" for item in texts):
        return None
    allowed = frozenset(defn.item_ids)
    if not all(map(allowed.issuperset, answer_sets)):
        return None
    values = _likert_values(answer_sets, [item.id for item in likert])
    if values is None:
        return None
    comments = _comments(answer_sets, texts)
    if comments is None:
        return None
    scores = np.empty((len(answer_sets), len(ELEMENTS)), dtype=np.float64)
    for column, element in enumerate(ELEMENTS):
        positions = [i for i, item in enumerate(likert) if item.element == element]
        if not positions:
            return None
        scores[:, column] = values[:, positions].sum(axis=1) / len(positions)
    low = scores <= BARRIER_AT_OR_BELOW
    barriers = np.where(low.any(axis=1), low.argmax(axis=1), NO_BARRIER)
    return ScoredBatch(
        answers_json=_answers_json([item.id for item in likert], values),
        comments=comments,
        scores=scores,
        barriers=barriers,
    )


def _likert_values(answer_sets: Sequence[Mapping], ids: list[str]) -> np.ndarray | None:
    """The answers as a (responses x items) array when every one is a plain 1-5: all ints (as JSON sends
    them) or all digit strings (as a CSV file does); bools, floats and anything else go row by row."""
    if len(ids) < 2:  # itemgetter of one key returns the value, not a tuple
        return None
    try:
        rows = list(map(itemgetter(*ids), answer_sets))
    except KeyError:
        return None
    kinds = set(map(type, chain.from_iterable(rows)))
    count = len(rows) * len(ids)
    try:
        if kinds == {int}:
            flat = np.fromiter(chain.from_iterable(rows), dtype=np.int64, count=count)
        elif kinds == {str}:
            flat = np.fromiter(map(_LIKERT_TEXT.__getitem__, chain.from_iterable(rows)), np.int64, count)
        else:
            return None
    except (KeyError, OverflowError):
        return None
    if flat.min() < LIKERT_MIN or flat.max() > LIKERT_MAX:
        return None
    return flat.reshape(len(rows), len(ids))


def _answers_json(ids: list[str], values: np.ndarray) -> list[str]:
    """What json.dumps writes for each response's {item id: answer}, in item order. Every answer is one
    digit, so each text is the same template with its digits filled in: one array operation for all."""
    template = "{" + ", ".join(f"{json.dumps(item_id)}: 0" for item_id in ids) + "}"  # ASCII: ids escaped
    digits = [i for i, char in enumerate(template) if char == "0" and template[i - 2 : i] == ": "]
    width = len(template)
    text = np.tile(np.frombuffer(template.encode("ascii"), dtype=np.uint8), (len(values), 1))
    text[:, digits] = values + ord("0")
    joined = text.tobytes().decode("ascii")
    return [joined[start : start + width] for start in range(0, len(joined), width)]


def _comments(answer_sets: Sequence[Mapping], texts: Sequence) -> list[str | None] | None:
    """Each response's free text (several text items joined by a blank line, as split_answers does), or
    None when a text answer is not valid."""
    columns = []
    for item in texts:
        raws = [answers.get(item.id) for answers in answer_sets]
        column: list[str | None] = [None] * len(raws)
        for index, raw in enumerate(raws):
            if raw is None and not item.required:
                continue
            value, error = check_item(item, raw)
            if error is not None:
                return None
            column[index] = value or None
        columns.append(column)
    if not columns:
        return [None] * len(answer_sets)
    if len(columns) == 1:
        return columns[0]
    return ["\n\n".join(t for t in parts if t) or None for parts in zip(*columns, strict=True)]
