"""Attacks by someone who reads the database, its WAL or a backup: none may pair a person's link with
their answers, or learn from the order in which rows were written who answered what.

Every test answers through the respondent pages as people would, then reads the storage as the attacker
would: PostgreSQL's transaction ids (xmin) and heap order, SQLite's WAL commit by commit, the invitation
ids against the mail-merge file.
"""

from __future__ import annotations

import sqlite3
import struct
from pathlib import Path

import pytest
from sqlalchemy import event, select, text, update

from adkar.extensions import db
from adkar.surveys.invitations import services as invitations
from adkar.surveys.models import HeldAnswer, Invitation
from adkar.surveys.responses.publication import HeldGroup, publish
from adkar.surveys.responses.sealing import Unsealable
from adkar.surveys.responses.services import hash_key

from ..surveys.wavedata import count_held, count_responses, invite, make_wave, pulse_form

K = 5


@pytest.fixture
def app_config(app_config):
    return {**app_config, "MIN_GROUP_SIZE": K}


def canary(i: int) -> str:
    return f"canary comment number {i:03d} from one person"


def answer(client, token: str, i: int) -> None:
    form = pulse_form(1 + i % 5, comment=canary(i))
    assert client.post(f"/s/{token}", data=form).status_code == 303


# --- PostgreSQL: transaction ids and heap order -------------------------------------------------------------


def _postgres_only(engine_name: str) -> None:
    if engine_name != "postgresql":
        pytest.skip("xmin and heap order are PostgreSQL's (ADKAR_TEST_POSTGRES_URL runs these)")


def test_no_response_shares_a_transaction_with_an_invitation(client, factory, engine_name):
    """The join on xmin that paired every invitation (and its e-mail address) with its response."""
    _postgres_only(engine_name)
    wave, groups, _ = make_wave(factory)
    tokens = [invite(wave, groups[0]) for _ in range(2 * K + 2)]
    db.session.execute(text("UPDATE invitations SET email = 'person' || id || '@example.test'"))
    db.session.commit()
    for i, token in enumerate(tokens):
        answer(client, token, i)
    assert count_responses() == 2 * K and count_held() == 2

    paired = db.session.execute(
        text("SELECT i.email, r.comment FROM invitations i JOIN responses r ON r.xmin::text = i.xmin::text")
    ).all()
    assert paired == []
    batches = db.session.execute(text("SELECT count(*) FROM responses GROUP BY xmin::text")).scalars().all()
    assert sorted(batches) == [K, K]  # every readable row came in a publication of k, none with a link


def test_what_shares_a_transaction_with_an_invitation_is_sealed_and_of_one_size(client, factory, engine_name):
    _postgres_only(engine_name)
    wave, groups, _ = make_wave(factory)
    tokens = [invite(wave, groups[0]) for _ in range(K - 1)]
    for i, token in enumerate(tokens):
        answer(client, token, i)

    paired = db.session.execute(
        text("SELECT i.id, h.sealed FROM invitations i JOIN held_answers h ON h.xmin::text = i.xmin::text")
    ).all()
    assert len(paired) == K - 1
    sealed = [bytes(row.sealed) for row in paired]
    assert len({len(s) for s in sealed}) == 1  # not even a comment's length tells them apart
    for i in range(K - 1):
        assert all(canary(i).encode() not in s for s in sealed)
        assert all(f'"aw1": {1 + i % 5}'.encode() not in s and b'"aw1"' not in s for s in sealed)


def test_the_heap_does_not_keep_the_order_people_answered_in(client, factory, engine_name):
    _postgres_only(engine_name)
    wave, groups, _ = make_wave(factory)
    tokens = [invite(wave, groups[0]) for _ in range(K)]
    order = []
    for i, token in enumerate(tokens):
        answer(client, token, i)
        order.append(canary(i))
    heap = db.session.execute(text("SELECT comment FROM responses ORDER BY ctid")).scalars().all()
    assert sorted(heap) == sorted(order)
    assert heap != order and heap != order[::-1]


# --- SQLite: the WAL replayed commit by commit --------------------------------------------------------------

WAL_HEADER, FRAME_HEADER = 32, 24


