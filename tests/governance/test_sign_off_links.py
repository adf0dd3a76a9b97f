"""Sign-offs decided from an e-mailed link, against a real SMTP server: the link is queued as a job, carries
a single-use token stored only as its hash, expires, and opens only for the named approver signed in as
themselves; every other visitor, and every used, expired or unknown link, gets a clear page and changes
nothing."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from adkar.audit.models import AuditEvent
from adkar.extensions import db
from adkar.governance import links
from adkar.governance import services as governance
from adkar.governance.mail_jobs import SIGN_OFF_MAIL_KIND
from adkar.governance.models import SignOff, SignOffLink
from adkar.jobs import runner
from adkar.jobs.models import Job
from adkar.plan import services as plan
from tests.factories import Factory
from tests.surveys.mailbox import Mailbox, smtp_server

LINK = re.compile(r"http://adkar\.test/sign-offs/decide/([A-Za-z0-9_-]+)")


@pytest.fixture
def mailbox() -> Iterator[Mailbox]:
    with smtp_server() as box:
        yield box


@pytest.fixture
def app_config(app_config, mailbox) -> dict:
    return {
        **app_config,
        "SMTP_HOST": mailbox.host,
        "SMTP_PORT": mailbox.port,
        "SMTP_SENDER": "Readiness team <adkar@example.test>",
        "SMTP_TIMEOUT": 5,
    }


@pytest.fixture
def world(factory):
    owner, sponsor, other_sponsor = (
        factory.user("practitioner"),
        factory.user("sponsor"),
        factory.user("sponsor"),
    )
    initiative = factory.initiative(owner, name="Service desk portal", sponsors=(sponsor, other_sponsor))
    factory.group(initiative, name="Service desk")
    factory.milestone(initiative)
    governance.advance(initiative=initiative, to="detailed", actor=owner)
    return initiative, owner, sponsor, other_sponsor


def name(world, role: str = "finance") -> SignOff:
    initiative, owner, sponsor, _ = world
    return governance.name_sign_off(
        initiative=initiative, stage="decided", role=role, approver_id=sponsor.id, actor=owner
    )


def token_in(mailbox: Mailbox, index: int = -1) -> str:
    body = mailbox.messages[index].get_body(preferencelist=("plain",)).get_content()
    match = LINK.search(body)
    assert match, body
    return match.group(1)


def url(token: str) -> str:
    return f"/sign-offs/decide/{token}"


def audit_actions() -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def state(sign_off_id: int) -> tuple:
    sign_off = db.session.get(SignOff, sign_off_id)
    used = db.session.scalars(select(SignOffLink.used_at).where(SignOffLink.sign_off_id == sign_off_id))
    return sign_off.decision, sign_off.comment, [u is not None for u in used]


APPROVE = {"decision-decision": "approved", "decision-comment": "Budget line 4711 agreed"}


def test_naming_a_sign_off_queues_a_mail_job_whose_link_is_stored_only_as_a_hash(world, mailbox):
    sign_off = name(world)
    _, _, sponsor, _ = world
    (job,) = db.session.scalars(select(Job).where(Job.kind == SIGN_OFF_MAIL_KIND))
    assert (job.status, job.succeeded, job.failed, job.params["sign_off_id"]) == ("done", 1, 0, sign_off.id)
    (message,) = mailbox.messages
    assert message["To"].addresses[0].addr_spec == sponsor.email
    assert message["Subject"] == "[Service desk portal] Your sign-off: entering Decided"
    token = token_in(mailbox)
    assert token in message.get_body(preferencelist=("html",)).get_content()
    (link,) = db.session.scalars(select(SignOffLink))
    assert link.token_hash == hashlib.sha256(token.encode()).hexdigest() and token not in link.token_hash
    assert link.expires_at - link.created_at == timedelta(days=14) and link.used_at is None


def test_the_named_approver_decides_once_from_the_link_and_the_audit_trail_says_so(
    client, auth, world, mailbox
):
    sign_off = name(world)
    _, _, sponsor, _ = world
    token = token_in(mailbox)
    auth.login(sponsor.email)
    page = client.get(url(token))
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "You are named Finance to sign off “Service desk portal” entering Decided" in text
    assert "It is Detailed now" in text and "Record my decision" in text
    assert "sign-off by" in text  # the checklist of entering Decided lists the sign-offs it needs

    response = client.post(url(token), data=APPROVE)
    assert (
        response.status_code == 302
        and f"/initiatives/{sign_off.initiative_id}/governance" in (response.headers["Location"])
    )
    assert state(sign_off.id) == ("approved", "Budget line 4711 agreed", [True])
    event = db.session.scalar(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1))
    assert (event.action, event.user_id, event.target_id) == (
        "sign_off.approve",
        sponsor.id,
        str(sign_off.id),
    )
    assert event.detail["via"] == "e-mail link"

    before = audit_actions()
    again = client.get(url(token))
    assert again.status_code == 410 and "This link was already used" in again.get_data(as_text=True)
    reject = {"decision-decision": "rejected", "decision-comment": "Changed my mind"}
    assert client.post(url(token), data=reject).status_code == 410
    assert state(sign_off.id) == ("approved", "Budget line 4711 agreed", [True]) and audit_actions() == before


def test_a_forwarded_link_lets_nobody_else_decide_nor_see_the_sign_off(client, auth, world, mailbox):
    sign_off = name(world)
    _, owner, _, other_sponsor = world
    token = token_in(mailbox)
    before = audit_actions()
    for person in (owner, other_sponsor):  # the initiative's practitioner and another of its sponsors
        auth.login(person.email)
        page = client.get(url(token))
        text = page.get_data(as_text=True)
        assert page.status_code == 403 and "This link is for someone else" in text
        assert "Service desk portal" not in text
        assert client.post(url(token), data=APPROVE).status_code == 403
        auth.logout()
    assert state(sign_off.id) == ("pending", "", [False]) and audit_actions() == before


def test_a_visitor_who_is_not_signed_in_is_sent_to_sign_in_and_back(client, world, mailbox):
    sign_off = name(world)
    _, _, sponsor, _ = world
    token = token_in(mailbox)
    response = client.get(url(token))
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert client.post(url(token), data=APPROVE).status_code == 302
    assert state(sign_off.id) == ("pending", "", [False])
    wrong = client.post(f"/login?next={url(token)}", data={"email": sponsor.email, "password": "wrong"})
    assert wrong.status_code != 302
    login = client.post(
        f"/login?next={url(token)}", data={"email": sponsor.email, "password": Factory.PASSWORD}
    )
    assert login.status_code == 302 and login.headers["Location"].endswith(url(token))
    assert client.get(url(token)).status_code == 200


def test_an_unknown_token_gets_a_clear_page_and_changes_nothing(client, auth, world, mailbox):
    sign_off = name(world)
    _, _, sponsor, _ = world
    token = token_in(mailbox)
    auth.login(sponsor.email)
    before = audit_actions()
    for wrong in (token[:-1], token + "x", "a" * 300):
        page = client.get(url(wrong))
        assert page.status_code == 404 and "This link is not valid" in page.get_data(as_text=True)
        assert client.post(url(wrong), data=APPROVE).status_code == 404
    assert state(sign_off.id) == ("pending", "", [False]) and audit_actions() == before


def test_an_expired_link_gets_a_clear_page_and_changes_nothing(client, auth, world, mailbox):
    sign_off = name(world)
    _, _, sponsor, _ = world
    token = token_in(mailbox)
    link = links.find(token)
    assert link is not None
    # Hand-computed edge: open one second before expires_at, expired at expires_at itself.
    assert (
        links.open_link(
            token, sponsor, stage_of=governance.current_stage, now=link.expires_at - timedelta(seconds=1)
        ).state
        == links.OPEN
    )
    assert (
        links.open_link(token, sponsor, stage_of=governance.current_stage, now=link.expires_at).state
        == links.EXPIRED
    )
    link.expires_at = link.created_at - timedelta(seconds=1)
    db.session.commit()
    auth.login(sponsor.email)
    page = client.get(url(token))
    assert page.status_code == 410 and "This link has expired" in page.get_data(as_text=True)
    assert client.post(url(token), data=APPROVE).status_code == 410
    assert state(sign_off.id) == ("pending", "", [False])


def test_a_link_is_closed_once_the_sign_off_is_decided_in_the_app_or_the_stage_entered(
    client, auth, world, mailbox
):
    _, owner, sponsor, _ = world
    decided, entered = name(world, "finance"), name(world, "sponsor")
    decided_token, entered_token = token_in(mailbox, 0), token_in(mailbox, 1)
    governance.decide(sign_off=decided, actor=sponsor, decision="approved", comment="In the app")
    auth.login(sponsor.email)
    page = client.get(url(decided_token))
    assert page.status_code == 410 and "already decided" in page.get_data(as_text=True)
    governance.remove_sign_off(sign_off=db.session.get(SignOff, entered.id), actor=owner)
    assert client.get(url(entered_token)).status_code == 404  # a withdrawn sign-off takes its links along
    assert db.session.scalar(select(func.count()).select_from(SignOffLink)) == 1


def test_a_rejection_without_a_reason_is_refused_and_the_link_still_works(client, auth, world, mailbox):
    sign_off = name(world)
    _, _, sponsor, _ = world
    token = token_in(mailbox)
    auth.login(sponsor.email)
    silent = client.post(url(token), data={"decision-decision": "rejected"})
    assert silent.status_code == 400 and "Say why you reject it" in silent.get_data(as_text=True)
    nothing = client.post(url(token), data={})
    assert nothing.status_code == 400 and "Choose approve or reject" in nothing.get_data(as_text=True)
    assert state(sign_off.id) == ("pending", "", [False])
    reasons = {"decision-decision": "rejected", "decision-comment": "No budget line yet"}
    assert client.post(url(token), data=reasons).status_code == 302
    assert state(sign_off.id) == ("rejected", "No budget line yet", [True])
    assert audit_actions()[-1] == "sign_off.reject"


def test_the_decision_form_needs_its_csrf_token(app, client, auth, world, mailbox):
    sign_off = name(world)
    _, _, sponsor, _ = world
    token = token_in(mailbox)
    auth.login(sponsor.email)
    app.config["WTF_CSRF_ENABLED"] = True
    page = client.get(url(token)).get_data(as_text=True)
    csrf = re.search(r'name="decision-csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    assert client.post(url(token), data=APPROVE).status_code == 400
    assert state(sign_off.id) == ("pending", "", [False])
    assert client.post(url(token), data={**APPROVE, "decision-csrf_token": csrf}).status_code == 302
    assert state(sign_off.id)[0] == "approved"


def test_a_refused_address_fails_the_job_and_leaves_no_link(world, mailbox):
    _, _, sponsor, _ = world
    mailbox.refuse.add(sponsor.email)
    name(world)
    (job,) = db.session.scalars(select(Job).where(Job.kind == SIGN_OFF_MAIL_KIND))
    assert (job.status, job.succeeded, job.failed) == ("failed", 0, 1) and "refused" in job.message
    assert db.session.scalar(select(func.count()).select_from(SignOffLink)) == 0
    assert mailbox.messages == []


def test_a_deferred_message_waits_withdraws_its_link_and_is_sent_on_the_next_run(world, mailbox):
    _, _, sponsor, _ = world
    mailbox.defer[sponsor.email] = 1
    name(world)
    (job,) = db.session.scalars(select(Job).where(Job.kind == SIGN_OFF_MAIL_KIND))
    assert job.status == "waiting" and job.next_run_at is not None
    assert db.session.scalar(select(func.count()).select_from(SignOffLink)) == 0
    job.next_run_at = job.next_run_at - timedelta(minutes=2)  # the backoff (one minute) has passed
    db.session.commit()
    runner.run(job.id)
    db.session.expire_all()
    assert (db.session.get(Job, job.id).status, db.session.get(Job, job.id).succeeded) == ("done", 1)
    assert len(mailbox.messages) == 1
    assert links.find(token_in(mailbox)) is not None


def test_an_approver_who_can_no_longer_read_the_initiative_cannot_decide_from_the_link(
    client, auth, world, mailbox
):
    initiative, owner, sponsor, _ = world
    sign_off = name(world)
    token = token_in(mailbox)
    plan.remove_member(initiative=initiative, actor=owner, user_id=sponsor.id)
    auth.login(sponsor.email)
    page = client.get(url(token))
    assert page.status_code == 403 and "Service desk portal" not in page.get_data(as_text=True)
    assert client.post(url(token), data=APPROVE).status_code == 403
    assert state(sign_off.id) == ("pending", "", [False])
