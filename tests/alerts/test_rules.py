"""Each alert rule firing and not firing, on hand-computed situations, mailed through a real SMTP server."""

from __future__ import annotations

from datetime import timedelta

from adkar.actions import services as actions
from adkar.alerts.services import due_mail, send_due_alerts
from adkar.changes.services import set_change_record
from adkar.extensions import db
from adkar.plan.models import GateOverride

from .support import declining_field, open_wave, sent_rows, text_of, weekday_now


def kinds_for(now, email: str) -> list[tuple[str, str]]:
    return sorted((a.kind, a.key) for u, a in due_mail(now=now) if u.email == email)


# --- gate projected to miss -------------------------------------------------------------------------------


def test_a_gate_whose_group_is_projected_below_the_threshold_alerts(app, cast, factory, mailbox):
    now = weekday_now()
    day = now.date()
    declining_field(cast, day)
    # field: 0.4 now, +0.02 a day; at day+5 it projects to 0.7 < 0.8
    soon = factory.milestone(cast.initiative, name="Go-live", due=day + timedelta(days=5))
    # at day+20 it projects to 0.4 + 0.02 * 30 = 1.0: not projected to miss, though not ready today
    later = factory.milestone(
        cast.initiative, name="Hypercare", kind="hypercare", due=day + timedelta(days=20)
    )
    # already past: history, not an alert
    factory.milestone(cast.initiative, name="UAT", kind="uat", due=day - timedelta(days=1))

    assert kinds_for(now, cast.sponsor.email) == [
        ("gate_projected_to_miss", f"gate:{soon.id}:{(day + timedelta(days=5)).isoformat()}")
    ]
    assert later.id not in {a.key for _, a in due_mail(now=now)}

    sent = send_due_alerts(now=now)
    gate_mail = [m for m in mailbox.to(cast.sponsor.email) if "projected to miss" in m["Subject"]]
    assert len(gate_mail) == 1
    body = text_of(gate_mail[0])
    # needs (0.8 - 0.4) / 15 days * 7 = +19 pts a week, going 0.02 * 7 = +14
    assert (
        "- Field engineers: 40% now, projected 70% at the milestone date (needs +19 pts a week, going +14)"
        in body
    )
    assert "- Service desk" not in body  # ready: not part of the alert
    assert f"http://adkar.test/initiatives/{cast.initiative.id}/dashboard" in body
    assert (
        gate_mail[0]["Subject"].strip()
        == "[Service desk migration] Go-live is projected to miss its readiness gate"
    )
    assert sent == len(mailbox.messages)


def test_an_overridden_or_ready_gate_does_not_alert(app, cast, factory, mailbox):
    now = weekday_now()
    day = now.date()
    declining_field(cast, day)
    desk_only = factory.milestone(
        cast.initiative, name="Desk live", due=day + timedelta(days=5), groups=(cast.desk,)
    )
    accepted = factory.milestone(cast.initiative, name="Field live", due=day + timedelta(days=5))
    db.session.add(
        GateOverride(
            milestone_id=accepted.id,
            user_id=cast.owner.id,
            computed_status="not_ready",
            justification="The sponsor accepts the field team's risk.",
        )
    )
    db.session.commit()
    keys = {a.key for _, a in due_mail(now=now)}
    assert not {k for k in keys if k.startswith(("gate:", f"gate:{desk_only.id}"))}


# --- low participation near closing -----------------------------------------------------------------------


def test_low_participation_fires_for_a_wave_closing_within_three_days(app, cast, mailbox):
    now = weekday_now()
    day = now.date()
    # desk: 5 published of 20 invited = 25% < 50%; field: 5 of 10 = 50%, exactly at the threshold: fine
    wave_id = open_wave(cast, day, closes_in=2)
    assert kinds_for(now, cast.member.email) == [("low_participation", f"participation:{wave_id}")]
    assert kinds_for(now, cast.sponsor.email) == []  # sponsors have it off by default

    assert send_due_alerts(now=now) == 2  # owner, member (practitioners); the admin's default is off
    message = mailbox.to(cast.member.email)[0]
    body = text_of(message)
    assert "Service desk: 5 of 20 invited (25%)" in body
    assert "Field engineers" not in body
    assert f"http://adkar.test/waves/{wave_id}" in body
    assert "closes in 2 days" in message["Subject"]


def test_low_participation_waits_until_three_days_before_closing(app, cast, mailbox):
    now = weekday_now()
    open_wave(cast, now.date(), closes_in=4)
    assert kinds_for(now, cast.member.email) == []
    # the day after, it closes in 3 days: due
    assert [k for k, _ in kinds_for(now + timedelta(days=1), cast.member.email)] == ["low_participation"]


def test_low_participation_on_the_closing_day_and_not_after(app, cast, mailbox):
    now = weekday_now()
    wave_id = open_wave(cast, now.date(), closes_in=0)
    assert kinds_for(now, cast.member.email) == [("low_participation", f"participation:{wave_id}")]
    assert kinds_for(now + timedelta(days=1), cast.member.email) == []  # closed


