"""send_due_alerts: who gets what, each alert once, and a failed send tried again on the next call."""

from __future__ import annotations

from datetime import timedelta

from adkar.accounts.models import User
from adkar.actions import services as actions
from adkar.alerts.preferences import preferences, save_preferences
from adkar.alerts.services import send_due_alerts
from adkar.extensions import db
from adkar.governance import services as governance
from adkar.governance.models import StageEntry
from tests.surveys.mailbox import free_port

from .support import (
    declining_field,
    html_of,
    next_monday,
    open_wave,
    sent_rows,
    subjects,
    text_of,
    weekday_now,
)


def log_resistance(cast, now) -> None:
    actions.create_resistance(
        group=cast.desk,
        actor=cast.owner,
        what="Agents keep the old tool open",
        reason="fear_of_unknown",
        people=3,
        logged_on=now.date(),
    )


def recipients(mailbox) -> list[str]:
    return sorted(str(m["To"]) for m in mailbox.messages)


def test_role_defaults_and_choices(app, cast):
    assert preferences(cast.sponsor) == {
        "gate_projected_to_miss": True,
        "low_participation": False,
        "change_ahead_of_people": False,
        "resistance_logged": False,
        "weekly_digest": True,
    }
    assert all(preferences(cast.member).values())
    save_preferences(user=cast.member, enabled=["weekly_digest"])
    assert [k for k, on in preferences(cast.member).items() if on] == ["weekly_digest"]


def test_preferences_decide_who_gets_an_alert(app, cast, mailbox):
    now = weekday_now()
    save_preferences(user=cast.sponsor, enabled=["resistance_logged"])  # opts in
    save_preferences(user=cast.member, enabled=["weekly_digest"])  # opts out of resistance
    log_resistance(cast, now)
    assert send_due_alerts(now=now) == 2
    assert recipients(mailbox) == sorted([cast.owner.email, cast.sponsor.email])


def test_nobody_outside_the_initiative_is_told(app, cast, factory, mailbox):
    now = weekday_now()
    outsider_sponsor = factory.user("sponsor")
    save_preferences(user=outsider_sponsor, enabled=["resistance_logged"])
    save_preferences(user=cast.stranger, enabled=["resistance_logged"])
    save_preferences(user=cast.admin, enabled=["resistance_logged"])  # admins read every initiative
    log_resistance(cast, now)
    assert send_due_alerts(now=now) == 3
    assert recipients(mailbox) == sorted([cast.owner.email, cast.member.email, cast.admin.email])


def test_a_disabled_account_is_not_mailed(app, cast, mailbox):
    now = weekday_now()
    member = db.session.get(User, cast.member.id)
    member.active = False
    db.session.commit()
    log_resistance(cast, now)
    assert send_due_alerts(now=now) == 1
    assert recipients(mailbox) == [cast.owner.email]


def test_each_alert_is_sent_exactly_once(app, cast, mailbox):
    now = weekday_now()
    log_resistance(cast, now)
    open_wave(cast, now.date(), closes_in=1)
    assert send_due_alerts(now=now) == 4  # owner and member, each: the resistance and the wave
    assert sent_rows() == 4
    assert send_due_alerts(now=now) == 0
    assert send_due_alerts(now=now + timedelta(minutes=5)) == 0
    assert len(mailbox.messages) == 4 and sent_rows() == 4


def test_nothing_due_does_not_connect(app, cast):
    app.config.update(SMTP_PORT=free_port())  # nothing listens: a connection would fail
    assert send_due_alerts(now=weekday_now()) == 0


def test_an_unreachable_server_sends_nothing_and_the_next_call_sends_all(app, cast, mailbox):
    now = weekday_now()
    log_resistance(cast, now)
    app.config.update(SMTP_PORT=free_port())
    assert send_due_alerts(now=now) == 0
    assert sent_rows() == 0
    app.config.update(SMTP_PORT=mailbox.port)
    assert send_due_alerts(now=now) == 2
    assert recipients(mailbox) == sorted([cast.owner.email, cast.member.email])


