"""Holding answers and publishing them in shuffled batches of at least k: what makes a response anonymous
in the database as well as on the page.

A respondent's POST spends the link and holds the answers, sealed, in one transaction (`hold`). Nothing
readable is written then. Once a group holds k answers of one kind (personal links, the open link, an
import), `publish` takes them all in a transaction of its own, opens them, and inserts them as responses in
random order, dated the day they are published, with the tally. So:

- a reader of the database, its WAL or a backup can pair a spent link with a sealed row only; every
  readable response was written by a publication of at least k answers, none of them with a link;
- every figure, export and API answer changes only in steps of at least k people of one kind, so reading
  before and after a colleague answers shows nothing, and a group's published count is 0 or at least k;
- imported and open-link answers are published apart from personal ones, so they cannot pad a group of
  a few real respondents past k.

Fewer than k answers of a kind stay held (the wave pages say how many); publishing them with anything
else would let the difference isolate them. See docs/security.md.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

import numpy as np
import orjson
from flask import current_app
from sqlalchemy import Connection, bindparam, delete, func, insert, select

from ...config import min_group_size
from ...database import start_writing, table_of
from ...extensions import db
from ...jobs.queue import queue
from ...jobs.registry import every_minute, wakes
from ...timeutil import today
from ..definitions import registry
from ..definitions.survey import SurveyDefinition
from ..models import HeldAnswer, Wave, WaveGroup, new_response_id
from . import bulk_insert, sealing, tally
from .column_check import ScoredBatch

Source = Literal["personal", "open", "import"]
SOURCES: tuple[Source, ...] = ("personal", "open", "import")
PUBLISH_WAKE_UP = "responses.publish"

_held, _wave_groups = table_of(HeldAnswer), table_of(WaveGroup)
_INSERT_HELD = insert(_held)
_where_kind = (
    _held.c.wave_id == bindparam("wave_id"),
    _held.c.group_id == bindparam("group_id"),
    _held.c.source == bindparam("source"),
)
_COUNT_HELD = select(func.count()).select_from(_held).where(*_where_kind)
_TAKE_HELD = delete(_held).where(*_where_kind).returning(_held.c.sealed)
# Publications of one group run one at a time: the tally row they update is locked first (SQLite has one
# writer anyway), so two of them never split the held answers into batches below k.
_LOCK_GROUP = (
    select(_wave_groups.c.wave_id)
    .where(_wave_groups.c.wave_id == bindparam("wave_id"), _wave_groups.c.group_id == bindparam("group_id"))
    .with_for_update()
)
_READY = (
    select(_held.c.wave_id, _held.c.group_id, _held.c.source)
    .group_by(_held.c.wave_id, _held.c.group_id, _held.c.source)
    .having(func.count() >= bindparam("k"))
)

_BYTES_PER_TEXT_CHAR = 4  # UTF-8's longest, as JSON writes it; quotes and backslashes escape to 2
_BYTES_PER_ITEM = 256
_SEALED_SIZE_STEP = 1024


@dataclass(frozen=True)
class HeldGroup:
    """Where held answers wait together: the wave, the group and the kind of answer (`source`)."""

    wave_id: int
    group_id: int
    source: Source

    @property
    def context(self) -> bytes:
        """Bound to each sealed row, so a row copied to another group or kind does not open."""
        return f"{self.wave_id}:{self.group_id}:{self.source}".encode()

    @property
    def params(self) -> dict:
        return {"wave_id": self.wave_id, "group_id": self.group_id, "source": self.source}


def sealed_size(defn: SurveyDefinition) -> int:
    """The one size every held answer set of this survey is padded to: its longest possible payload."""
    text = sum((item.max_length or 0) * _BYTES_PER_TEXT_CHAR + 2 for item in defn.items if not item.scored)
    size = text + _BYTES_PER_ITEM * (len(defn.items) + 1)
    return -(-size // _SEALED_SIZE_STEP) * _SEALED_SIZE_STEP


def survey_of(connection: Connection, wave_id: int) -> SurveyDefinition:
    """The survey definition a wave's answers are held for (its sealed size)."""
    key = connection.execute(select(Wave.survey_key).where(Wave.id == wave_id)).scalar_one_or_none()
    defn = registry.get(key) if key is not None else None
    if defn is None:
        raise LookupError(f"wave {wave_id} does not exist or its survey {key!r} is not installed")
    return defn


def _secret_keys() -> list[str | bytes]:
    config = current_app.config
    return [config["SECRET_KEY"], *(config.get("SECRET_KEY_FALLBACKS") or ())]


# --- holding ----------------------------------------------------------------------------------------------


def hold(connection: Connection, kind: HeldGroup, batch: ScoredBatch, *, size: int) -> None:
    """Seal each answer set of `batch` and hold it, in the caller's transaction."""
    hold_sealed(connection, sealed_rows(kind, batch, size=size))


def sealed_rows(kind: HeldGroup, batch: ScoredBatch, *, size: int) -> list[dict]:
    """The held rows of `batch`, sealed: pure computation, so a caller can do it before taking the
    database's write lock."""
    secret_key = current_app.config["SECRET_KEY"]
    return [
        {
            "id": new_response_id(),
            **kind.params,
            "sealed": sealing.seal(
                orjson.dumps(
                    {
                        "a": batch.answers_json[i],
                        "c": batch.comments[i],
                        "s": batch.scores[i].tolist(),
                        "b": int(batch.barriers[i]),
                    }
                ),
                size=size,
                context=kind.context,
                secret_key=secret_key,
            ),
        }
        for i in range(len(batch))
    ]


