"""The storage core: the token marked (or the open-link receipt), the response and the tally land together or not at all."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import DBAPIError

from adkar.audit.models import AuditEvent
from adkar.extensions import db
from adkar.surveys import registry, responses
from adkar.surveys.models import Response
from adkar.surveys.responses import AlreadyAnswered, hash_key, record_response, split_answers, store_imported

from .wavedata import (
    count_receipts,
    count_responses,
    failing_writes,
    invitation_used,
    invite,
    make_wave,
    page_nonce,
    pulse_form,
)
from .wavedata import tally as tally_row

SCORES = {"awareness": 4.0, "desire": 2.0, "knowledge": 5.0, "ability": 5.0, "reinforcement": 1.0}


def record(wave, group, token: str, **overrides):
    record_response(
        **{
            "wave_id": wave.id,
            "group_id": group.id,
            "answers": {"aw1": 4},
            "scores": SCORES,
            "comment": None,
            "invitation_token_hash": hash_key(token),
            **overrides,
        }
    )


def test_records_response_token_and_tally_together(factory):
    wave, groups, _ = make_wave(factory)
    token = invite(wave, groups[0])
    record(wave, groups[0], token)
    assert count_responses() == 1 and count_receipts() == 0
    assert invitation_used(token) is True
    counts = tally_row(wave.id, groups[0].id)
    assert (counts.n, counts.sum_desire, counts.fav_awareness, counts.fav_desire, counts.bar_desire) == (
        1,
        2.0,
        1,
        0,
        1,
    )


def test_second_use_of_a_token_is_refused(factory):
    wave, groups, _ = make_wave(factory)
    token = invite(wave, groups[0])
    record(wave, groups[0], token)
    with pytest.raises(AlreadyAnswered):
        record(wave, groups[0], token)
    assert count_responses() == 1 and tally_row(wave.id, groups[0].id).n == 1


def test_token_of_another_wave_is_refused_and_rolled_back(factory):
    wave, groups, _ = make_wave(factory)
    other, other_groups, _ = make_wave(factory)
    token = invite(other, other_groups[0])
    with pytest.raises(AlreadyAnswered):
        record(wave, groups[0], token)
    assert count_responses() == 0 and count_receipts() == 0
    assert invitation_used(token) is False


# The writes after the token is marked, each made to fail inside the database: SQLite runs them as
# separate statements in one transaction, PostgreSQL as one statement (personal_write).
LATER_WRITES = [("responses", "INSERT"), ("wave_groups", "UPDATE")]


@pytest.mark.parametrize(("table", "operation"), LATER_WRITES)
def test_a_failing_write_after_marking_the_token_leaves_nothing(factory, table, operation):
    wave, groups, _ = make_wave(factory)
    token = invite(wave, groups[0])
    with failing_writes(table, operation), pytest.raises(DBAPIError, match="disk full"):
        record(wave, groups[0], token)
    db.session.rollback()
    assert count_responses() == 0
    assert count_receipts() == 0
    assert invitation_used(token) is False
    assert tally_row(wave.id, groups[0].id).n == 0
    record(wave, groups[0], token)  # the link still works afterwards
    assert count_responses() == 1


def test_failure_after_storing_the_response_leaves_nothing(factory, monkeypatch):
    """A crash in Python after every write, before the commit, rolls everything back."""
    wave, groups, _ = make_wave(factory)
    token = invite(wave, groups[0])
    real_write = responses.write_response

    def broken(connection, **kwargs):
        real_write(connection, **kwargs)
        assert connection.scalar(select(func.count()).select_from(Response)) == 1  # the row was written
        raise RuntimeError("disk full")

    monkeypatch.setattr(responses, "write_response", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        record(wave, groups[0], token)

    assert count_responses() == 0
    assert count_receipts() == 0
    assert invitation_used(token) is False
    assert tally_row(wave.id, groups[0].id).n == 0
    monkeypatch.undo()
    record(wave, groups[0], token)
    assert count_responses() == 1


@pytest.mark.parametrize("with_nonce", [True, False], ids=["as-made", "checked"])
@pytest.mark.parametrize(("table", "operation"), LATER_WRITES)
def test_failure_through_the_page_leaves_nothing(client, factory, table, operation, with_nonce):
    """Both submit paths: the form's nonce names its wave (one write, autocommit on PostgreSQL), or the
    link is read first."""
    wave, groups, _ = make_wave(factory)
    token = invite(wave, groups[0])
    form = pulse_form(4, nonce=page_nonce(client, token)) if with_nonce else pulse_form(4)
    with failing_writes(table, operation):
        response = client.post(f"/s/{token}", data=form)
    assert response.status_code == 500
    assert count_responses() == 0 and count_receipts() == 0
    assert invitation_used(token) is False
    assert tally_row(wave.id, groups[0].id).n == 0
    assert client.post(f"/s/{token}", data=form).status_code == 303  # and the link still works
    assert count_responses() == 1


def test_open_link_receipt_without_invitation(factory):
    wave, groups, _ = make_wave(factory)
    record(wave, groups[0], "x", receipt=hash_key("open:abc"), invitation_token_hash=None)
    with pytest.raises(AlreadyAnswered):
        record(wave, groups[0], "x", receipt=hash_key("open:abc"), invitation_token_hash=None)
    assert count_responses() == 1 and count_receipts() == 1


def test_split_answers_keeps_free_text_out_of_answers(app):
    with app.app_context():
        defn = registry.get("adkar-pulse")
        answers, comment = split_answers(defn, {"aw1": 4, "de1": 3, "comment": "Too fast"})
        assert answers == {"aw1": 4, "de1": 3} and comment == "Too fast"
        assert split_answers(defn, {"aw1": 4, "comment": ""}) == ({"aw1": 4}, None)


def test_store_imported_counts_n_not_invited_and_is_audited(factory):
    wave, groups, owner = make_wave(factory)
    invite(wave, groups[0])
    rows = [({"aw1": 5}, SCORES, None), ({"aw1": 1}, {**SCORES, "awareness": 1.0}, "ok")]
    assert (
        store_imported(
            wave_id=wave.id,
            group_id=groups[0].id,
            rows=rows,
            actor_id=owner.id,
            initiative_id=wave.initiative_id,
        )
        == 2
    )
    counts = tally_row(wave.id, groups[0].id)
    assert (counts.n, counts.invited, counts.bar_awareness, counts.bar_desire) == (2, 1, 1, 1)
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "responses.import")).one()
    assert event.user_id == owner.id and event.detail == {
        "group_id": groups[0].id,
        "count": 2,
        "source": "import",
    }


def test_store_imported_for_a_group_outside_the_wave_stores_nothing(factory):
    wave, _groups, _ = make_wave(factory)
    _other, other_groups, _ = make_wave(factory)
    with pytest.raises(LookupError):
        store_imported(wave_id=wave.id, group_id=other_groups[0].id, rows=[({"aw1": 5}, SCORES, None)])
    assert count_responses() == 0


def test_a_response_needs_a_token_or_a_receipt(factory):
    wave, groups, _ = make_wave(factory)
    with pytest.raises(ValueError, match="personal token"):
        record(wave, groups[0], "x", invitation_token_hash=None)
    assert count_responses() == 0 and tally_row(wave.id, groups[0].id).n == 0
