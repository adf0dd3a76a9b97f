"""Many simultaneous submissions of one link store exactly one response, on every engine."""

from __future__ import annotations

import re
import threading

import pytest
from sqlalchemy import func, select

from adkar.extensions import db
from adkar.surveys.models import Response, WaveGroup

from .wavedata import (
    count_held,
    count_responses,
    invitation_used,
    invite,
    make_wave,
    open_link,
    pulse_form,
)

THREADS = 50


def submit_together(app, path: str, data: dict, threads: int = THREADS) -> list[int]:
    """POST the same form from `threads` threads at once, each with its own client and app context."""
    barrier = threading.Barrier(threads)
    statuses: list[int] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def worker() -> None:
        try:
            with app.app_context():
                client = app.test_client()
                barrier.wait(timeout=30)
                status = client.post(path, data=data).status_code
                db.session.remove()
            with lock:
                statuses.append(status)
        except BaseException as exc:  # re-raised in the test thread
            with lock:
                errors.append(exc)

    workers = [threading.Thread(target=worker) for _ in range(threads)]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join(timeout=120)
    assert not errors, errors
    assert len(statuses) == threads
    return statuses


def tally_matches_rows(wave_id: int, group_id: int) -> tuple[int, int]:
    db.session.rollback()
    n = db.session.scalar(
        select(WaveGroup.n).where(WaveGroup.wave_id == wave_id, WaveGroup.group_id == group_id)
    )
    rows = db.session.scalar(
        select(func.count())
        .select_from(Response)
        .where(Response.wave_id == wave_id, Response.group_id == group_id)
    )
    return n, rows


@pytest.mark.slow
def test_fifty_concurrent_submissions_of_one_personal_token_store_one(app, factory):
    wave, groups, _ = make_wave(factory)
    token = invite(wave, groups[0])
    db.session.remove()  # no connection or snapshot held by the test while the threads run

    statuses = submit_together(app, f"/s/{token}", pulse_form(4))

    assert statuses.count(303) >= 1
    assert set(statuses) <= {303, 404}  # the rest: thank-you (lost the race) or "already used"
    assert count_held() == 1 and count_responses() == 0
    assert invitation_used(token) is True


@pytest.mark.slow
def test_concurrent_submissions_of_one_open_link_form_store_one(app, client, factory):
    wave, groups, _ = make_wave(factory)
    token = open_link(wave, groups[0])
    nonce = re.search(
        r'name="nonce" value="([^"]+)"', client.get(f"/o/{token}").get_data(as_text=True)
    ).group(1)
    db.session.remove()

    statuses = submit_together(app, f"/o/{token}", pulse_form(3, nonce=nonce), threads=20)

    assert statuses == [303] * 20
    assert count_held() == 1 and count_responses() == 0


@pytest.mark.slow
def test_concurrent_submissions_of_different_tokens_all_count(app, factory):
    """Parallel answers from many people are all received, and published in batches of at least k whose
    tally matches their rows: none lost, none published twice, fewer than k left held."""
    wave, groups, _ = make_wave(factory)
    tokens = [invite(wave, groups[0]) for _ in range(20)]
    wave_id, group_id = wave.id, groups[0].id
    db.session.remove()
    barrier = threading.Barrier(len(tokens))
    errors: list[BaseException] = []

    def worker(token: str) -> None:
        try:
            with app.app_context():
                client = app.test_client()
                barrier.wait(timeout=30)
                assert client.post(f"/s/{token}", data=pulse_form(5)).status_code == 303
                db.session.remove()
        except BaseException as exc:
            errors.append(exc)

    workers = [threading.Thread(target=worker, args=(t,)) for t in tokens]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join(timeout=120)
    assert not errors, errors
    n, rows = tally_matches_rows(wave_id, group_id)
    assert n == rows and rows + count_held() == 20
    assert count_held() < app.config["MIN_GROUP_SIZE"]
    assert all(invitation_used(token) for token in tokens)