def test_a_refused_address_is_tried_again_next_time_without_holding_up_the_others(app, cast, mailbox):
    now = weekday_now()
    log_resistance(cast, now)
    mailbox.refuse.add(cast.member.email.lower())
    assert send_due_alerts(now=now) == 1
    assert recipients(mailbox) == [cast.owner.email]
    mailbox.refuse.clear()
    assert send_due_alerts(now=now) == 1
    assert recipients(mailbox) == sorted([cast.owner.email, cast.member.email])
    assert send_due_alerts(now=now) == 0


def test_both_parts_carry_the_same_link_and_html_is_escaped(app, cast, mailbox):
    now = weekday_now()
    actions.create_resistance(
        group=cast.desk,
        actor=cast.owner,
        what="<script>alert(1)</script> & paper forms",
        reason="job_changes",
        people=2,
        logged_on=now.date(),
    )
    send_due_alerts(now=now)
    message = mailbox.to(cast.owner.email)[0]
    link = f"http://adkar.test/groups/{cast.desk.id}/actions#resistance"
    assert link in text_of(message) and link in html_of(message)
    assert "http://adkar.test/account/alerts" in text_of(message)
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; paper forms" in html_of(message)
    assert "<script>alert(1)</script> & paper forms" in text_of(message)  # plain text stays plain
    assert message["From"] == "Readiness team <adkar@example.test>"


# --- the weekly digest ------------------------------------------------------------------------------------


def test_the_weekly_digest_goes_out_on_monday_once(app, cast, factory, mailbox):
    monday = next_monday(weekday_now().date())
    now = weekday_now().replace(year=monday.year, month=monday.month, day=monday.day)
    declining_field(cast, monday)
    factory.milestone(cast.initiative, name="Go-live", due=monday + timedelta(days=5))
    open_wave(cast, monday, closes_in=6)  # not within 3 days: no participation alert
    log_resistance(cast, weekday_now())  # logged before Monday: counted in the digest's 7 days
    governance.name_sign_off(
        initiative=cast.initiative,
        stage="detailed",
        role="sponsor",
        approver_id=cast.sponsor.id,
        actor=cast.owner,
    )
    before = now - timedelta(days=1)
    assert [s for s in _digests(before, mailbox)] == []

    send_due_alerts(now=now)
    digests = [m for m in mailbox.messages if "Weekly digest" in m["Subject"]]
    assert sorted(str(m["To"]) for m in digests) == sorted(
        [cast.owner.email, cast.member.email, cast.sponsor.email, cast.admin.email]
    )
    body = text_of(mailbox.to(cast.sponsor.email)[-1])
    assert f"- Go-live ({(monday + timedelta(days=5)).isoformat()}): Not ready, projected to miss" in body
    # adoption: the latest wave with a visible overall figure is the open one, 10 of 10 reached ability
    assert "ADOPTION\r\n100% (Pulse closing in 6, 10 responses)" in body
    assert (
        f"- Pulse closing in 6, closes {(monday + timedelta(days=6)).isoformat()}: 10 of 30 invited (33.3%)"
        in body
    )
    assert "1 resistance entry logged in the last 7 days." in body
    assert "- Detailed: Sponsor, " in body
    assert send_due_alerts(now=now + timedelta(hours=2)) == 0
    assert len([m for m in mailbox.messages if "Weekly digest" in m["Subject"]]) == 4


def _digests(now, mailbox) -> list[str]:
    send_due_alerts(now=now)
    return [s for s in subjects(mailbox.messages) if "Weekly digest" in s]


def test_a_closed_initiative_sends_nothing(app, cast, mailbox):
    now = weekday_now()
    log_resistance(cast, now)
    db.session.add(StageEntry(initiative_id=cast.initiative.id, stage="closed", note="Done"))
    db.session.commit()
    assert send_due_alerts(now=now) == 0


def test_an_aware_now_is_read_as_utc(app, cast, mailbox):
    from datetime import UTC

    now = weekday_now().replace(tzinfo=UTC)
    log_resistance(cast, now)
    assert send_due_alerts(now=now) == 2
    assert send_due_alerts(now=now.astimezone(UTC)) == 0
