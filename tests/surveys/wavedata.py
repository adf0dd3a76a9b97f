"""Test data for waves, links and responses, built straight on the models so these tests do not depend on
the wave pages; responses go through the real storage core (adkar.surveys.responses.services)."""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from flask import current_app
from sqlalchemy import func, select

from adkar.extensions import db
from adkar.plan.models import StakeholderGroup
from adkar.surveys.definitions import registry
from adkar.surveys.definitions.survey import score
from adkar.surveys.models import HeldAnswer, Invitation, Response, SubmissionReceipt, Wave, WaveGroup
from adkar.surveys.responses.services import hash_key, split_answers, store_imported
from adkar.timeutil import today

PULSE_ITEMS = ("aw1", "de1", "kn1", "ab1", "re1")


def make_wave(
    factory,
    *,
    groups: int = 1,
    survey: str = "adkar-pulse",
    opens_in: int = -1,
    closes_in: int = 7,
    owner=None,
    purpose: str = "Check readiness before go-live.",
) -> tuple[Wave, list[StakeholderGroup], object]:
    """A wave of `groups` new groups, open today unless told otherwise; returns (wave, groups, owner)."""
    owner = owner or factory.user("practitioner")
    initiative = factory.initiative(owner, name=f"Initiative {secrets.token_hex(3)}")
    made = [factory.group(initiative, name=f"Team {chr(65 + i)}") for i in range(groups)]
    day = today()
    wave = Wave(
        initiative_id=initiative.id,
        name="Pre go-live pulse",
        survey_key=survey,
        opens_on=day + timedelta(days=opens_in),
        closes_on=day + timedelta(days=closes_in),
        purpose=purpose,
        wave_groups=[WaveGroup(group_id=g.id) for g in made],
    )
    db.session.add(wave)
    db.session.commit()
    return wave, made, owner


def invite(wave: Wave, group: StakeholderGroup) -> str:
    """A personal link's token (only its hash is stored, as the invitation service does)."""
    token = secrets.token_urlsafe(24)
    db.session.add(Invitation(wave_id=wave.id, group_id=group.id, token_hash=hash_key(token)))
    db.session.execute(
        WaveGroup.__table__.update()
        .where(WaveGroup.wave_id == wave.id, WaveGroup.group_id == group.id)
        .values(invited=WaveGroup.__table__.c.invited + 1)
    )
    db.session.commit()
    return token


def open_link(wave: Wave, group: StakeholderGroup) -> str:
    token = secrets.token_urlsafe(24)
    db.session.execute(
        WaveGroup.__table__.update()
        .where(WaveGroup.wave_id == wave.id, WaveGroup.group_id == group.id)
        .values(open_link_hash=hash_key(token))
    )
    db.session.commit()
    return token


def pulse_form(value: int | str = 4, **extra) -> dict:
    """A complete pulse form: every ADKAR statement answered with `value`."""
    return {**dict.fromkeys(PULSE_ITEMS, str(value)), **extra}


@contextmanager
def minimum_group_size(k: int) -> Iterator[None]:
    """Run with the installation's anonymity minimum at `k` (never below 3, as the configuration
    requires), then restore it. Answers are held until a group has k of a kind, so a published group
    smaller than k comes about one way only: it was published while the minimum was lower, and the
    installation raised it afterwards."""
    if k < 3:
        raise ValueError(f"an installation's minimum group size is at least 3, not {k}")
    config = current_app.config
    before = config["MIN_GROUP_SIZE"]
    config["MIN_GROUP_SIZE"] = k
    try:
        yield
    finally:
        config["MIN_GROUP_SIZE"] = before


def add_responses(
    wave: Wave,
    group: StakeholderGroup,
    count: int,
    *,
    value: int = 4,
    comment: str | None = None,
    published_at_k: int | None = None,
):
    """Import `count` responses for a group through the storage core, in one batch: fewer than k are
    held until the group's imports reach k. `published_at_k` imports them while the minimum group size is
    that instead (see `minimum_group_size`), to make a published group smaller than the k read with."""
    defn = registry.get(wave.survey_key)
    clean = {**dict.fromkeys(PULSE_ITEMS, value), **({"comment": comment} if comment else {})}
    answers, text = split_answers(defn, clean)
    rows = [(answers, score(defn, clean), text)] * count
    if published_at_k is None:
        store_imported(wave_id=wave.id, group_id=group.id, rows=rows)
        return
    with minimum_group_size(published_at_k):
        store_imported(wave_id=wave.id, group_id=group.id, rows=rows)


def count_responses(wave_id: int | None = None) -> int:
    db.session.rollback()  # a fresh snapshot: requests commit in their own sessions
    query = select(func.count()).select_from(Response)
    if wave_id is not None:
        query = query.where(Response.wave_id == wave_id)
    return db.session.scalar(query)


def count_held(wave_id: int | None = None) -> int:
    """Answers received and held, sealed, until their group has k of their kind (not yet published)."""
    db.session.rollback()
    query = select(func.count()).select_from(HeldAnswer)
    if wave_id is not None:
        query = query.where(HeldAnswer.wave_id == wave_id)
    return db.session.scalar(query)


def count_received(wave_id: int | None = None) -> int:
    """Every answer set received: published as a response or still held."""
    return count_responses(wave_id) + count_held(wave_id)


def count_receipts() -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(SubmissionReceipt))


def tally(wave_id: int, group_id: int) -> WaveGroup:
    db.session.rollback()
    db.session.expire_all()
    return db.session.get(WaveGroup, (wave_id, group_id))


def invitation_used(token: str) -> bool:
    db.session.rollback()
    return db.session.scalar(select(Invitation.used).where(Invitation.token_hash == hash_key(token)))


_NONCE = re.compile(r'name="nonce" value="([^"]+)"')


def page_nonce(client, token: str) -> str:
    """The nonce the personal link's form carries, as a browser would post it back."""
    found = _NONCE.search(client.get(f"/s/{token}").get_data(as_text=True))
    assert found, "no nonce in the respondent form"
    return found.group(1)


@contextmanager
def failing_writes(table: str, operation: str) -> Iterator[None]:
    """Every INSERT or UPDATE of `table` fails inside the database ("disk full"), as a broken disk would
    make it, whichever statement or connection the app writes it with."""
    name = f"fail_{operation.lower()}_{table}"
    with db.engine.begin() as conn:
        if conn.dialect.name == "sqlite":
            conn.exec_driver_sql(
                f"CREATE TRIGGER {name} BEFORE {operation} ON {table} BEGIN SELECT RAISE(ABORT, 'disk full'); END"
            )
        else:
            conn.exec_driver_sql(
                f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS "
                "$$ BEGIN RAISE EXCEPTION 'disk full'; END $$"
            )
            conn.exec_driver_sql(
                f"CREATE TRIGGER {name} BEFORE {operation} ON {table} FOR EACH ROW EXECUTE FUNCTION {name}()"
            )
    try:
        yield
    finally:
        db.session.rollback()
        with db.engine.begin() as conn:
            if conn.dialect.name == "sqlite":
                conn.exec_driver_sql(f"DROP TRIGGER {name}")
            else:
                conn.exec_driver_sql(f"DROP TRIGGER {name} ON {table}")
                conn.exec_driver_sql(f"DROP FUNCTION {name}()")
