"""Invitations: personal links (shown once, only hashes kept), email invitations and reminders over a real
SMTP server, open links, and the invitation forms of the wave page."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

import pytest
from sqlalchemy import String, Text, select

from adkar.extensions import db
from adkar.mail import MailError
from adkar.surveys.invitations import services as invitations
from adkar.surveys.models import Invitation, WaveGroup
from adkar.surveys.responses.services import AlreadyAnswered, hash_key, record_response
from adkar.timeutil import today
from adkar.validation import ValidationFailed

from . import wave_support
from .mailbox import Mailbox, free_port, smtp_server
from .wave_support import count, fresh_wave, new_wave, text, wave_group
from .wavedata import count_held

SCORES = dict.fromkeys(("awareness", "desire", "knowledge", "ability", "reinforcement"), 4.0)
ANSWERS = dict.fromkeys(("aw1", "de1", "kn1", "ab1", "re1"), 4)

# Fixtures shared with the other wave tests.
fast_password_hashing = wave_support.fast_password_hashing
plan = wave_support.plan
sqlite_template = wave_support.sqlite_template


@pytest.fixture
def mailbox():
    with smtp_server() as box:
        yield box


@pytest.fixture
def app_config(app_config, mailbox):
    return {**app_config, "SMTP_HOST": mailbox.host, "SMTP_PORT": mailbox.port, "SMTP_TIMEOUT": 5}


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


# --- addresses --------------------------------------------------------------------------------------------


def test_addresses_are_split_validated_and_deduplicated():
    pasted = "ana@example.com, Bob@Example.com\nDoe, Jane <jane@example.com>; ana@example.com\n\n"
    assert invitations.parse_addresses(pasted) == [
        "ana@example.com",
        "Bob@Example.com",
        "jane@example.com",
        "ana@example.com",
    ]
    assert invitations.clean_addresses(invitations.parse_addresses(pasted)) == [
        "ana@example.com",
        "bob@example.com",
        "jane@example.com",
    ]
    with pytest.raises(ValidationFailed) as caught:
        invitations.clean_addresses(["ana@example.com", "not-an-address", "x@"])
    assert [p.field for p in caught.value.problems] == ["emails", "emails"]
    with pytest.raises(ValidationFailed, match="At most 5,000"):
        invitations.clean_addresses(f"p{i}@example.com" for i in range(5001))


# --- email invitations and reminders ----------------------------------------------------------------------


def test_invitations_arrive_with_working_personal_links(plan, mailbox):
    wave = new_wave(plan)
    agents = plan.groups[0]
    people = ["ana@example.com", "bob@example.com", "cy@example.com"]
    report = invitations.invite_by_email(wave=wave, group_id=agents.id, emails=people, actor=plan.owner)
    assert (report.sent, report.refused, report.error) == (3, [], None)
    assert sorted(m["To"] for m in mailbox.messages) == people
    message = mailbox.to("ana@example.com")[0]
    assert "Service desk migration" in message["Subject"] and "ADKAR readiness pulse" in message["Subject"]
    assert message.get_content_type() == "multipart/alternative"
    tokens = [Mailbox.token(m) for m in mailbox.messages]
    assert len(set(tokens)) == 3 and all(works(t) for t in tokens)
    assert not any(t in every_stored_text() for t in tokens)
    rows = db.session.scalars(select(Invitation).where(Invitation.wave_id == wave.id)).all()
    assert sorted(r.email for r in rows) == people
    assert all(r.last_sent_at is not None and r.group_id == agents.id for r in rows)
    assert wave_group(wave.id, agents.id).invited == 3

    answer(wave, agents.id, tokens[0])  # the link in the mail really opens the survey once
    assert (count_held(wave.id), wave_group(wave.id, agents.id).n) == (1, 0)  # held until k answer

    again = invitations.invite_by_email(
        wave=fresh_wave(wave.id),
        group_id=agents.id,
        emails=["ANA@example.com", "dee@example.com"],
        actor=plan.owner,
    )
    assert (again.sent, again.already_invited) == (1, ["ana@example.com"])
    assert wave_group(wave.id, agents.id).invited == 4


def test_reminders_go_only_to_those_who_have_not_answered_with_new_links(plan, mailbox):
    wave = new_wave(plan)
    agents = plan.groups[0]
    people = ["ana@example.com", "bob@example.com", "cy@example.com"]
    invitations.invite_by_email(wave=wave, group_id=agents.id, emails=people, actor=plan.owner)
    first = {m["To"]: Mailbox.token(m) for m in mailbox.messages}
    answer(wave, agents.id, first["ana@example.com"])
    mailbox.messages.clear()

    report = invitations.send_reminders(wave=fresh_wave(wave.id), group_id=agents.id, actor=plan.owner)
    assert report.sent == 2
    assert sorted(m["To"] for m in mailbox.messages) == ["bob@example.com", "cy@example.com"]
    assert all(m["Subject"].startswith("Reminder: ") for m in mailbox.messages)
    second = {m["To"]: Mailbox.token(m) for m in mailbox.messages}
    for person in ("bob@example.com", "cy@example.com"):
        assert second[person] != first[person]
        assert works(second[person])
        assert not works(first[person])
    with pytest.raises(AlreadyAnswered):
        answer(wave, agents.id, first["bob@example.com"])  # the old link no longer opens anything
    answer(wave, agents.id, second["bob@example.com"])
    assert (count_held(wave.id), wave_group(wave.id, agents.id).n) == (2, 0)  # held until k answer
    assert wave_group(wave.id, agents.id).invited == 3  # reminders are not new invitations


def test_reminders_wait_for_the_wave_to_open(plan, mailbox):
    wave = new_wave(plan, opens=today() + timedelta(days=2), closes=today() + timedelta(days=9))
    invitations.invite_by_email(
        wave=wave, group_id=plan.groups[0].id, emails=["a@example.com"], actor=plan.owner
    )
    assert "opens on" in mailbox.messages[0].get_body(("plain",)).get_content()
    with pytest.raises(ValidationFailed, match="has not opened yet"):
        invitations.send_reminders(wave=fresh_wave(wave.id), group_id=None, actor=plan.owner)


def test_smtp_down_is_a_clear_error_and_nothing_is_marked_sent(app, plan, mailbox):
    wave = new_wave(plan)
    agents = plan.groups[0]
    invitations.invite_by_email(wave=wave, group_id=agents.id, emails=["ana@example.com"], actor=plan.owner)
    (old,) = [Mailbox.token(m) for m in mailbox.messages]
    sent_at = db.session.scalar(select(Invitation.last_sent_at))
    app.config["SMTP_PORT"] = free_port()  # the mail server goes away

    with pytest.raises(MailError, match="Cannot reach the mail server"):
        invitations.invite_by_email(
            wave=fresh_wave(wave.id), group_id=agents.id, emails=["bob@example.com"], actor=plan.owner
        )
    assert count(Invitation) == 1
    assert wave_group(wave.id, agents.id).invited == 1

    with pytest.raises(MailError):
        invitations.send_reminders(wave=fresh_wave(wave.id), group_id=agents.id, actor=plan.owner)
    assert works(old)  # no reminder left, so the old link still works
    assert db.session.scalar(select(Invitation.last_sent_at)) == sent_at


def test_a_refused_address_is_reported_and_not_counted(plan, mailbox):
    wave = new_wave(plan)
    agents = plan.groups[0]
    mailbox.refuse.add("gone@example.com")
    report = invitations.invite_by_email(
        wave=wave, group_id=agents.id, emails=["ana@example.com", "gone@example.com"], actor=plan.owner
    )
    assert (report.sent, report.refused) == (1, ["gone@example.com"])
    assert [r for r in db.session.scalars(select(Invitation.email))] == ["ana@example.com"]
    assert wave_group(wave.id, agents.id).invited == 1


def test_a_failed_reminder_keeps_the_old_link(plan, mailbox):
    wave = new_wave(plan)
    agents = plan.groups[0]
    invitations.invite_by_email(wave=wave, group_id=agents.id, emails=["ana@example.com"], actor=plan.owner)
    old = Mailbox.token(mailbox.messages[0])
    mailbox.refuse.add("ana@example.com")
    report = invitations.send_reminders(wave=fresh_wave(wave.id), group_id=None, actor=plan.owner)
    assert (report.sent, report.refused) == (0, ["ana@example.com"])
    assert works(old)


# --- the email forms --------------------------------------------------------------------------------------


def test_email_form_sends_and_says_how_many(client, auth, plan, mailbox):
    wave = new_wave(plan)
    auth.login(plan.owner.email)
    response = client.post(
        f"/waves/{wave.id}/emails",
        data={"email-group": plan.groups[1].id, "email-emails": "ana@example.com\nbob@example.com"},
        follow_redirects=True,
    )
    assert response.status_code == 200
    assert "2 invitations sent." in text(response)
    assert len(mailbox.messages) == 2
    assert wave_group(wave.id, plan.groups[1].id).invited == 2


def test_email_form_refuses_bad_addresses_and_stores_nothing(client, auth, plan, mailbox):
    wave = new_wave(plan)
    auth.login(plan.owner.email)
    response = client.post(
        f"/waves/{wave.id}/emails",
        data={"email-group": plan.groups[0].id, "email-emails": "ana@example.com, nope"},
    )
    assert response.status_code == 400
    assert "&#39;nope&#39; is not an email address" in text(response)
    assert mailbox.messages == [] and count(Invitation) == 0


def test_email_form_shows_the_smtp_error(app, client, auth, plan):
    wave = new_wave(plan)
    app.config["SMTP_PORT"] = free_port()
    auth.login(plan.owner.email)
    response = client.post(
        f"/waves/{wave.id}/emails", data={"email-group": plan.groups[0].id, "email-emails": "ana@example.com"}
    )
    assert response.status_code == 503
    assert "Cannot reach the mail server" in text(response)
    assert "ana@example.com</textarea>" in text(response)  # what was typed stays
    assert count(Invitation) == 0


def test_reminder_form_reports_the_count(client, auth, plan, mailbox):
    wave = new_wave(plan)
    invitations.invite_by_email(
        wave=wave, group_id=plan.groups[0].id, emails=["a@example.com", "b@example.com"], actor=plan.owner
    )
    auth.login(plan.owner.email)
    response = client.post(f"/waves/{wave.id}/reminders", data={"remind-group": 0}, follow_redirects=True)
    assert "2 reminders sent." in text(response)
    assert len(mailbox.messages) == 4
    assert db.session.scalar(select(WaveGroup.invited).where(WaveGroup.group_id == plan.groups[0].id)) == 2


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


def test_emailed_links_open_the_survey_page_and_replaced_ones_do_not(client, plan, mailbox):
    wave = new_wave(plan)
    invitations.invite_by_email(
        wave=wave, group_id=plan.groups[0].id, emails=["ana@example.com"], actor=plan.owner
    )
    old = Mailbox.token(mailbox.messages[0])
    assert client.get(f"/s/{old}").status_code == 200
    invitations.send_reminders(wave=fresh_wave(wave.id), group_id=None, actor=plan.owner)
    new = Mailbox.token(mailbox.messages[1])
    assert client.get(f"/s/{new}").status_code == 200
    assert client.get(f"/s/{old}").status_code == 404
