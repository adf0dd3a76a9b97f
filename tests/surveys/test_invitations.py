"""Invitations: personal links (shown once, only hashes kept), open links, and the invitation forms of the
wave page. E-mail invitations and reminders are in test_email_invitations.py."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

import pytest
from sqlalchemy import String, Text, select

from adkar.extensions import db
from adkar.surveys.invitations import services as invitations
from adkar.surveys.models import Invitation
from adkar.surveys.responses.services import AlreadyAnswered, hash_key, record_response
from adkar.timeutil import today
from adkar.validation import ValidationFailed

from . import wave_support
from .wave_support import count, fresh_wave, new_wave, text, wave_group
from .wavedata import count_held

SCORES = dict.fromkeys(("awareness", "desire", "knowledge", "ability", "reinforcement"), 4.0)
ANSWERS = dict.fromkeys(("aw1", "de1", "kn1", "ab1", "re1"), 4)

# Fixtures shared with the other wave tests.
fast_password_hashing = wave_support.fast_password_hashing
plan = wave_support.plan
sqlite_template = wave_support.sqlite_template


def answer(wave, group_id: int, token: str) -> None:
    """Answer through a personal link as the respondent pages do: the token's invitation is marked used."""
    record_response(
        wave_id=wave.id,
        group_id=group_id,
        answers=ANSWERS,
        scores=SCORES,
        comment=None,
        invitation_token_hash=hash_key(token),
    )


def works(token: str) -> bool:
    """A personal token is live: an unused invitation carries its hash."""
    db.session.rollback()
    used = db.session.scalar(select(Invitation.used).where(Invitation.token_hash == hash_key(token)))
    return used is False


def every_stored_text() -> str:
    """Every text value of every table, to prove a plain token is stored nowhere."""
    db.session.rollback()
    values = []
    for table in db.metadata.sorted_tables:
        columns = [c for c in table.columns if isinstance(c.type, String | Text)]
        if columns:
            for row in db.session.execute(select(*columns)):
                values.extend(str(v) for v in row if v is not None)
    return "\n".join(values)


# --- personal links ---------------------------------------------------------------------------------------


def test_links_are_unique_long_single_use_and_stored_only_as_hashes(plan):
    wave = new_wave(plan)
    agents = plan.groups[0]
    tokens = invitations.issue_links(wave=wave, group_id=agents.id, count=25, actor=plan.owner)
    assert len(tokens) == len(set(tokens)) == 25
    assert all(len(t) >= 32 for t in tokens)  # token_urlsafe: 32 characters = 24 random bytes = 192 bits
    stored = set(db.session.scalars(select(Invitation.token_hash).where(Invitation.wave_id == wave.id)))
    assert stored == {hash_key(t) for t in tokens}
    everything = every_stored_text()
    assert not any(t in everything for t in tokens)
    assert wave_group(wave.id, agents.id).invited == 25
    invitations.issue_links(wave=wave, group_id=agents.id, count=5, actor=plan.owner)
    assert wave_group(wave.id, agents.id).invited == 30


def test_a_link_works_once(plan):
    wave = new_wave(plan)
    (token,) = invitations.issue_links(wave=wave, group_id=plan.groups[0].id, count=1, actor=plan.owner)
    answer(wave, plan.groups[0].id, token)
    with pytest.raises(AlreadyAnswered):
        answer(wave, plan.groups[0].id, token)
    # one answer received, held (sealed) until the group has k personal answers; none published yet
    assert (count_held(wave.id), wave_group(wave.id, plan.groups[0].id).n) == (1, 0)


@pytest.mark.parametrize("bad", [0, -1, 5001, True, "3"])
def test_link_counts_outside_1_to_5000_are_refused(plan, bad):
    wave = new_wave(plan)
    with pytest.raises(ValidationFailed, match="between 1 and 5,000"):
        invitations.issue_links(wave=wave, group_id=plan.groups[0].id, count=bad, actor=plan.owner)
    assert count(Invitation) == 0


def test_links_only_for_the_wave_s_groups_and_not_once_closed(plan):
    wave = new_wave(plan, group_ids=[plan.groups[0].id])
    with pytest.raises(ValidationFailed):
        invitations.issue_links(wave=wave, group_id=plan.groups[1].id, count=1, actor=plan.owner)
    closed = new_wave(plan, opens=today() - timedelta(days=9), closes=today() - timedelta(days=1))
    with pytest.raises(ValidationFailed, match="closed"):
        invitations.issue_links(wave=closed, group_id=plan.groups[0].id, count=1, actor=plan.owner)
    assert count(Invitation) == 0