def test_a_group_nobody_was_invited_to_has_no_rate_and_never_fires(app, cast, mailbox):
    now = weekday_now()
    open_wave(cast, now.date(), closes_in=1, desk_invited=0, field_invited=10)  # field: 5 of 10, at 50%
    assert kinds_for(now, cast.member.email) == []


def test_the_threshold_and_window_are_settings(app, cast, mailbox):
    now = weekday_now()
    open_wave(cast, now.date(), closes_in=5)  # desk 25%, field 50%
    app.config.update(ALERT_PARTICIPATION_DAYS=5, ALERT_PARTICIPATION_RATE=0.6)
    [(_user, alert)] = [(u, a) for u, a in due_mail(now=now) if u.email == cast.member.email]
    assert [g["name"] for g in alert.context["groups"]] == ["Service desk", "Field engineers"]


def test_response_counts_are_published_ones_only(app, cast, factory, mailbox):
    """Answers held until k of a kind arrive are not counted: the alert moves in steps of k, as every
    readiness figure does, so its timing tells nothing about one person's answer."""
    now = weekday_now()
    wave_id = open_wave(cast, now.date(), closes_in=1, desk_invited=20, field_invited=0)
    from adkar.surveys.definitions import registry
    from adkar.surveys.definitions.survey import score
    from adkar.surveys.responses.services import split_answers, store_imported

    defn = registry.get("adkar-pulse")
    clean = dict(zip(("aw1", "de1", "kn1", "ab1", "re1"), (5, 5, 5, 5, 5), strict=True))
    row = (split_answers(defn, clean)[0], score(defn, clean), None)
    store_imported(wave_id=wave_id, group_id=cast.desk.id, rows=[row] * 4)  # fewer than k: held
    [(_, alert)] = [(u, a) for u, a in due_mail(now=now) if u.email == cast.member.email]
    assert alert.context["groups"] == [{"name": "Service desk", "n": 5, "invited": 20, "rate": "25%"}]


# --- a change ahead of its people -------------------------------------------------------------------------


def test_a_scheduled_change_while_its_gate_is_not_ready_alerts_once_per_state(app, cast, factory, mailbox):
    now = weekday_now()
    day = now.date()
    declining_field(cast, day)
    unready = factory.milestone(cast.initiative, name="Field live", due=day + timedelta(days=20))
    ready = factory.milestone(
        cast.initiative, name="Desk live", due=day + timedelta(days=20), groups=(cast.desk,)
    )
    for milestone, number in ((unready, "CHG1"), (ready, "CHG2")):
        set_change_record(
            milestone=milestone, actor=cast.owner, number=number, change_type="normal", state="scheduled"
        )
    [(_, alert)] = [(u, a) for u, a in due_mail(now=now) if u.email == cast.member.email]
    assert alert.kind == "change_ahead_of_people"
    assert alert.context["message"] == "Change CHG1 is scheduled while the people gate is not ready."

    assert send_due_alerts(now=now) == 2  # owner and member; the sponsor's and admin's default is off
    assert send_due_alerts(now=now) == 0
    set_change_record(
        milestone=unready, actor=cast.owner, number="CHG1", change_type="normal", state="implement"
    )
    assert send_due_alerts(now=now) == 2
    assert "Change CHG1 is implement" in text_of(mailbox.to(cast.member.email)[-1])


def test_a_change_in_review_or_without_a_record_is_no_alert(app, cast, factory, mailbox):
    now = weekday_now()
    day = now.date()
    declining_field(cast, day)
    milestone = factory.milestone(cast.initiative, name="Field live", due=day + timedelta(days=20))
    factory.milestone(cast.initiative, name="Bare", due=day + timedelta(days=20))
    set_change_record(
        milestone=milestone, actor=cast.owner, number="CHG1", change_type="normal", state="review"
    )
    assert not [a for _, a in due_mail(now=now) if a.kind == "change_ahead_of_people"]


# --- resistance logged ------------------------------------------------------------------------------------


def test_resistance_logged_reaches_practitioners(app, cast, mailbox):
    now = weekday_now()
    entry = actions.create_resistance(
        group=cast.field,
        actor=cast.owner,
        what="Engineers keep paper job sheets",
        reason="fear_of_unknown",
        people=4,
        response="Ride-alongs with the new app",
        logged_on=now.date(),
    )
    assert kinds_for(now, cast.member.email) == [("resistance_logged", f"resistance:{entry.id}")]
    assert send_due_alerts(now=now) == 2
    body = text_of(mailbox.to(cast.owner.email)[0])
    assert "- What: Engineers keep paper job sheets" in body
    assert "- Why: Fear of the unknown" in body
    assert f"http://adkar.test/groups/{cast.field.id}/actions#resistance" in body


def test_resistance_older_than_two_days_is_not_told(app, cast, mailbox):
    now = weekday_now()
    actions.create_resistance(
        group=cast.field,
        actor=cast.owner,
        what="Old grievance",
        reason="job_changes",
        people=2,
        logged_on=now.date(),
    )
    assert kinds_for(now + timedelta(days=2, minutes=1), cast.member.email) == []
    assert sent_rows() == 0
