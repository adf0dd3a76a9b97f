"""Storing anonymous responses: exactly once per link or form, never linked to it, tallies updated atomically."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Connection, Date, bindparam, exists, false, insert, update
from sqlalchemy.exc import IntegrityError

from ..audit import services as audit
from ..database import begin_write
from ..elements import ELEMENTS, barrier_point
from ..extensions import db
from ..timeutil import today
from . import bulk, personal_write, tally
from .definitions import SurveyDefinition
from .driver_sql import Driver
from .models import Invitation, Response, SubmissionReceipt, Wave, WaveGroup, new_response_id
from .scored_batch import ScoredBatch

BARRIER_INDEX = {name: index for index, name in enumerate((*ELEMENTS, "none"))}

# The respondent POST's statements, built once so each request only binds values (their compiled form is
# cached by SQLAlchemy); the write lock is then held for the database work alone.
_INSERT_RECEIPT = insert(SubmissionReceipt.__table__)
_INSERT_RESPONSE = insert(Response.__table__)
_invitations, _waves, _wave_groups = Invitation.__table__, Wave.__table__, WaveGroup.__table__
_MARK_USED = (
    update(_invitations)
    .where(
        _invitations.c.token_hash == bindparam("used_token_hash"),
        _invitations.c.wave_id == bindparam("used_wave_id"),
        _invitations.c.group_id == bindparam("used_group_id"),
        _invitations.c.used == false(),
    )
    .values(used=True)
)
# The same, only while the wave still takes this form: open today, with the survey the form was made for,
# and the group still in it (the respondent page reads none of that again when the form says it).
_MARK_USED_WHILE_OPEN = _MARK_USED.where(
    exists().where(
        _waves.c.id == _invitations.c.wave_id,
        _waves.c.survey_key == bindparam("open_survey_key"),
        _waves.c.opens_on <= bindparam("open_day", type_=Date),
        _waves.c.closes_on >= bindparam("open_day", type_=Date),
    ),
    exists().where(
        _wave_groups.c.wave_id == _invitations.c.wave_id,
        _wave_groups.c.group_id == _invitations.c.group_id,
    ),
)


@dataclass(frozen=True)
class OpenFor:
    """The survey a form was made for and the day it is sent: a token is spent only if its wave takes it."""

    survey_key: str
    day: date


class AlreadyAnswered(Exception):
    """The token or form was used already (or, spent with OpenFor, its wave no longer takes that form);
    nothing was stored."""


def hash_key(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def split_answers(defn: SurveyDefinition, clean: Mapping[str, Any]) -> tuple[dict[str, Any], str | None]:
    """(answers, comment): free-text items go to the comment column, never into `answers`.

    Keeping every free text in one column lets exports and dashboards apply the stricter comment rule
    (visible groups of at least max(k, 10)) to all of it. Several text items are joined by a blank line.
    """
    answers: dict[str, Any] = {}
    texts: list[str] = []
    for item in defn.items:
        if item.id not in clean:
            continue
        if item.question_type.widget == "textarea":
            if clean[item.id]:
                texts.append(clean[item.id])
        else:
            answers[item.id] = clean[item.id]
    return answers, ("\n\n".join(texts) or None)


def response_row(
    *,
    wave_id: int,
    group_id: int,
    answers: Mapping,
    scores: Mapping[str, float],
    comment: str | None,
    on: date,
) -> dict:
    """The row stored for one response: wave, group, answers, scores, the date. Nothing about the person."""
    return {
        "id": new_response_id(),
        "wave_id": wave_id,
        "group_id": group_id,
        "submitted_on": on,
        "answers": dict(answers),
        **{f"score_{e}": float(scores[e]) for e in ELEMENTS},
        "barrier": BARRIER_INDEX[barrier_point(scores)],
        "comment": comment or None,
    }


def record_response(
    *,
    wave_id: int,
    group_id: int,
    answers: Mapping,
    scores: Mapping[str, float],
    comment: str | None,
    receipt: str | None = None,
    invitation_token_hash: str | None = None,
) -> None:
    """Store one response and commit the session; AlreadyAnswered when the link or form was used already
    (nothing is stored then). See `write_response`; the respondent pages call it on a connection of their
    own (respondent.submit)."""
    begin_write()
    try:
        write_response(
            db.session.connection(),
            wave_id=wave_id,
            group_id=group_id,
            answers=answers,
            scores=scores,
            comment=comment,
            receipt=receipt,
            invitation_token_hash=invitation_token_hash,
        )
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise


def write_response(
    target: Connection | Driver,
    *,
    wave_id: int,
    group_id: int,
    answers: Mapping,
    scores: Mapping[str, float],
    comment: str | None,
    receipt: str | None = None,
    invitation_token_hash: str | None = None,
    while_open: OpenFor | None = None,
) -> None:
    """Write one response in the caller's transaction: the token marked used or the form's receipt, the
    response, the tally. Raises AlreadyAnswered before writing anything else when the token or form was
    used; the caller's transaction must then be rolled back. `target` is a Core connection, or a Driver
    for the respondent POST's own connection (driver_sql).

    A personal token counts once because marking it is `UPDATE ... WHERE used = false`: under the write
    lock (SQLite) or the row lock (PostgreSQL, which re-checks the condition after a concurrent commit) only
    one transaction can change the row. On PostgreSQL the three writes are one statement (personal_write),
    which the caller may also send in autocommit. An open link has no row per person, so `receipt`, the
    hash of the form's nonce, goes into a table whose primary key refuses a second answer from one form.
    """
    if invitation_token_hash is None and receipt is None:
        raise ValueError("a response needs the personal token it uses or the open-link form's receipt")
    row = response_row(
        wave_id=wave_id, group_id=group_id, answers=answers, scores=scores, comment=comment, on=today()
    )
    added = tally.parameters(wave_id=wave_id, group_id=group_id, totals=tally.increments([scores]))
    run = target.run if isinstance(target, Driver) else _core_runner(target)
    if invitation_token_hash is not None:
        spend = {"used_token_hash": invitation_token_hash, "used_wave_id": wave_id, "used_group_id": group_id}
        mark = _MARK_USED
        if while_open is not None:
            mark = _MARK_USED_WHILE_OPEN
            spend |= {"open_survey_key": while_open.survey_key, "open_day": while_open.day}
        if receipt is None and target.dialect.name == "postgresql":
            if run(personal_write.statement(mark), personal_write.parameters(spend, added, row)) != 1:
                raise AlreadyAnswered
            return
        if run(mark, spend) != 1:
            raise AlreadyAnswered
    if receipt is not None:
        try:
            run(_INSERT_RECEIPT, {"key_hash": receipt})
        except IntegrityError as exc:
            raise AlreadyAnswered from exc
    run(_INSERT_RESPONSE, row)
    tally.check_added(run(tally.ADD, added), added)


def _core_runner(connection: Connection):
    def run(statement, params) -> int:
        return connection.execute(statement, params).rowcount

    return run


def store_imported(
    *,
    wave_id: int,
    group_id: int,
    rows: Sequence[tuple[Mapping, Mapping[str, float], str | None]],
    **options: Any,
) -> int:
    """`store_batch` for (answers, element scores, comment) rows checked one by one."""
    if not rows:
        return 0
    return store_batch(wave_id=wave_id, group_id=group_id, batch=ScoredBatch.from_rows(rows), **options)


def store_batch(
    *,
    wave_id: int,
    group_id: int,
    batch: ScoredBatch,
    actor_id: int | None = None,
    initiative_id: int | None = None,
    source: str = "import",
) -> int:
    """Insert already-validated imported responses and their tally in one transaction (all or nothing).

    Imports never touch `invited`: they are answers collected elsewhere, not invitations. With `actor_id`
    the import is written to the audit trail in the same transaction.
    """
    if not len(batch):
        return 0
    added = tally.parameters(wave_id=wave_id, group_id=group_id, totals=batch.tally())
    begin_write()
    try:
        conn = db.session.connection()
        bulk.insert_responses(conn, wave_id=wave_id, group_id=group_id, on=today(), batch=batch)
        tally.add(conn, added)
        if actor_id is not None:
            audit.record(
                user_id=actor_id,
                action="responses.import",
                target_type="wave",
                target_id=wave_id,
                initiative_id=initiative_id,
                detail={"group_id": group_id, "count": len(batch), "source": source},
            )
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    return len(batch)