def _commits(database: Path) -> list[bytes]:
    """The database file as it was after each commit recorded in its WAL (frames applied in order)."""
    wal = (database.parent / (database.name + "-wal")).read_bytes()
    page_size = struct.unpack(">I", wal[8:12])[0]
    salts = wal[16:24]
    image = bytearray(database.read_bytes())
    states, offset = [], WAL_HEADER
    while offset + FRAME_HEADER + page_size <= len(wal):
        page, size_after_commit = struct.unpack(">II", wal[offset : offset + 8])
        if wal[offset + 8 : offset + 16] != salts:
            break  # frames of an earlier generation of the WAL
        data = wal[offset + FRAME_HEADER : offset + FRAME_HEADER + page_size]
        start = (page - 1) * page_size
        if len(image) < start + page_size:
            image.extend(b"\0" * (start + page_size - len(image)))
        image[start : start + page_size] = data
        if size_after_commit:
            states.append(bytes(image[: size_after_commit * page_size]))
        offset += FRAME_HEADER + page_size
    return states


def _state(image: bytes, workdir: Path) -> tuple[set[int], set[str]]:
    """(used invitation ids, response comments) in one state of the file."""
    path = workdir / "state.db"
    path.write_bytes(image)
    (workdir / "state.db-wal").unlink(missing_ok=True)
    with sqlite3.connect(path) as conn:
        used = {row[0] for row in conn.execute("SELECT id FROM invitations WHERE used")}
        comments = {row[0] for row in conn.execute("SELECT comment FROM responses WHERE comment IS NOT NULL")}
    path.unlink()
    return used, comments


def test_replaying_the_wal_pairs_no_spent_link_with_an_answer(client, factory, engine_name, tmp_path):
    if engine_name != "sqlite":
        pytest.skip("the WAL replayed here is SQLite's")
    database = Path(db.engine.url.database)

    @event.listens_for(db.engine, "connect")
    def _no_autocheckpoint(dbapi_connection, _record):
        dbapi_connection.execute("PRAGMA wal_autocheckpoint = 0")

    db.engine.dispose()
    wave, groups, _ = make_wave(factory)
    tokens = [invite(wave, groups[0]) for _ in range(2 * K + 1)]
    db.session.remove()
    with db.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    for i, token in enumerate(tokens):
        answer(client, token, i)
    db.session.remove()

    states = [_state(image, tmp_path) for image in _commits(database)]
    assert len(states) >= len(tokens)
    before: tuple[set[int], set[str]] = (set(), set())
    for used, comments in states:
        spent, appeared = used - before[0], comments - before[1]
        assert not (spent and appeared), "one commit spent a link and wrote a readable answer"
        assert len(appeared) in (0, K), "readable answers appeared in a step of fewer than k"
        before = (used, comments)
    assert len(before[0]) == 2 * K + 1 and len(before[1]) == 2 * K
    event.remove(db.engine, "connect", _no_autocheckpoint)


# --- invitation ids against the mail-merge file -------------------------------------------------------------


def test_invitation_ids_do_not_follow_the_mail_merge_file(factory):
    """issue_links returns the tokens in the order the mail-merge CSV lists them (and the page shows)."""
    wave, groups, owner = make_wave(factory)
    tokens = invitations.issue_links(wave=wave, group_id=groups[0].id, count=40, actor=owner)
    by_id = (
        db.session.execute(
            select(Invitation.token_hash).where(Invitation.wave_id == wave.id).order_by(Invitation.id)
        )
        .scalars()
        .all()
    )
    in_file = [hash_key(token) for token in tokens]
    assert sorted(by_id) == sorted(in_file)
    assert by_id != in_file and by_id != in_file[::-1]


def test_a_held_answer_moved_to_another_group_does_not_open(client, factory):
    """The sealed row is bound to its wave, group and kind: a database writer cannot publish it elsewhere."""
    wave, groups, _ = make_wave(factory, groups=2)
    answer(client, invite(wave, groups[1]), 0)
    db.session.execute(update(HeldAnswer).values(group_id=groups[0].id))
    db.session.commit()
    with pytest.raises(Unsealable), db.engine.begin() as conn:
        publish(conn, HeldGroup(wave.id, groups[0].id, "personal"), at_least=1)
