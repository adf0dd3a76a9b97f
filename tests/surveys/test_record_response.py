"""The storage core: the token spent (or the open-link receipt) and the answers held land together or not
at all; k held answers of a kind are published together, with their tally, or stay held."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import DBAPIError

from adkar.audit.models import AuditEvent
from adkar.extensions import db
from adkar.surveys.definitions import registry
from adkar.surveys.models import HeldAnswer, Response
from adkar.surveys.responses import publication
from adkar.surveys.responses import services as responses
from adkar.surveys.responses.sealing import Unsealable
from adkar.surveys.responses.services import (
    AlreadyAnswered,
    hash_key,
    record_response,
    split_answers,
    store_imported,
)

from .wavedata import (
    count_held,
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

K = 5


@pytest.fixture
def app_config(app_config):
    return {**app_config, "MIN_GROUP_SIZE": K}


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


def test_an_answer_is_held_with_its_token_spent_then_published_with_k_of_its_group(factory):
    wave, groups, _ = make_wave(factory)
    tokens = [invite(wave, groups[0]) for _ in range(K)]
    record(wave, groups[0], tokens[0])
    assert (count_responses(), count_held(), count_receipts()) == (0, 1, 0)
    assert invitation_used(tokens[0]) is True
    assert tally_row(wave.id, groups[0].id).n == 0
    for token in tokens[1:-1]:
        record(wave, groups[0], token)
    assert (count_responses(), count_held()) == (0, K - 1)

    record(wave, groups[0], tokens[-1])

    assert (count_responses(), count_held()) == (K, 0)
    counts = tally_row(wave.id, groups[0].id)
    assert (counts.n, counts.sum_desire, counts.fav_awareness, counts.fav_desire, counts.bar_desire) == (
        K,
        2.0 * K,
        K,
        0,
        K,
    )


def test_second_use_of_a_token_is_refused(factory):
    wave, groups, _ = make_wave(factory)
    token = invite(wave, groups[0])
    record(wave, groups[0], token)
    with pytest.raises(AlreadyAnswered):
        record(wave, groups[0], token)
    assert count_held() == 1 and count_responses() == 0


def test_token_of_another_wave_is_refused_and_rolled_back(factory):
    wave, groups, _ = make_wave(factory)
    other, other_groups, _ = make_wave(factory)
    token = invite(other, other_groups[0])
    with pytest.raises(AlreadyAnswered):
        record(wave, groups[0], token)
    assert count_held() == 0 and count_receipts() == 0
    assert invitation_used(token) is False


def test_a_failing_hold_after_spending_the_token_leaves_nothing(factory):
    wave, groups, _ = make_wave(factory)
    token = invite(wave, groups[0])
    with failing_writes("held_answers", "INSERT"), pytest.raises(DBAPIError, match="disk full"):
        record(wave, groups[0], token)
    db.session.rollback()
    assert (count_held(), count_responses(), count_receipts()) == (0, 0, 0)
    assert invitation_used(token) is False
    record(wave, groups[0], token)  # the link still works afterwards
    assert count_held() == 1


def test_failure_after_holding_the_answer_leaves_nothing(factory, monkeypatch):
    """A crash in Python after every write, before the commit, rolls everything back."""
    wave, groups, _ = make_wave(factory)
    token = invite(wave, groups[0])
    real_write = responses.write_response

    def broken(connection, *args, **kwargs):
        real_write(connection, *args, **kwargs)
        assert connection.scalar(select(func.count()).select_from(HeldAnswer)) == 1  # the row was written
        raise RuntimeError("disk full")

    monkeypatch.setattr(responses, "write_response", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        record(wave, groups[0], token)

    assert (count_held(), count_receipts()) == (0, 0)
    assert invitation_used(token) is False
    monkeypatch.undo()
    record(wave, groups[0], token)
    assert count_held() == 1


# A publication that fails inside the database: the answers stay held, nothing is published half.
PUBLICATION_WRITES = [("responses", "INSERT"), ("wave_groups", "UPDATE")]


@pytest.mark.parametrize(("table", "operation"), PUBLICATION_WRITES)
def test_a_failing_publication_keeps_every_answer_held_for_the_next_one(
    client, factory, runner, table, operation
):
    wave, groups, _ = make_wave(factory)
    for _ in range(K - 1):
        assert client.post(f"/s/{invite(wave, groups[0])}", data=pulse_form(4)).status_code == 303
    last = invite(wave, groups[0])
    with failing_writes(table, operation):
        response = client.post(f"/s/{last}", data=pulse_form(2))
    assert response.status_code == 303  # the answer is durable: the respondent is thanked
    assert invitation_used(last) is True
    assert (count_held(), count_responses(), tally_row(wave.id, groups[0].id).n) == (K, 0, 0)

    result = runner.invoke(args=["release-answers"])

    assert result.exit_code == 0 and f"Published {K} held answers" in result.output
    assert (count_held(), count_responses(), tally_row(wave.id, groups[0].id).n) == (0, K, K)


def test_failure_through_the_page_leaves_nothing(client, factory):
    wave, groups, _ = make_wave(factory)
    token = invite(wave, groups[0])
    form = pulse_form(4, nonce=page_nonce(client, token))
    with failing_writes("held_answers", "INSERT"):
        response = client.post(f"/s/{token}", data=form)
    assert response.status_code == 500
    assert (count_held(), count_responses(), count_receipts()) == (0, 0, 0)
    assert invitation_used(token) is False
    assert client.post(f"/s/{token}", data=form).status_code == 303  # and the link still works
    assert count_held() == 1


def test_open_link_receipt_without_invitation(factory):
    wave, groups, _ = make_wave(factory)
    record(wave, groups[0], "x", receipt=hash_key("open:abc"), invitation_token_hash=None)
    with pytest.raises(AlreadyAnswered):
        record(wave, groups[0], "x", receipt=hash_key("open:abc"), invitation_token_hash=None)
    assert count_held() == 1 and count_receipts() == 1


def test_personal_and_open_link_answers_are_published_apart(factory):
    wave, groups, _ = make_wave(factory)
    for i in range(K - 1):
        record(wave, groups[0], invite(wave, groups[0]))
        record(wave, groups[0], "x", receipt=hash_key(f"open:{i}"), invitation_token_hash=None)
    assert (count_held(), count_responses()) == (2 * (K - 1), 0)  # 2k-2 answers, but k-1 of each kind
    record(wave, groups[0], "x", receipt=hash_key("open:last"), invitation_token_hash=None)
    assert (count_held(), count_responses()) == (K - 1, K)


def test_the_longest_possible_answer_fits_the_sealed_size(factory):
    wave, groups, _ = make_wave(factory)
    defn = registry.get(wave.survey_key)
    longest = "\U0001f600" * max(item.max_length or 0 for item in defn.items)  # 4 bytes a character
    for _ in range(K):
        record(wave, groups[0], invite(wave, groups[0]), comment=longest)
    stored = db.session.scalars(select(Response.comment)).all()
    assert stored == [longest] * K


def test_answers_held_under_an_old_secret_key_need_it_among_the_fallbacks(app, factory, caplog):
    wave, groups, _ = make_wave(factory)
    for _ in range(K - 1):
        record(wave, groups[0], invite(wave, groups[0]))
    old = app.config["SECRET_KEY"]
    app.config["SECRET_KEY"] = "a-new-secret-key-after-rotation"
    record(wave, groups[0], invite(wave, groups[0]))  # the k-th is held; the worker cannot open its batch
    assert "wake-up responses.publish failed" in caplog.text and "Unsealable" in caplog.text
    assert (count_held(), count_responses()) == (K, 0)  # nothing lost: still held, nothing half published
    with pytest.raises(Unsealable):
        publication.publish_all_ready()

    app.config["SECRET_KEY_FALLBACKS"] = [old]
    assert publication.publish_all_ready() == K
    assert (count_held(), count_responses()) == (0, K)


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
    assert (counts.n, counts.invited) == (0, 1)  # fewer than k imported: held
    assert count_held() == 2
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "responses.import")).one()
    assert event.user_id == owner.id and event.detail == {
        "group_id": groups[0].id,
        "count": 2,
        "source": "import",
    }


def test_an_import_of_k_is_published_at_once_with_the_imports_held_before(factory):
    wave, groups, _ = make_wave(factory)
    store_imported(wave_id=wave.id, group_id=groups[0].id, rows=[({"aw1": 5}, SCORES, None)] * 2)
    record(wave, groups[0], invite(wave, groups[0]))  # a personal answer waits for personal ones
    assert (count_held(), count_responses()) == (3, 0)

    store_imported(wave_id=wave.id, group_id=groups[0].id, rows=[({"aw1": 1}, SCORES, None)] * K)

    assert (count_held(), count_responses()) == (1, K + 2)
    assert tally_row(wave.id, groups[0].id).n == K + 2
    days = set(db.session.scalars(select(Response.submitted_on)))
    assert len(days) == 1


@pytest.mark.parametrize("rows", [1, K], ids=["held", "published"])
def test_store_imported_for_a_group_outside_the_wave_stores_nothing(factory, rows):
    wave, _groups, _ = make_wave(factory)
    _other, other_groups, _ = make_wave(factory)
    with pytest.raises(LookupError):
        store_imported(wave_id=wave.id, group_id=other_groups[0].id, rows=[({"aw1": 5}, SCORES, None)] * rows)
    assert count_responses() == 0 and count_held() == 0


def test_a_response_needs_a_token_or_a_receipt(factory):
    wave, groups, _ = make_wave(factory)
    with pytest.raises(ValueError, match="the token it uses"):
        record(wave, groups[0], "x", invitation_token_hash=None)
    assert count_held() == 0 and tally_row(wave.id, groups[0].id).n == 0
