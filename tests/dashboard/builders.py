"""Readiness test data through the real services: waves via create_wave, responses via the storage core."""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from datetime import date

from sqlalchemy import update

from adkar.accounts.models import User
from adkar.extensions import db
from adkar.plan.models import Initiative, StakeholderGroup
from adkar.surveys.definitions import registry
from adkar.surveys.definitions.survey import score
from adkar.surveys.models import Wave, WaveGroup
from adkar.surveys.responses.services import hash_key, record_response, split_answers, store_imported
from adkar.surveys.waves.services import create_wave
from tests.surveys.wavedata import minimum_group_size

PULSE = "adkar-pulse"
PULSE_ITEMS = ("aw1", "de1", "kn1", "ab1", "re1")
Answer = tuple[int, int, int, int, int]  # awareness, desire, knowledge, ability, reinforcement


def make_wave(
    initiative: Initiative,
    actor: User,
    groups: Sequence[StakeholderGroup],
    *,
    name: str,
    opens_on: date,
    closes_on: date,
    survey: str = PULSE,
) -> Wave:
    return create_wave(
        initiative=initiative,
        actor=actor,
        name=name,
        survey_key=survey,
        opens_on=opens_on,
        closes_on=closes_on,
        group_ids=[g.id for g in groups],
    )


def _row(answer: Answer | Mapping[str, int], comment: str | None, survey: str = PULSE):
    """(answers, scores, comment) for the storage core; a tuple answers the pulse's five statements."""
    defn = registry.get(survey)
    items = dict(zip(PULSE_ITEMS, answer, strict=True)) if isinstance(answer, tuple) else dict(answer)
    clean = {**items, **({"comment": comment} if comment else {})}
    answers, text = split_answers(defn, clean)
    return answers, score(defn, clean), text


def respond(
    wave_id: int,
    group_id: int,
    answers: Sequence[Answer | Mapping[str, int]],
    *,
    comments: Sequence[str | None] | None = None,
    survey: str = PULSE,
    published_at_k: int | None = None,
) -> None:
    """Import responses in one transaction (as a CSV import does); `comments` pairs with `answers`.

    A batch of fewer than k is held, not published (adkar.surveys.responses.publication). `published_at_k` imports
    it while the minimum group size is that instead (see `minimum_group_size`): how a test makes a
    published group smaller than the k it then reads with."""
    texts = list(comments) if comments is not None else [None] * len(answers)
    rows = [_row(a, c, survey) for a, c in zip(answers, texts, strict=True)]
    if published_at_k is None:
        store_imported(wave_id=wave_id, group_id=group_id, rows=rows)
        return
    with minimum_group_size(published_at_k):
        store_imported(wave_id=wave_id, group_id=group_id, rows=rows)


def submit(
    wave_id: int,
    group_id: int,
    answer: Answer | Mapping[str, int],
    *,
    comment: str | None = None,
    survey: str = PULSE,
) -> None:
    """One respondent's submission, as the survey page stores it (its own receipt, its own transaction)."""
    answers, scores, text = _row(answer, comment, survey)
    record_response(
        wave_id=wave_id,
        group_id=group_id,
        answers=answers,
        scores=scores,
        comment=text,
        receipt=hash_key(secrets.token_hex(16)),
    )


def set_invited(wave_id: int, group_id: int, invited: int) -> None:
    db.session.execute(
        update(WaveGroup)
        .where(WaveGroup.wave_id == wave_id, WaveGroup.group_id == group_id)
        .values(invited=invited)
    )
    db.session.commit()


def fresh(model, record_id):
    """A record as the database holds it now (requests commit in their own sessions)."""
    db.session.rollback()
    return db.session.get(model, record_id)