def hold_sealed(connection: Connection, rows: list[dict]) -> None:
    """Insert rows made by `sealed_rows`, in the caller's transaction."""
    connection.execute(_INSERT_HELD, rows)


def held_count(connection: Connection, kind: HeldGroup) -> int:
    return int(connection.execute(_COUNT_HELD, kind.params).scalar_one())


def held_by_group(connection: Connection, wave_id: int) -> dict[int, int]:
    """Answers held per group of a wave, all kinds together (for the progress of the wave pages)."""
    rows = connection.execute(
        select(_held.c.group_id, func.count()).where(_held.c.wave_id == wave_id).group_by(_held.c.group_id)
    )
    return {group_id: int(count) for group_id, count in rows}


def held_by_wave(connection: Connection, wave_ids: Iterable[int]) -> dict[int, int]:
    """Answers held per wave (for the plan page's response rates)."""
    rows = connection.execute(
        select(_held.c.wave_id, func.count())
        .where(_held.c.wave_id.in_(list(wave_ids)))
        .group_by(_held.c.wave_id)
    )
    return {wave_id: int(count) for wave_id, count in rows}


# --- publishing -------------------------------------------------------------------------------------------


def publish(connection: Connection, kind: HeldGroup, *, at_least: int, day: date | None = None) -> int:
    """In the caller's write transaction: when `kind` holds at least `at_least` answers, publish them all
    (shuffled responses, the tally) and return how many; otherwise change nothing and return 0."""
    lock_group(connection, kind)
    if held_count(connection, kind) < max(at_least, 1):
        return 0
    sealed = connection.execute(_TAKE_HELD, kind.params).scalars().all()
    batch = _opened(sealed, kind).shuffled()
    insert_published(connection, kind, batch, day=day)
    return len(batch)


def lock_group(connection: Connection, kind: HeldGroup) -> None:
    """Lock the group's tally row until the transaction ends; LookupError when the group is not in the
    wave."""
    if connection.execute(_LOCK_GROUP, kind.params).first() is None:
        raise LookupError(f"group {kind.group_id} is not part of wave {kind.wave_id}")


def insert_published(
    connection: Connection, kind: HeldGroup, batch: ScoredBatch, *, day: date | None = None
) -> None:
    """Insert a batch as responses with its tally, in the caller's transaction. Only `publish` and imports
    of at least k answers (responses.store_batch) call it: every call is one step of at least k."""
    bulk_insert.insert_responses(
        connection, wave_id=kind.wave_id, group_id=kind.group_id, on=day or today(), batch=batch
    )
    tally.add(
        connection, tally.parameters(wave_id=kind.wave_id, group_id=kind.group_id, totals=batch.tally())
    )


def _opened(sealed: Iterable[bytes], kind: HeldGroup) -> ScoredBatch:
    keys = _secret_keys()
    payloads = [json.loads(sealing.unseal(row, context=kind.context, secret_keys=keys)) for row in sealed]
    return ScoredBatch(
        answers_json=[p["a"] for p in payloads],
        comments=[p["c"] for p in payloads],
        scores=np.array([p["s"] for p in payloads], dtype=np.float64).reshape(len(payloads), -1),
        barriers=np.array([p["b"] for p in payloads], dtype=np.int64),
    )


def waiting(connection: Connection, kind: HeldGroup) -> int:
    """In the transaction that has just held an answer: how many answers of `kind` wait now, itself
    included. On PostgreSQL the group's tally row is locked first, so holders of one group count one after
    another and whichever completes a batch sees it complete; SQLite has a single writer already."""
    if connection.dialect.name != "sqlite":
        lock_group(connection, kind)
    return held_count(connection, kind)


def request_publication(kind: HeldGroup, waiting: int) -> None:
    """Once the transaction that held an answer has committed (never inside it): when `waiting`, counted by
    that transaction, reached k (or 2k, 3k... while no worker has published), wake a worker to publish the
    batch in a transaction of its own; the answers held meanwhile are published with it. The
    respondent's request does not wait for it, and the publication's time is the worker's, not the k-th
    respondent's. A lost wake-up costs a minute: the worker's periodic work publishes every complete batch."""
    k = min_group_size()
    if waiting >= k and waiting % k == 0:  # once per batch: later answers join the batch being published
        queue().wake(PUBLISH_WAKE_UP, kind.wave_id, kind.group_id, kind.source)


@wakes(PUBLISH_WAKE_UP)
def publish_woken(wave_id: int, group_id: int, source: str) -> int:
    if source not in SOURCES:
        raise ValueError(f"unknown answer source {source!r}")
    return publish_if_ready(HeldGroup(int(wave_id), int(group_id), source))


def publish_if_ready(kind: HeldGroup) -> int:
    """Publish `kind`'s held answers once there are k of them, counting afresh, in a transaction of its
    own; returns how many were published."""
    k = min_group_size()
    with db.engine.connect() as connection:
        if held_count(connection, kind) < k:
            return 0
        start_writing(connection)
        published = publish(connection, kind, at_least=k)
        connection.commit()
        return published


@every_minute("held-answers")
def publish_each_minute(now: datetime) -> int:
    """Batches whose wake-up was lost (a queue store that restarted, a worker that died) wait a minute."""
    return publish_all_ready()


def publish_all_ready() -> int:
    """Publish every group and kind that holds at least k answers (the worker's minute; `flask
    release-answers`, after k was lowered)."""
    k = min_group_size()
    with db.engine.connect() as connection:
        ready = [HeldGroup(w, g, s) for w, g, s in connection.execute(_READY, {"k": k})]
    return sum(publish_if_ready(kind) for kind in ready)
