"""Receiving anonymous responses: exactly once per link or form, held sealed and published in batches of at
least k (adkar.surveys.responses.publication), so nothing stored pairs a response with its link."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, bindparam, false, insert, update
from sqlalchemy.exc import IntegrityError

from ... import events
from ...audit import services as audit
from ...config import min_group_size
from ...database import begin_write, table_of
from ...extensions import db
from ..definitions.survey import SurveyDefinition
from ..models import Invitation, SubmissionReceipt
from . import publication
from .column_check import ScoredBatch
from .publication import HeldGroup, Source

_INSERT_RECEIPT = insert(table_of(SubmissionReceipt))
_invitations = table_of(Invitation)
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


class AlreadyAnswered(Exception):
    """The token or form was used already; nothing was stored."""


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
    """Hold one response, commit, then publish its group's batch if it now holds k of its kind;
    AlreadyAnswered when the link or form was used already (nothing is stored then). See `write_response`;
    the respondent pages do the same on a connection of their own (respondent.submit)."""
    answer = seal_answer(
        publication.survey_of(db.session.connection(), wave_id),
        wave_id=wave_id,
        group_id=group_id,
        source="personal" if invitation_token_hash is not None else "open",
        answers=answers,
        scores=scores,
        comment=comment,
    )
    begin_write()
    try:
        received = write_response(
            db.session.connection(), answer, receipt=receipt, invitation_token_hash=invitation_token_hash
        )
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    publication.request_publication(received.kind, received.waiting)


@dataclass(frozen=True)
class Received:
    """What receiving one response left: where its answers wait, and how many of their kind wait there
    now, themselves included (counted in the receiving transaction, exact under concurrency)."""

    kind: HeldGroup
    waiting: int


@dataclass(frozen=True)
class SealedAnswer:
    """One respondent's answers, sealed for holding (made before the write transaction starts, so the
    write lock is held for the writes alone)."""

    kind: HeldGroup
    rows: list[dict]


def seal_answer(
    defn: SurveyDefinition,
    *,
    wave_id: int,
    group_id: int,
    source: Source,
    answers: Mapping,
    scores: Mapping[str, float],
    comment: str | None,
) -> SealedAnswer:
    """Seal one answer set of `source` ("personal" or "open") for `write_response`."""
    kind = HeldGroup(wave_id, group_id, source)
    batch = ScoredBatch.from_rows([(answers, scores, comment)])
    return SealedAnswer(kind, publication.sealed_rows(kind, batch, size=publication.sealed_size(defn)))


def write_response(
    connection: Connection,
    answer: SealedAnswer,
    *,
    receipt: str | None = None,
    invitation_token_hash: str | None = None,
) -> Received:
    """The one way a response is received, in the caller's write transaction: the token marked used (or
    the open-link form's receipt stored) and the sealed answers held (adkar.surveys.responses.publication). Nothing
    readable is written here, and the response is published, with others of its kind, only after this
    transaction commits (`publication.request_publication`, with what it returns). Raises AlreadyAnswered
    before writing anything when the token or form was used; the caller's transaction must then be rolled
    back.

    A personal token counts once because marking it is `UPDATE ... WHERE used = false`: under the write
    lock (SQLite) or the row lock (PostgreSQL, which re-checks the condition after a concurrent commit) only
    one transaction can change the row. An open link has no row per person, so `receipt`, the hash of the
    form's nonce, goes into a table whose primary key refuses a second answer from one form.
    """
    kind = answer.kind
    personal = kind.source == "personal"
    if personal != (invitation_token_hash is not None) or (not personal and receipt is None):
        raise ValueError("a personal answer needs the token it uses, an open-link one the form's receipt")
    if invitation_token_hash is not None:
        spend = {
            "used_token_hash": invitation_token_hash,
            "used_wave_id": kind.wave_id,
            "used_group_id": kind.group_id,
        }
        if connection.execute(_MARK_USED, spend).rowcount != 1:
            raise AlreadyAnswered
    if receipt is not None:
        try:
            connection.execute(_INSERT_RECEIPT, {"key_hash": receipt})
        except IntegrityError as exc:
            raise AlreadyAnswered from exc
    publication.hold_sealed(connection, answer.rows)
    return Received(kind, publication.waiting(connection, kind))


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
    """Store already-validated imported responses in one transaction (all or nothing), as one kind of
    answer of their own ("import"): a batch of at least k is published at once (shuffled), with any import
    answers the group held; a smaller one is held until the group's imports reach k
    (adkar.surveys.responses.publication). Returns how many were stored; LookupError when the group is not in the
    wave.

    Imports never touch `invited`: they are answers collected elsewhere, not invitations. With `actor_id`
    the import is written to the audit trail in the same transaction.
    """
    return store_batches(
        wave_id=wave_id,
        batches={group_id: batch},
        actor_id=actor_id,
        initiative_id=initiative_id,
        source=source,
    )


def store_batches(
    *,
    wave_id: int,
    batches: Mapping[int, ScoredBatch],
    actor_id: int | None = None,
    initiative_id: int | None = None,
    source: str = "import",
) -> int:
    """`store_batch` for several groups of one file in one transaction: every group's responses or none.
    Groups are locked in id order, so two imports never wait on each other's locks."""
    batches = {group_id: batch for group_id, batch in sorted(batches.items()) if len(batch)}
    if not batches:
        return 0
    k = min_group_size()
    begin_write()
    try:
        conn = db.session.connection()
        for group_id, batch in batches.items():
            kind = HeldGroup(wave_id, group_id, "import")
            publication.lock_group(conn, kind)
            if len(batch) >= k:
                publication.insert_published(conn, kind, batch.shuffled())
                publication.publish(conn, kind, at_least=1)
            else:
                size = publication.sealed_size(publication.survey_of(conn, wave_id))
                publication.hold(conn, kind, batch, size=size)
                publication.publish(conn, kind, at_least=k)
            if actor_id is not None:
                audit.record(
                    user_id=actor_id,
                    action="responses.import",
                    target_type="wave",
                    target_id=wave_id,
                    initiative_id=initiative_id,
                    detail={"group_id": group_id, "count": len(batch), "source": source},
                )
                events.announce(  # joins this transaction: the event exists exactly when the import does
                    "import.finished",
                    {
                        "import": {"kind": "responses", "rows": len(batch), "source": source},
                        "wave_id": wave_id,
                        "group_id": group_id,
                    },
                    initiative_id=initiative_id,
                )
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    return sum(len(batch) for batch in batches.values())