def test_urls_use_the_public_address(app, plan):
    assert invitations.personal_url("abc") == "http://adkar.test/s/abc"
    assert invitations.open_url("abc") == "http://adkar.test/o/abc"
    app.config["PUBLIC_URL"] = "https://survey.example.org/"
    assert invitations.personal_url("abc") == "https://survey.example.org/s/abc"


# --- the links pages --------------------------------------------------------------------------------------


def test_links_page_shows_the_links_once_and_offers_a_csv(client, auth, plan):
    wave = new_wave(plan)
    agents = plan.groups[0]
    auth.login(plan.owner.email)
    response = client.post(f"/waves/{wave.id}/links", data={"links-group": agents.id, "links-count": 3})
    body = text(response)
    assert response.status_code == 200
    tokens = set(re.findall(r"http://adkar\.test/s/([A-Za-z0-9_-]+)", body))
    assert len(tokens) == 3 and all(works(t) for t in tokens)
    assert "cannot show them again" in body
    assert wave_group(wave.id, agents.id).invited == 3
    assert "http://adkar.test/s/" not in text(client.get(f"/waves/{wave.id}"))

    forged = "A" * 43
    download = client.post(
        f"/waves/{wave.id}/links.csv", data={"group": agents.id, "tokens": " ".join([*tokens, forged])}
    )
    assert download.status_code == 200
    assert download.mimetype == "text/csv"
    assert "attachment" in download.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(download.get_data(as_text=True).lstrip("\ufeff"))))
    assert {r["group"] for r in rows} == {"Agents"}
    assert {r["link"] for r in rows} == {
        f"http://adkar.test/s/{t}" for t in tokens
    }  # the forged one is left out


def test_links_form_errors_rerender_with_400(client, auth, plan):
    wave = new_wave(plan)
    auth.login(plan.owner.email)
    response = client.post(
        f"/waves/{wave.id}/links", data={"links-group": plan.groups[0].id, "links-count": 0}
    )
    assert response.status_code == 400
    assert "Number must be between 1 and 5000" in text(response)
    foreign = client.post(
        f"/waves/{wave.id}/links", data={"links-group": plan.foreign_group.id, "links-count": 2}
    )
    assert foreign.status_code == 400
    assert count(Invitation) == 0


# --- open links -------------------------------------------------------------------------------------------


def test_open_link_counts_the_headcount_and_rotating_replaces_it(client, auth, plan):
    wave = new_wave(plan)
    agents = plan.groups[0]  # headcount 40
    first = invitations.open_link(wave=wave, group_id=agents.id, actor=plan.owner)
    row = wave_group(wave.id, agents.id)
    assert row.open_link_hash == hash_key(first)
    assert row.invited == 40
    second = invitations.open_link(wave=fresh_wave(wave.id), group_id=agents.id, actor=plan.owner)
    row = wave_group(wave.id, agents.id)
    assert row.open_link_hash == hash_key(second) != hash_key(first)
    assert row.invited == 40
    assert first not in every_stored_text() and second not in every_stored_text()

    auth.login(plan.owner.email)
    page = client.post(f"/waves/{wave.id}/open-link", data={"open-group": agents.id})
    assert page.status_code == 200
    shown = text(page).split('value="http://adkar.test/o/', 1)[1].split('"', 1)[0]
    assert wave_group(wave.id, agents.id).open_link_hash == hash_key(shown)
    client.post(f"/waves/{wave.id}/open-link/{agents.id}/disable")
    assert wave_group(wave.id, agents.id).open_link_hash is None


# --- the forms -------------------------------------------------------------------------------------------


def test_the_forms_carry_their_csrf_token(app, client, auth, plan):
    wave = new_wave(plan)
    auth.login(plan.owner.email)
    app.config["WTF_CSRF_ENABLED"] = True
    page = text(client.get(f"/waves/{wave.id}"))
    for prefix in ("links", "email", "remind", "open"):
        assert f'name="{prefix}-csrf_token"' in page
    token = re.search(r'name="links-csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    data = {"links-group": plan.groups[0].id, "links-count": 2}
    assert client.post(f"/waves/{wave.id}/links", data=data).status_code == 400
    assert count(Invitation) == 0
    assert client.post(f"/waves/{wave.id}/links", data={**data, "links-csrf_token": token}).status_code == 200
    assert count(Invitation) == 2
