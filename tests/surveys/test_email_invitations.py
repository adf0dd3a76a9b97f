"""E-mail invitations and reminders as jobs, sent over a real SMTP server (aiosmtpd): everyone gets exactly
one message or a reported final state, whatever the server does.

The suite's queue is `immediate` (each job runs in the caller's thread, in its own app context and database
session, as on a worker); tests/jobs/ run the same jobs on real Huey workers.
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from datetime import time as clock

import pytest
from sqlalchemy import select, update

from adkar.accounts.services import create_api_token
from adkar.extensions import db
from adkar.jobs import runner
from adkar.jobs.models import Job
from adkar.surveys.invitations import delivery, sending
from adkar.surveys.invitations.sending import Recipient
from adkar.surveys.models import Invitation, MailDelivery, MailOptOut
from adkar.surveys.responses.services import AlreadyAnswered
from adkar.timeutil import today, utc_now
from adkar.validation import ValidationFailed

from . import wave_support
from .mailbox import Mailbox, free_port, smtp_server
from .test_invitations import answer, every_stored_text, works
from .wave_support import count, fresh_wave, new_wave, text, wave_group
from .wavedata import count_held

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


def invite(plan, wave, emails, *, group=None, **options) -> sending.Queued:
    recipients = [e if isinstance(e, Recipient) else Recipient(e) for e in emails]
    group_id = (group or plan.groups[0]).id
    return sending.queue_invitations(
        wave=wave, group_id=group_id, recipients=recipients, actor=plan.owner, **options
    )


def remind(plan, wave, group=None) -> sending.Queued:
    return sending.queue_reminders(wave=fresh_wave(wave.id), group_id=group and group.id, actor=plan.owner)


def job(job_id: int) -> Job:
    db.session.rollback()
    found = db.session.get(Job, job_id)
    assert found is not None
    db.session.refresh(found)
    return found


def states(job_id: int) -> dict[str, str]:
    db.session.rollback()
    rows = db.session.execute(
        select(MailDelivery.email, MailDelivery.status).where(MailDelivery.job_id == job_id)
    )
    return {email: status for email, status in rows}


def make_due(job_id: int) -> None:
    """Time passes: every waiting delivery and the job itself are due now."""
    past = utc_now() - timedelta(seconds=1)
    db.session.execute(
        update(MailDelivery)
        .where(MailDelivery.job_id == job_id, MailDelivery.next_attempt_at.is_not(None))
        .values(next_attempt_at=past)
    )
    db.session.execute(update(Job).where(Job.id == job_id).values(next_run_at=past))
    db.session.commit()


def unsubscribe_token(message) -> str:
    header = message["List-Unsubscribe"]
    assert header.startswith("<http://adkar.test/u/") and header.endswith(">"), header
    return header[len("<http://adkar.test/u/") : -1]


# --- addresses --------------------------------------------------------------------------------------------


def test_pasted_addresses_keep_names_and_are_validated_and_deduplicated():
    pasted = 'ana@example.com, Bob@Example.com\n"Doe, Jane" <jane@example.com>; ana@example.com\n\n'
    people = sending.clean_recipients(sending.recipients_from_text(pasted))
    assert [(p.email, p.name) for p in people] == [
        ("ana@example.com", ""),
        ("bob@example.com", ""),
        ("jane@example.com", "Doe, Jane"),
    ]
    with pytest.raises(ValidationFailed) as caught:
        sending.clean_recipients([Recipient("ana@example.com"), Recipient("not-an-address"), Recipient("x@")])
    assert [p.field for p in caught.value.problems] == ["emails", "emails"]
    with pytest.raises(ValidationFailed, match="At most 20,000"):
        sending.clean_recipients(Recipient(f"p{i}@example.com") for i in range(20_001))


# --- invitations ------------------------------------------------------------------------------------------


def test_invitations_arrive_once_with_working_links_names_and_headers(plan, mailbox):
    wave = new_wave(plan)
    agents = plan.groups[0]
    people = [
        Recipient("ana@example.com", "Ana Lima"),
        Recipient("bob@example.com"),
        Recipient("cy@example.com"),
    ]
    queued = invite(plan, wave, people)
    assert queued.queued == 3 and queued.job_id is not None
    done = job(queued.job_id)
    assert (done.status, done.total, done.succeeded, done.failed, done.pending) == ("done", 3, 3, 0, 0)
    assert sorted(mailbox.addresses()) == ["ana@example.com", "bob@example.com", "cy@example.com"]
    message = mailbox.to("ana@example.com")[0]
    assert str(message["To"]) == "Ana Lima <ana@example.com>"
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "Service desk migration" in message["Subject"] and "ADKAR readiness pulse" in message["Subject"]
    assert message.get_body(("plain",)).get_content().startswith("Hello Ana Lima,")
    tokens = [Mailbox.token(m) for m in mailbox.messages]
    assert len(set(tokens)) == 3 and all(works(t) for t in tokens)
    stored = every_stored_text()
    assert not any(t in stored for t in tokens)
    assert not any(unsubscribe_token(m) in stored for m in mailbox.messages)
    assert wave_group(wave.id, agents.id).invited == 3
    assert all(i.last_sent_at is not None for i in db.session.scalars(select(Invitation)))

    answer(wave, agents.id, tokens[0])
    assert (count_held(wave.id), wave_group(wave.id, agents.id).n) == (1, 0)

    again = invite(plan, fresh_wave(wave.id), ["ANA@example.com", "dee@example.com"])
    assert (again.queued, again.already_invited) == (1, ["ana@example.com"])
    assert len(mailbox.messages) == 4
    assert wave_group(wave.id, agents.id).invited == 4


def test_the_mail_is_in_the_recipient_s_language(plan, mailbox):
    wave = new_wave(plan)
    invite(
        plan, wave, [Recipient("anne@example.com", "Anne", "fr"), Recipient("jo@example.com", "", "de-AT")]
    )
    french = mailbox.to("anne@example.com")[0]
    assert french.get_body(("plain",)).get_content().startswith("Bonjour Anne,")
    assert "Votre lien personnel" in french.get_body(("plain",)).get_content()
    german = mailbox.to("jo@example.com")[0]
    assert german.get_body(("plain",)).get_content().startswith("Guten Tag,")
    assert 'lang="de"' in german.get_body(("html",)).get_content()


def test_an_internationalised_domain_goes_out_in_punycode(plan, mailbox):
    invite(plan, new_wave(plan), ["ana@bücher.example"])
    assert mailbox.envelopes == [["ana@xn--bcher-kva.example"]]
    assert mailbox.messages[0]["To"].addresses[0].domain == "xn--bcher-kva.example"


def test_a_non_ascii_mailbox_name_goes_out_with_smtputf8(plan, mailbox):
    queued = invite(plan, new_wave(plan), ["jürgen@example.com"])
    assert states(queued.job_id) == {"jürgen@example.com": "sent"}
    assert mailbox.envelopes == [["jürgen@example.com"]]


def test_a_mailbox_name_needing_smtputf8_is_reported_for_that_person_only(app, plan):
    with smtp_server(smtputf8=False) as old_server:
        app.config["SMTP_PORT"] = old_server.port
        queued = invite(plan, new_wave(plan), ["jürgen@example.com", "ana@example.com"])
        assert old_server.addresses() == ["ana@example.com"]
    assert states(queued.job_id) == {"jürgen@example.com": "failed", "ana@example.com": "sent"}
    error = db.session.scalar(select(MailDelivery.error).where(MailDelivery.status == "failed"))
    assert "SMTPUTF8" in error
    assert count(Invitation) == 1


def test_a_refused_address_is_final_for_that_person_and_not_counted(plan, mailbox):
    mailbox.refuse.add("gone@example.com")
    wave = new_wave(plan)
    queued = invite(plan, wave, ["ana@example.com", "gone@example.com"])
    done = job(queued.job_id)
    assert (done.status, done.succeeded, done.failed) == ("done", 1, 1)
    assert states(queued.job_id) == {"ana@example.com": "sent", "gone@example.com": "failed"}
    assert list(db.session.scalars(select(Invitation.email))) == ["ana@example.com"]
    assert wave_group(wave.id, plan.groups[0].id).invited == 1


def test_a_deferred_address_is_tried_again_later_and_gets_one_copy(plan, mailbox):
    mailbox.defer["bob@example.com"] = 1
    wave = new_wave(plan)
    queued = invite(plan, wave, ["ana@example.com", "bob@example.com"])
    waiting = job(queued.job_id)
    assert waiting.status == "waiting" and waiting.pending == 1
    row = db.session.scalar(select(MailDelivery).where(MailDelivery.email == "bob@example.com"))
    assert row.status == "retry" and row.attempts == 1
    assert timedelta(seconds=50) < row.next_attempt_at - utc_now() <= timedelta(minutes=1)
    assert wave_group(wave.id, plan.groups[0].id).invited == 1  # the withheld link is not an invitation

    runner.run(queued.job_id)  # too early: nothing happens
    assert len(mailbox.messages) == 1
    make_due(queued.job_id)
    runner.run(queued.job_id)
    assert job(queued.job_id).status == "done"
    assert sorted(mailbox.addresses()) == ["ana@example.com", "bob@example.com"]
    assert wave_group(wave.id, plan.groups[0].id).invited == 2


def test_smtp_down_loses_nobody_retries_with_backoff_and_gives_up_with_a_reason(app, plan, mailbox):
    port = app.config["SMTP_PORT"]
    app.config["SMTP_PORT"] = free_port()  # the mail server is away
    wave = new_wave(plan)
    queued = invite(plan, wave, ["ana@example.com", "bob@example.com"])
    waiting = job(queued.job_id)
    assert waiting.status == "waiting" and "Cannot reach the mail server" in waiting.message
    assert set(states(queued.job_id).values()) == {"retry"}
    assert count(Invitation) == 0 and wave_group(wave.id, plan.groups[0].id).invited == 0
    gaps = []
    for _attempt in range(3):
        make_due(queued.job_id)
        runner.run(queued.job_id)
        due = db.session.scalar(select(MailDelivery.next_attempt_at).limit(1))
        gaps.append(round((due - utc_now()).total_seconds() / 60))
    assert gaps == [5, 15, 60]  # minutes: the backoff grows

    app.config["SMTP_PORT"] = port  # it comes back
    make_due(queued.job_id)
    runner.run(queued.job_id)
    assert job(queued.job_id).status == "done"
    assert sorted(mailbox.addresses()) == ["ana@example.com", "bob@example.com"]

    app.config["SMTP_PORT"] = free_port()
    later = invite(plan, fresh_wave(wave.id), ["cy@example.com"])
    for _attempt in range(delivery.MAX_ATTEMPTS):
        make_due(later.job_id)
        runner.run(later.job_id)
    final = job(later.job_id)
    assert (final.status, final.failed) == ("done", 1)
    reason = db.session.scalar(select(MailDelivery.error).where(MailDelivery.email == "cy@example.com"))
    assert reason.startswith(f"Gave up after {delivery.MAX_ATTEMPTS} attempts: Cannot reach the mail server")


def test_a_connection_dropped_mid_batch_sends_nobody_twice(app, plan, mailbox):
    app.config["MAIL_CHUNK"] = 4
    mailbox.drop_after = 5
    people = [f"p{i}@example.com" for i in range(10)]
    queued = invite(plan, new_wave(plan), people)
    assert len(mailbox.messages) == 5 and job(queued.job_id).status == "waiting"
    make_due(queued.job_id)
    runner.run(queued.job_id)
    assert job(queued.job_id).status == "done"
    final = states(queued.job_id)
    # The one being handed over when the server hung up may have arrived: reported, not sent again.
    (uncertain,) = [p for p, status in final.items() if status == "failed"]
    assert sorted(mailbox.addresses()) == sorted(set(people) - {uncertain})  # everyone else exactly once
    reason = db.session.scalar(select(MailDelivery.error).where(MailDelivery.email == uncertain))
    assert "may have arrived" in reason
    assert db.session.scalar(select(Invitation.id).where(Invitation.email == uncertain))  # its link kept


def test_a_slow_server_that_times_out_after_the_message_is_not_sent_a_second_copy(app, plan, mailbox):
    app.config["SMTP_TIMEOUT"] = 0.5
    mailbox.delay = 1.5  # the server accepts the message, but too late for the client
    queued = invite(plan, new_wave(plan), ["ana@example.com", "bob@example.com"])
    mailbox.delay = 0
    make_due(queued.job_id)
    runner.run(queued.job_id)
    time.sleep(1.6)  # whatever the slow server still does with what it was handed
    assert job(queued.job_id).status == "done"
    final = states(queued.job_id)
    assert sorted(final.values()) == ["failed", "sent"]  # the timed-out one is reported, never resent
    (late,) = [p for p, status in final.items() if status == "failed"]
    assert late not in mailbox.addresses() or mailbox.addresses().count(late) == 1
    assert mailbox.addresses().count(next(p for p in final if p != late)) == 1


def test_a_worker_killed_while_sending_reports_the_uncertain_and_sends_no_second_copy(plan, mailbox):
    wave = new_wave(plan, opens=today() + timedelta(days=2), closes=today() + timedelta(days=9))
    queued = invite(plan, wave, ["bob@example.com", "cy@example.com"], send_when="open")
    # What a worker killed between marking a chunk `sending` and settling it leaves behind:
    db.session.execute(
        update(MailDelivery).where(MailDelivery.email == "bob@example.com").values(status="sending")
    )
    db.session.commit()
    make_due(queued.job_id)
    runner.run(queued.job_id)
    assert states(queued.job_id) == {"bob@example.com": "failed", "cy@example.com": "sent"}
    assert mailbox.addresses() == ["cy@example.com"]  # bob may already have his: no second copy
    reason = db.session.scalar(select(MailDelivery.error).where(MailDelivery.email == "bob@example.com"))
    assert reason == delivery.INTERRUPTED
    assert (job(queued.job_id).status, job(queued.job_id).failed) == ("done", 1)


def test_two_runs_of_one_job_never_send_twice(plan, mailbox):
    queued = invite(plan, new_wave(plan), ["ana@example.com", "bob@example.com"])
    db.session.execute(update(Job).where(Job.id == queued.job_id).values(status="running", finished_at=None))
    db.session.commit()
    runner.run(queued.job_id)  # a duplicate queue message: nothing left to send
    runner.run(queued.job_id)
    assert sorted(mailbox.addresses()) == ["ana@example.com", "bob@example.com"]


def test_send_when_the_wave_opens_holds_the_mail_until_its_opening_day(plan, mailbox):
    wave = new_wave(plan, opens=today() + timedelta(days=2), closes=today() + timedelta(days=9))
    queued = invite(plan, wave, ["ana@example.com"], send_when="open")
    held = job(queued.job_id)
    assert held.status == "waiting" and held.next_run_at == datetime.combine(wave.opens_on, clock.min)
    assert mailbox.messages == []
    now = invite(plan, fresh_wave(wave.id), ["bob@example.com"])  # "now" still sends before opening
    assert job(now.job_id).status == "done"
    assert "opens on" in mailbox.messages[0].get_body(("plain",)).get_content()
    make_due(queued.job_id)
    runner.run(queued.job_id)
    assert sorted(mailbox.addresses()) == ["ana@example.com", "bob@example.com"]


def test_mail_for_a_wave_that_closed_meanwhile_is_not_sent(plan, mailbox, app):
    wave = new_wave(plan, opens=today() + timedelta(days=2), closes=today() + timedelta(days=9))
    queued = invite(plan, wave, ["ana@example.com"], send_when="open")
    closing = fresh_wave(wave.id)
    closing.opens_on = today() - timedelta(days=5)
    closing.closes_on = today() - timedelta(days=1)
    db.session.commit()
    make_due(queued.job_id)
    runner.run(queued.job_id)
    assert states(queued.job_id) == {"ana@example.com": "failed"}
    assert mailbox.messages == []


# --- reminders --------------------------------------------------------------------------------------------


def test_reminders_go_only_to_those_who_have_not_answered_with_new_links(plan, mailbox):
    wave = new_wave(plan)
    agents = plan.groups[0]
    invite(
        plan,
        wave,
        [
            Recipient("ana@example.com"),
            Recipient("bob@example.com", "Bob", "fr"),
            Recipient("cy@example.com"),
        ],
    )
    first = {m["To"].addresses[0].addr_spec: Mailbox.token(m) for m in mailbox.messages}
    answer(wave, agents.id, first["ana@example.com"])
    mailbox.messages.clear()

    queued = remind(plan, wave, agents)
    assert queued.queued == 2 and job(queued.job_id).status == "done"
    assert sorted(mailbox.addresses()) == ["bob@example.com", "cy@example.com"]
    assert mailbox.to("cy@example.com")[0]["Subject"].startswith("Reminder: ")
    assert mailbox.to("bob@example.com")[0]["Subject"].startswith("Rappel : ")  # his language, kept
    second = {m["To"].addresses[0].addr_spec: Mailbox.token(m) for m in mailbox.messages}
    for person in ("bob@example.com", "cy@example.com"):
        assert second[person] != first[person] and works(second[person]) and not works(first[person])
    with pytest.raises(AlreadyAnswered):
        answer(wave, agents.id, first["bob@example.com"])
    answer(wave, agents.id, second["bob@example.com"])
    assert wave_group(wave.id, agents.id).invited == 3  # reminders are not new invitations


def test_reminders_wait_for_the_wave_to_open(plan, mailbox):
    wave = new_wave(plan, opens=today() + timedelta(days=2), closes=today() + timedelta(days=9))
    invite(plan, wave, ["a@example.com"])
    with pytest.raises(ValidationFailed, match="has not opened yet"):
        remind(plan, wave)


def test_a_failed_reminder_keeps_the_old_link(plan, mailbox):
    wave = new_wave(plan)
    invite(plan, wave, ["ana@example.com"])
    old = Mailbox.token(mailbox.messages[0])
    mailbox.refuse.add("ana@example.com")
    queued = remind(plan, wave)
    assert states(queued.job_id) == {"ana@example.com": "failed"}
    assert works(old)


def test_a_reminder_waiting_for_the_server_is_not_queued_twice(app, plan, mailbox):
    wave = new_wave(plan)
    invite(plan, wave, ["ana@example.com"])
    app.config["SMTP_PORT"] = free_port()
    assert remind(plan, wave).queued == 1
    assert remind(plan, wave).queued == 0


# --- unsubscribe ------------------------------------------------------------------------------------------


def test_one_click_unsubscribe_stops_survey_mail_to_that_address(client, plan, mailbox):
    wave = new_wave(plan)
    invite(plan, wave, ["ana@example.com", "bob@example.com"])
    token = unsubscribe_token(mailbox.to("ana@example.com")[0])

    page = client.get(f"/u/{token}")
    assert page.status_code == 200 and "Unsubscribe" in text(page)
    assert count(MailOptOut) == 0  # a link scanner's GET changes nothing
    one_click = client.post(f"/u/{token}", data={"List-Unsubscribe": "One-Click"})  # RFC 8058, no CSRF token
    assert one_click.status_code == 200 and "You are unsubscribed" in text(one_click)
    assert count(MailOptOut) == 1
    stored = db.session.scalar(select(MailOptOut.address_hash))
    assert "ana" not in stored and len(stored) == 64

    other = new_wave(plan)
    queued = invite(plan, other, ["ana@example.com", "cy@example.com"])
    assert queued.unsubscribed == ["ana@example.com"] and queued.queued == 1
    assert "ana@example.com" not in mailbox.addresses()[2:]
    assert client.get("/u/not-a-real-token").status_code == 404


def test_unsubscribing_skips_mail_already_queued(plan, mailbox, app):
    wave = new_wave(plan, opens=today() + timedelta(days=2), closes=today() + timedelta(days=9))
    invite(plan, wave, ["ana@example.com"])
    token = unsubscribe_token(mailbox.messages[0])
    held = invite(
        plan,
        new_wave(plan, opens=today() + timedelta(days=2), closes=today() + timedelta(days=9)),
        ["ana@example.com"],
        send_when="open",
    )
    with app.test_client() as client:
        client.post(f"/u/{token}")
    assert states(held.job_id) == {"ana@example.com": "skipped"}
    assert job(held.job_id).failed == 1


# --- the forms and the progress ---------------------------------------------------------------------------


def test_email_form_queues_and_the_page_shows_the_progress(client, auth, plan, mailbox):
    wave = new_wave(plan)
    auth.login(plan.owner.email)
    response = client.post(
        f"/waves/{wave.id}/emails",
        data={"email-group": plan.groups[1].id, "email-emails": "ana@example.com\nBob <bob@example.com>"},
        follow_redirects=True,
    )
    assert response.status_code == 200
    page = text(response)
    assert "2 invitations queued" in page and "E-mail being sent" in page
    assert len(mailbox.messages) == 2
    progress = client.get(f"/waves/{wave.id}/jobs.json").get_json()
    (only,) = progress["jobs"]
    assert only["status"] == "done" and only["counts"] == {"total": 2, "sent": 2, "pending": 0, "failed": 0}


def test_email_form_refuses_bad_addresses_and_stores_nothing(client, auth, plan, mailbox):
    wave = new_wave(plan)
    auth.login(plan.owner.email)
    response = client.post(
        f"/waves/{wave.id}/emails",
        data={"email-group": plan.groups[0].id, "email-emails": "ana@example.com, nope"},
    )
    assert response.status_code == 400
    assert "&#39;nope&#39; is not an email address" in text(response)
    assert mailbox.messages == [] and count(Invitation) == 0 and count(Job) == 0 and count(MailDelivery) == 0


def test_the_page_lists_who_could_not_be_reached(client, auth, plan, mailbox):
    mailbox.refuse.add("gone@example.com")
    wave = new_wave(plan)
    invite(plan, wave, ["ana@example.com", "gone@example.com"])
    auth.login(plan.owner.email)
    page = text(client.get(f"/waves/{wave.id}"))
    assert "gone@example.com: The mail server refused gone@example.com." in page


def test_more_invitations_than_the_headcount_are_flagged(client, auth, plan, mailbox):
    group = plan.groups[0]
    group.headcount = 2
    db.session.commit()
    wave = new_wave(plan)
    queued = invite(plan, wave, ["a@example.com", "b@example.com", "c@example.com"])
    assert queued.over_headcount is not None and "headcount of 2" in queued.over_headcount


def test_reminder_form_reports_the_count(client, auth, plan, mailbox):
    wave = new_wave(plan)
    invite(plan, wave, ["a@example.com", "b@example.com"])
    auth.login(plan.owner.email)
    response = client.post(f"/waves/{wave.id}/reminders", data={"remind-group": 0}, follow_redirects=True)
    assert "2 reminders queued" in text(response)
    assert len(mailbox.messages) == 4


def test_emailed_links_open_the_survey_page_and_replaced_ones_do_not(client, plan, mailbox):
    wave = new_wave(plan)
    invite(plan, wave, ["ana@example.com"])
    old = Mailbox.token(mailbox.messages[0])
    assert client.get(f"/s/{old}").status_code == 200
    remind(plan, wave)
    new = Mailbox.token(mailbox.messages[1])
    assert client.get(f"/s/{new}").status_code == 200
    assert client.get(f"/s/{old}").status_code == 404


def test_a_name_is_escaped_in_the_html_part_and_kept_in_the_text(plan, mailbox):
    invite(plan, new_wave(plan), [Recipient("ana@example.com", "<b>Ana</b> & Co")])
    message = mailbox.messages[0]
    assert "Hello &lt;b&gt;Ana&lt;/b&gt; &amp; Co," in message.get_body(("html",)).get_content()
    assert message.get_body(("plain",)).get_content().startswith("Hello <b>Ana</b> & Co,")


def test_pasted_addresses_get_the_language_chosen_for_them(client, auth, plan, mailbox):
    wave = new_wave(plan)
    auth.login(plan.owner.email)
    page = text(client.get(f"/waves/{wave.id}"))
    assert 'name="email-language"' in page and ">Français</option>" in page
    client.post(
        f"/waves/{wave.id}/emails",
        data={"email-group": plan.groups[0].id, "email-emails": "anne@example.com", "email-language": "fr"},
    )
    (message,) = mailbox.to("anne@example.com")
    assert message.get_body(("plain",)).get_content().startswith("Bonjour,")
    assert db.session.scalars(select(MailDelivery.language)).all() == ["fr"]


def test_a_recipient_s_own_language_wins_over_the_batch_s(plan, mailbox):
    wave = new_wave(plan)
    invite(plan, wave, [Recipient("jo@example.com", "", "de"), "anne@example.com"], language="fr")
    languages = dict(db.session.execute(select(MailDelivery.email, MailDelivery.language)).all())
    assert languages == {"jo@example.com": "de", "anne@example.com": "fr"}


def test_a_language_the_survey_lacks_is_refused_and_nothing_is_queued(client, auth, plan, mailbox):
    wave = new_wave(plan)
    with pytest.raises(ValidationFailed) as caught:
        invite(plan, wave, ["anne@example.com"], language="es")
    assert caught.value.problems[0].field == "language"
    assert "'es' is not one of them" in caught.value.problems[0].message
    db.session.rollback()
    auth.login(plan.owner.email)
    response = client.post(
        f"/waves/{wave.id}/emails",
        data={"email-group": plan.groups[0].id, "email-emails": "anne@example.com", "email-language": "es"},
    )
    assert response.status_code == 400 and "Not a valid choice" in text(response)
    assert mailbox.messages == [] and count(Job) == 0 and count(MailDelivery) == 0


def test_the_api_takes_the_batch_s_language_and_refuses_one_the_survey_lacks(client, plan, mailbox):
    wave = new_wave(plan)
    _record, token = create_api_token(user=plan.owner, name="script")
    headers = {"Authorization": f"Bearer {token}"}
    body = {"group_id": plan.groups[0].id, "send": "email", "recipients": [{"email": "anne@example.com"}]}
    refused = client.post(
        f"/api/v1/waves/{wave.id}/invitations", json=body | {"language": "es"}, headers=headers
    )
    assert refused.status_code in (400, 422)
    assert "'es' is not one of them" in refused.get_data(as_text=True)
    assert count(Job) == 0 and count(MailDelivery) == 0
    answer = client.post(
        f"/api/v1/waves/{wave.id}/invitations", json=body | {"language": "de"}, headers=headers
    )
    assert answer.status_code == 202
    assert mailbox.to("anne@example.com")[0].get_body(("plain",)).get_content().startswith("Guten Tag,")
