"""Plausible respondents of the adkar-assessment survey, generated in bulk with numpy.

Answers correlate within a person, one element lags per group, and agreement rises with each wave, so the
readiness figures (barriers, reached shares, trends) look like a rollout rather than noise. Scores and
barrier points follow adkar.elements exactly, so the tallies built from them match what the app computes.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from adkar.elements import ELEMENTS, FAVORABLE_AT_OR_ABOVE
from adkar.surveys.definitions.survey import SurveyDefinition

SURVEY_KEY = "adkar-assessment"
COMMENT_SHARE = 0.15
NONE_INDEX = len(ELEMENTS)
COMMENTS = (
    "The new portal looks good but I have not had time to practise yet.",
    "Please keep the old tool read-only for a few weeks after go-live.",
    "Training was useful; the mobile app still crashes on my phone.",
    "Not clear why we are changing now, in our busiest quarter.",
    "My team lead walked us through the new flows, that helped a lot.",
    "I would like a sandbox to try the reports before the switch.",
    "Nobody has told us who to ask when something goes wrong.",
    "The quick reference cards are great, more of those please.",
    "We still do not know whether our approvals move to the new system.",
    "Happy with the change, worried about the cut-over weekend.",
)
RESPONSE_COLUMNS = (
    "id",
    "wave_id",
    "group_id",
    "submitted_on",
    "answers",
    *(f"score_{e}" for e in ELEMENTS),
    "barrier",
    "comment",
)


@dataclass(frozen=True)
class Layout:
    """The survey's scored items (in definition order), the element of each, and the free-text item."""

    item_ids: tuple[str, ...]
    element_of: np.ndarray
    comment_id: str | None

    @classmethod
    def of(cls, defn: SurveyDefinition) -> Layout:
        scored = defn.scored_items
        text = [i.id for i in defn.items if i.question_type.widget == "textarea"]
        return cls(
            item_ids=tuple(i.id for i in scored),
            element_of=np.array([ELEMENTS.index(i.element) for i in scored]),
            comment_id=text[0] if text else None,
        )

    @property
    def json_format(self) -> str:
        """A %-format turning one row of answers into the JSON object the app stores."""
        return "{" + ", ".join(f'"{item}": %d' for item in self.item_ids) + "}"


@dataclass
class Batch:
    """n respondents: answers (n x items), element scores (n x 5), barrier index (n), comments."""

    answers: np.ndarray
    scores: np.ndarray
    barrier: np.ndarray
    comments: list[str | None]

    def __len__(self) -> int:
        return len(self.barrier)


def readiness_level(wave_index: int, waves: int, speed: float) -> float:
    """How far a group has come by a wave: rises with every wave, faster for keen groups."""
    return 0.1 + 0.9 * ((wave_index + 1) / waves) * speed


def respondents(rng: np.random.Generator, n: int, *, level: float, lagging: int, layout: Layout) -> Batch:
    """n people of a group at this readiness level (0..1); the lagging element trails the others."""
    item_level = np.clip(level - 0.25 * (layout.element_of == lagging), 0.0, 1.0)
    centre = 2.2 + 2.6 * item_level
    person = rng.normal(0.0, 0.45, size=(n, 1))
    raw = centre[None, :] + person + rng.normal(0.0, 0.8, size=(n, len(layout.item_ids)))
    answers = np.clip(np.rint(raw), 1, 5).astype(np.int64)
    scores = np.empty((n, len(ELEMENTS)), dtype=np.float64)
    for index in range(len(ELEMENTS)):
        mask = layout.element_of == index
        scores[:, index] = answers[:, mask].sum(axis=1) / int(mask.sum())
    low = scores <= 3.0
    barrier = np.where(low.any(axis=1), low.argmax(axis=1), NONE_INDEX)
    picks = rng.integers(0, len(COMMENTS), size=n)
    with_comment = rng.random(n) < COMMENT_SHARE
    comments = [
        COMMENTS[p] if c else None for p, c in zip(picks.tolist(), with_comment.tolist(), strict=True)
    ]
    return Batch(answers=answers, scores=scores, barrier=barrier, comments=comments)


def tally(batch: Batch) -> dict[str, float]:
    """What this batch adds to its wave group's running tallies (same columns as adkar.surveys.responses.tally)."""
    totals: dict[str, float] = {"n": len(batch)}
    for index, element in enumerate(ELEMENTS):
        column = batch.scores[:, index]
        totals[f"sum_{element}"] = float(column.sum())
        totals[f"fav_{element}"] = int((column >= FAVORABLE_AT_OR_ABOVE).sum())
    counts = np.bincount(batch.barrier, minlength=NONE_INDEX + 1)
    for index, name in enumerate((*ELEMENTS, "none")):
        totals[f"bar_{name}"] = int(counts[index])
    return totals


def response_ids(n: int) -> list[str]:
    """Random 32-hex ids, like adkar.surveys.models.new_response_id."""
    blob = secrets.token_bytes(16 * n).hex()
    return [blob[i : i + 32] for i in range(0, 32 * n, 32)]


def response_rows(
    batch: Batch,
    *,
    wave_id: int,
    group_id: int,
    days: Sequence[str],
    rng: np.random.Generator,
    layout: Layout,
) -> list[tuple]:
    """Rows in RESPONSE_COLUMNS order, ready for executemany or COPY."""
    n = len(batch)
    fmt = layout.json_format
    answers = [fmt % tuple(row) for row in batch.answers.tolist()]
    on = [days[i] for i in rng.integers(0, len(days), size=n).tolist()]
    scores = batch.scores.tolist()
    return [
        (rid, wave_id, group_id, day, text, *s, b, c)
        for rid, day, text, s, b, c in zip(
            response_ids(n), on, answers, scores, batch.barrier.tolist(), batch.comments, strict=True
        )
    ]


def answer_sets(batch: Batch, layout: Layout) -> list[dict[str, Any]]:
    """The answers as a respondent or an importer sends them: item id -> 1..5, plus the optional comment."""
    sets = []
    for row, comment in zip(batch.answers.tolist(), batch.comments, strict=True):
        answers: dict[str, Any] = dict(zip(layout.item_ids, row, strict=True))
        if comment and layout.comment_id:
            answers[layout.comment_id] = comment
        sets.append(answers)
    return sets


def split(total: int, weights: Sequence[float]) -> list[int]:
    """`total` shared out in proportion to `weights` (largest remainder), every share at least 1."""
    w = np.asarray(weights, dtype=np.float64)
    if total < len(w):
        raise ValueError("cannot give every share at least one")
    exact = (total - len(w)) * w / w.sum()
    shares = np.floor(exact).astype(np.int64)
    rest = int(total - len(w) - shares.sum())
    shares[np.argsort(exact - shares)[::-1][:rest]] += 1
    return (shares + 1).tolist()
