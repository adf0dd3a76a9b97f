"""Every audited change, made through the real pages, lands in the trail with who, what, when and where.

Each scenario below signs in as a person and makes one change through its page (preparing what the change
needs through the services). The check then proves, for the one event the change must record:

- the row: action name, actor, target, initiative, and a time set between the start of the test and now;
- the admin sees it on /admin/audit and in /admin/audit.csv;
- for a change of an initiative: its practitioners (owner and member) and the admin see it on the
  initiative's trail and its CSV; a sponsor of the initiative is refused (403, the rule of
  adkar/audit/views.py: the trail names people and decisions); a practitioner of another initiative gets 404
  and does not find it on their own initiative's trail;
- for a change that belongs to no initiative (accounts, tokens, the action library, a deleted initiative):
  it is on the admin trail only; practitioners and sponsors get 403 on /admin/audit and do not find it on an
  initiative's trail.
"""

from __future__ import annotations

import csv
import html
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from adkar.accounts import services as accounts
from adkar.accounts.models import ApiToken, User
from adkar.actions import library
from adkar.actions import services as actions
from adkar.actions.models import Action, LibraryEntry, ResistanceEntry
from adkar.adoption import services as adoption
from adkar.adoption.models import UsageFigure
from adkar.audit.models import AuditEvent
from adkar.changes import services as change_records
from adkar.extensions import db
from adkar.jobs.models import Job
from adkar.plan import services as plan
from adkar.plan.models import Initiative, Milestone, StakeholderGroup
from adkar.surveys.invitations import sending
from adkar.surveys.invitations import services as invitations
from adkar.surveys.models import Wave
from adkar.surveys.waves import services as waves
from adkar.timeutil import today, utc_now
from tests.actions.support import action_form, resistance_form
from tests.factories import Factory
from tests.surveys.mailbox import smtp_server

NEW_PASSWORD = "a-brand-new-passphrase"


@dataclass
class Cast:
    admin: User
    owner: User  # practitioner, owns the initiative
    member: User  # practitioner member: may change the plan
    sponsor: User  # reads the dashboard only
    stranger: User  # practitioner of another initiative
    spare: User  # an account for the admin to change
    initiative: Initiative
    other: Initiative  # the stranger's
    desk: StakeholderGroup
    field: StakeholderGroup
    milestone: Milestone


@dataclass
class Expected:
    action: str
    actor: User
    target_type: str
    target_id: object = None
    initiative_id: int | None = None
    detail: dict = field(default_factory=dict)

    @property
    def target(self) -> str:
        """The "What" column of the page and the export."""
        return f"{self.target_type} {self.target_id}" if self.target_id is not None else self.target_type


@pytest.fixture
def mailbox():
    with smtp_server() as box:
        yield box


@pytest.fixture
def app_config(app_config, request):
    """A real SMTP server for the tests that send invitations and reminders (those asking for `mailbox`)."""
    if "mailbox" not in request.fixturenames:
        return app_config
    box = request.getfixturevalue("mailbox")
    return {**app_config, "SMTP_HOST": box.host, "SMTP_PORT": box.port, "SMTP_TIMEOUT": 5}


@pytest.fixture
def cast(factory) -> Cast:
    owner, member = factory.user("practitioner"), factory.user("practitioner")
    sponsor, stranger = factory.user("sponsor"), factory.user("practitioner")
    admin, spare = factory.user("admin"), factory.user("practitioner")
    initiative = factory.initiative(
        owner, go_live=today() + timedelta(days=60), members=(member,), sponsors=(sponsor,)
    )
    desk = factory.group(initiative, name="Service desk", headcount=20)
    field_engineers = factory.group(initiative, name="Field engineers", headcount=10)
    milestone = factory.milestone(initiative, name="Go-live", kind="go-live")
    other = factory.initiative(stranger, name="Another rollout")
    return Cast(
        admin, owner, member, sponsor, stranger, spare, initiative, other, desk, field_engineers, milestone
    )


# --- signing in and reading the trail ------------------------------------------------------------------------

ROW = re.compile(
    r'<tr><td><time datetime="([^"]+)">[^<]*</time></td><td>([^<]*)</td><td><code>([^<]*)</code></td>'
    r"<td>([^<]*)</td><td>[^<]*</td></tr>"
)


def login(client, user: User, password: str = Factory.PASSWORD) -> None:
    client.post("/logout")
    response = client.post("/login", data={"email": user.email, "password": password})
    assert response.status_code == 302, f"{user.email} could not sign in"


def page_rows(response) -> set[tuple[str, str, str, str]]:
    """(at, who, action, target) of every row of an audit page."""
    assert response.status_code == 200
    return {tuple(html.unescape(v) for v in m) for m in ROW.findall(response.get_data(as_text=True))}


def csv_rows(response) -> set[tuple[str, str, str, str]]:
    assert response.status_code == 200 and response.mimetype == "text/csv"
    reader = csv.DictReader(io.StringIO(response.data.decode("utf-8-sig")))
    return {(r["at"], r["who"], r["action"], r["target"]) for r in reader}


def recorded(expected: Expected, started) -> AuditEvent:
    """The one event of this action by this actor, checked field by field."""
    db.session.rollback()
    events = db.session.scalars(
        select(AuditEvent).where(
            AuditEvent.action == expected.action, AuditEvent.user_id == expected.actor.id
        )
    ).all()
    assert len(events) == 1, f"{expected.action} by {expected.actor.email}: {len(events)} events"
    event = events[0]
    assert event.target_type == expected.target_type
    assert event.target_id == (None if expected.target_id is None else str(expected.target_id))
    assert event.initiative_id == expected.initiative_id
    assert event.at is not None and started <= event.at <= utc_now()
    assert {k: event.detail.get(k) for k in expected.detail} == expected.detail
    return event


def check_trail(client, cast: Cast, expected: Expected, started) -> None:
    event = recorded(expected, started)
    row = (
        event.at.isoformat(timespec="seconds") + "Z",
        expected.actor.email,
        expected.action,
        expected.target,
    )
    login(client, cast.admin)
    assert row in page_rows(client.get("/admin/audit"))
    assert row in csv_rows(client.get("/admin/audit.csv"))
    if expected.initiative_id is not None:
        trail = f"/initiatives/{expected.initiative_id}/audit"
        assert row in page_rows(client.get(trail))
        for practitioner in (cast.owner, cast.member):
            login(client, practitioner)
            assert row in page_rows(client.get(trail)), practitioner.email
            assert row in csv_rows(client.get(f"{trail}.csv")), practitioner.email
            assert client.get("/admin/audit").status_code == 403
        login(client, cast.sponsor)
        assert client.get(trail).status_code == 403
        assert client.get(f"{trail}.csv").status_code == 403
        login(client, cast.stranger)
        assert client.get(trail).status_code == 404
        assert client.get(f"{trail}.csv").status_code == 404
        assert row not in page_rows(client.get(f"/initiatives/{cast.other.id}/audit"))
    else:
        for practitioner in (cast.owner, cast.member, cast.stranger):
            login(client, practitioner)
            assert client.get("/admin/audit").status_code == 403
            assert client.get("/admin/audit.csv").status_code == 403
            mine = cast.other if practitioner is cast.stranger else cast.initiative
            assert row not in page_rows(client.get(f"/initiatives/{mine.id}/audit"))
            assert row not in csv_rows(client.get(f"/initiatives/{mine.id}/audit.csv"))
        login(client, cast.sponsor)
        assert client.get("/admin/audit").status_code == 403


def latest(model):
    db.session.rollback()
    return db.session.scalars(select(model).order_by(model.id.desc())).first()


def open_wave(cast: Cast) -> Wave:
    return waves.create_wave(
        initiative=cast.initiative,
        actor=cast.owner,
        name="Pre go-live pulse",
        survey_key="adkar-pulse",
        opens_on=today() - timedelta(days=1),
        closes_on=today() + timedelta(days=14),
        group_ids=[cast.desk.id, cast.field.id],
    )


def upload(client, url: str, content: str, name: str):
    return client.post(
        url, data={"file": (io.BytesIO(content.encode()), name)}, content_type="multipart/form-data"
    )


# --- accounts and tokens (no initiative: the admin trail) ----------------------------------------------------


def user_create(client, cast: Cast) -> Expected:
    login(client, cast.admin)
    data = {
        "email": "new.person@example.test",
        "name": "New Person",
        "role": "sponsor",
        "password": NEW_PASSWORD,
    }
    assert client.post("/admin/users", data=data).status_code == 302
    created = db.session.scalar(select(User).where(User.email == "new.person@example.test"))
    return Expected("user.create", cast.admin, "user", created.id, detail={"role": "sponsor"})


def user_disable(client, cast: Cast) -> Expected:
    login(client, cast.admin)
    assert client.post(f"/admin/users/{cast.spare.id}/active").status_code == 302
    db.session.expire_all()
    assert cast.spare.active is False
    return Expected("user.disable", cast.admin, "user", cast.spare.id)


def user_enable(client, cast: Cast) -> Expected:
    accounts.set_active(user=cast.spare, active=False, actor_id=cast.admin.id)
    login(client, cast.admin)
    assert client.post(f"/admin/users/{cast.spare.id}/active").status_code == 302
    db.session.expire_all()
    assert cast.spare.active is True
    return Expected("user.enable", cast.admin, "user", cast.spare.id)


def user_role(client, cast: Cast) -> Expected:
    login(client, cast.admin)
    assert client.post(f"/admin/users/{cast.spare.id}/role", data={"role": "sponsor"}).status_code == 302
    db.session.expire_all()
    assert cast.spare.role == "sponsor"
    return Expected("user.role", cast.admin, "user", cast.spare.id, detail={"role": "sponsor"})


def user_password_reset(client, cast: Cast) -> Expected:
    login(client, cast.admin)
    assert (
        client.post(f"/admin/users/{cast.spare.id}/password", data={"new": NEW_PASSWORD}).status_code == 302
    )
    assert accounts.authenticate(email=cast.spare.email, password=NEW_PASSWORD) is not None
    return Expected("user.password_reset", cast.admin, "user", cast.spare.id)


def user_password(client, cast: Cast) -> Expected:
    login(client, cast.spare)
    data = {"current": Factory.PASSWORD, "new": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    assert client.post("/account/password", data=data).status_code == 302
    assert accounts.authenticate(email=cast.spare.email, password=NEW_PASSWORD) is not None
    return Expected("user.password", cast.spare, "user", cast.spare.id)


def token_create(client, cast: Cast) -> Expected:
    login(client, cast.owner)
    assert client.post("/account/tokens", data={"name": "HR sync"}).status_code == 201
    token = latest(ApiToken)
    assert (token.user_id, token.name) == (cast.owner.id, "HR sync")
    return Expected("token.create", cast.owner, "api_token", token.id)


def token_revoke(client, cast: Cast) -> Expected:
    token, _ = accounts.create_api_token(user=cast.owner, name="old sync")
    token_id = token.id
    login(client, cast.owner)
    assert client.post(f"/account/tokens/{token_id}/revoke").status_code == 302
    assert db.session.get(ApiToken, token_id).revoked_at is not None
    return Expected("token.revoke", cast.owner, "api_token", token_id)


# --- the initiative, its people, groups and milestones --------------------------------------------------------


def initiative_update(client, cast: Cast) -> Expected:
    login(client, cast.member)
    data = {"name": "Renamed", "description": "d", "approach": "hybrid", "go_live": "2030-01-15"}
    assert client.post(f"/initiatives/{cast.initiative.id}/edit", data=data).status_code == 302
    return Expected("initiative.update", cast.member, "initiative", cast.initiative.id, cast.initiative.id)


def initiative_delete(client, cast: Cast) -> Expected:
    """The event names the deleted initiative but belongs to none: admins read it beside the initiative's own
    events, which outlive it too."""
    doomed = plan.create_initiative(
        owner=cast.owner, name="Doomed pilot", approach="iterative", go_live=date(2030, 1, 1)
    )
    doomed_id = doomed.id
    login(client, cast.owner)
    assert (
        client.post(f"/initiatives/{doomed_id}/delete", data={"confirm_name": "Doomed pilot"}).status_code
        == 302
    )
    assert db.session.get(Initiative, doomed_id) is None
    return Expected("initiative.delete", cast.owner, "initiative", doomed_id, None, {"name": "Doomed pilot"})


def member_add(client, cast: Cast) -> Expected:
    login(client, cast.owner)
    url = f"/initiatives/{cast.initiative.id}/members"
    assert client.post(url, data={"email": cast.spare.email, "role": "sponsor"}).status_code == 302
    return Expected("member.add", cast.owner, "user", cast.spare.id, cast.initiative.id, {"role": "sponsor"})


def member_remove(client, cast: Cast) -> Expected:
    plan.add_member(initiative=cast.initiative, actor=cast.owner, email=cast.spare.email, role="sponsor")
    login(client, cast.owner)
    assert client.post(f"/initiatives/{cast.initiative.id}/members/{cast.spare.id}/delete").status_code == 302
    return Expected("member.remove", cast.owner, "user", cast.spare.id, cast.initiative.id)


def group_update(client, cast: Cast) -> Expected:
    login(client, cast.member)
    data = {"name": "Service desk agents", "headcount": "25"}
    assert client.post(f"/groups/{cast.desk.id}/edit", data=data).status_code == 302
    return Expected("group.update", cast.member, "group", cast.desk.id, cast.initiative.id)


def group_delete(client, cast: Cast) -> Expected:
    group = plan.create_group(initiative=cast.initiative, actor=cast.owner, name="Contractors", headcount=4)
    group_id = group.id
    login(client, cast.member)
    assert client.post(f"/groups/{group_id}/delete").status_code == 302
    return Expected(
        "group.delete", cast.member, "group", group_id, cast.initiative.id, {"name": "Contractors"}
    )


def milestone_update(client, cast: Cast) -> Expected:
    login(client, cast.member)
    data = {
        "name": "Go-live",
        "kind": "go-live",
        "due": "2030-02-01",
        "target_element": "knowledge",
        "threshold": "75",
        "group_ids": [str(cast.desk.id)],
    }
    assert client.post(f"/milestones/{cast.milestone.id}/edit", data=data).status_code == 302
    detail = {"due": "2030-02-01", "target_element": "knowledge", "threshold": 0.75}
    return Expected(
        "milestone.update", cast.member, "milestone", cast.milestone.id, cast.initiative.id, detail
    )


def milestone_delete(client, cast: Cast) -> Expected:
    uat = plan.create_milestone(
        initiative=cast.initiative,
        actor=cast.owner,
        name="UAT",
        kind="uat",
        due=date(2030, 1, 1),
        target_element="desire",
    )
    uat_id = uat.id
    login(client, cast.owner)
    assert client.post(f"/milestones/{uat_id}/delete").status_code == 302
    assert db.session.get(Milestone, uat_id) is None
    return Expected("milestone.delete", cast.owner, "milestone", uat_id, cast.initiative.id, {"name": "UAT"})


# --- waves and survey links ------------------------------------------------------------------------------------


def wave_form(cast: Cast, **changes) -> dict:
    data = {
        "name": "Renamed pulse",
        "survey": "adkar-pulse",
        "opens_on": (today() - timedelta(days=1)).isoformat(),
        "closes_on": (today() + timedelta(days=10)).isoformat(),
        "groups": [str(cast.desk.id)],
        "milestone": str(cast.milestone.id),
        "purpose": "Knowledge after training",
    }
    return data | changes


def wave_update(client, cast: Cast) -> Expected:
    wave = open_wave(cast)
    login(client, cast.member)
    assert client.post(f"/waves/{wave.id}/edit", data=wave_form(cast)).status_code == 302
    detail = {"groups": [cast.desk.id], "removed": [cast.field.id]}
    return Expected("wave.update", cast.member, "wave", wave.id, cast.initiative.id, detail)


def wave_close(client, cast: Cast) -> Expected:
    wave = open_wave(cast)
    login(client, cast.owner)
    assert client.post(f"/waves/{wave.id}/close").status_code == 302
    return Expected("wave.close", cast.owner, "wave", wave.id, cast.initiative.id)


def wave_delete(client, cast: Cast) -> Expected:
    wave = open_wave(cast)
    wave_id = wave.id
    login(client, cast.owner)
    assert client.post(f"/waves/{wave_id}/delete").status_code == 302
    assert db.session.get(Wave, wave_id) is None
    return Expected(
        "wave.delete", cast.owner, "wave", wave_id, cast.initiative.id, {"name": "Pre go-live pulse"}
    )


def personal_links(client, cast: Cast) -> Expected:
    wave = open_wave(cast)
    login(client, cast.member)
    data = {"links-group": cast.desk.id, "links-count": 3}
    assert client.post(f"/waves/{wave.id}/links", data=data).status_code == 200
    detail = {"group_id": cast.desk.id, "count": 3}
    return Expected("invitation.links", cast.member, "wave", wave.id, cast.initiative.id, detail)


def open_link_create(client, cast: Cast) -> Expected:
    wave = open_wave(cast)
    login(client, cast.owner)
    assert client.post(f"/waves/{wave.id}/open-link", data={"open-group": cast.field.id}).status_code == 200
    detail = {"group_id": cast.field.id}
    return Expected("invitation.open_link.create", cast.owner, "wave", wave.id, cast.initiative.id, detail)


def open_link_rotate(client, cast: Cast) -> Expected:
    wave = open_wave(cast)
    invitations.open_link(wave=wave, group_id=cast.field.id, actor=cast.owner)
    login(client, cast.member)
    assert client.post(f"/waves/{wave.id}/open-link", data={"open-group": cast.field.id}).status_code == 200
    detail = {"group_id": cast.field.id}
    return Expected("invitation.open_link.rotate", cast.member, "wave", wave.id, cast.initiative.id, detail)


def open_link_disable(client, cast: Cast) -> Expected:
    wave = open_wave(cast)
    invitations.open_link(wave=wave, group_id=cast.field.id, actor=cast.owner)
    login(client, cast.member)
    assert client.post(f"/waves/{wave.id}/open-link/{cast.field.id}/disable").status_code == 302
    detail = {"group_id": cast.field.id}
    return Expected("invitation.open_link.disable", cast.member, "wave", wave.id, cast.initiative.id, detail)


def email_invitations(client, cast: Cast) -> Expected:
    wave = open_wave(cast)
    login(client, cast.owner)
    data = {"email-group": cast.desk.id, "email-emails": "ana@example.com\nbob@example.com"}
    assert client.post(f"/waves/{wave.id}/emails", data=data).status_code == 302
    detail = {"group_id": cast.desk.id, "queued": 2, "job_id": latest(Job).id}
    return Expected("invitation.email", cast.owner, "wave", wave.id, cast.initiative.id, detail)


def reminders(client, cast: Cast) -> Expected:
    wave = open_wave(cast)
    sending.queue_invitations(
        wave=wave,
        group_id=cast.field.id,
        recipients=[sending.Recipient("cy@example.com"), sending.Recipient("di@example.com")],
        actor=cast.owner,
    )
    login(client, cast.member)
    assert client.post(f"/waves/{wave.id}/reminders", data={"remind-group": 0}).status_code == 302
    detail = {"group_id": None, "queued": 2, "job_id": latest(Job).id}
    return Expected("invitation.remind", cast.member, "wave", wave.id, cast.initiative.id, detail)


# --- action plans and the resistance log ---------------------------------------------------------------------


def new_action(cast: Cast) -> Action:
    return actions.create_action(
        group=cast.desk,
        actor=cast.owner,
        element="desire",
        what="Team leads hold one-to-ones on what changes",
        owner="Ana Costa",
        starts_on=today(),
        due_on=today() + timedelta(days=14),
    )


def action_create(client, cast: Cast) -> Expected:
    login(client, cast.member)
    assert client.post(f"/groups/{cast.desk.id}/actions/new", data=action_form()).status_code == 302
    action = latest(Action)
    detail = {"group": "Service desk", "element": "desire", "status": "planned"}
    return Expected("action.create", cast.member, "action", action.id, cast.initiative.id, detail)


def action_update(client, cast: Cast) -> Expected:
    action = new_action(cast)
    login(client, cast.member)
    assert (
        client.post(f"/actions/{action.id}/edit", data=action_form(status="in_progress")).status_code == 302
    )
    detail = {"status": "in_progress", "status_was": "planned"}
    return Expected("action.update", cast.member, "action", action.id, cast.initiative.id, detail)


def action_delete(client, cast: Cast) -> Expected:
    action = new_action(cast)
    action_id = action.id
    login(client, cast.owner)
    assert client.post(f"/actions/{action_id}/delete").status_code == 302
    detail = {"what": "Team leads hold one-to-ones on what changes"}
    return Expected("action.delete", cast.owner, "action", action_id, cast.initiative.id, detail)


def new_resistance(cast: Cast) -> ResistanceEntry:
    return actions.create_resistance(
        group=cast.field,
        actor=cast.owner,
        what="Logging calls in the new tool",
        reason="fear_of_unknown",
        people=6,
        logged_on=today(),
    )


def resistance_create(client, cast: Cast) -> Expected:
    login(client, cast.member)
    assert client.post(f"/groups/{cast.field.id}/resistance/new", data=resistance_form()).status_code == 302
    entry = latest(ResistanceEntry)
    detail = {"group": "Field engineers", "reason": "fear_of_unknown", "people": 6, "status": "open"}
    return Expected("resistance.create", cast.member, "resistance", entry.id, cast.initiative.id, detail)


def resistance_update(client, cast: Cast) -> Expected:
    entry = new_resistance(cast)
    login(client, cast.owner)
    data = resistance_form(status="addressed", people="10")
    assert client.post(f"/resistance/{entry.id}/edit", data=data).status_code == 302
    detail = {"status": "addressed", "people": 10}
    return Expected("resistance.update", cast.owner, "resistance", entry.id, cast.initiative.id, detail)


def resistance_delete(client, cast: Cast) -> Expected:
    entry = new_resistance(cast)
    entry_id = entry.id
    login(client, cast.member)
    assert client.post(f"/resistance/{entry_id}/delete").status_code == 302
    detail = {"what": "Logging calls in the new tool"}
    return Expected("resistance.delete", cast.member, "resistance", entry_id, cast.initiative.id, detail)


# --- the action library (shared by every initiative: the admin trail) ----------------------------------------


def library_create(client, cast: Cast) -> Expected:
    login(client, cast.owner)
    data = {"element": "desire", "title": "Lunch and learn", "description": "Bring your questions."}
    assert client.post("/action-library/new", data=data).status_code == 302
    entry = latest(LibraryEntry)
    detail = {"element": "desire", "title": "Lunch and learn"}
    return Expected("library.create", cast.owner, "library_entry", entry.id, detail=detail)


def library_update(client, cast: Cast) -> Expected:
    entry = library.create_entry(actor=cast.owner, element="desire", title="Lunch and learn")
    login(client, cast.member)
    data = {"element": "knowledge", "title": "Lunch and learn", "description": ""}
    assert client.post(f"/action-library/{entry.id}/edit", data=data).status_code == 302
    detail = {"element": "knowledge", "title": "Lunch and learn"}
    return Expected("library.update", cast.member, "library_entry", entry.id, detail=detail)


def library_delete(client, cast: Cast) -> Expected:
    entry = library.create_entry(actor=cast.owner, element="desire", title="Lunch and learn")
    entry_id = entry.id
    login(client, cast.admin)
    assert client.post(f"/action-library/{entry_id}/delete").status_code == 302
    detail = {"element": "desire", "title": "Lunch and learn"}
    return Expected("library.delete", cast.admin, "library_entry", entry_id, detail=detail)


# --- usage figures and the target utilisation ---------------------------------------------------------------


def usage_import(client, cast: Cast) -> Expected:
    login(client, cast.member)
    day = today() - timedelta(days=2)
    content = f"group,date,active_users\nService desk,{day},12\nField engineers,{day},7\n"
    url = f"/initiatives/{cast.initiative.id}/adoption/import"
    assert upload(client, url, content, "usage.csv").status_code == 302
    detail = {"source": "csv", "created": 2, "replaced": 0, "rows": 2}
    return Expected("usage.import", cast.member, "initiative", cast.initiative.id, cast.initiative.id, detail)


def usage_target(client, cast: Cast) -> Expected:
    login(client, cast.owner)
    url = f"/initiatives/{cast.initiative.id}/adoption/target"
    assert client.post(url, data={"target": "75"}).status_code == 302
    detail = {"target_utilisation": 0.75, "was": 0.8}
    return Expected("usage.target", cast.owner, "initiative", cast.initiative.id, cast.initiative.id, detail)


def usage_delete(client, cast: Cast) -> Expected:
    day = today() - timedelta(days=2)
    adoption.import_figures(
        initiative=cast.initiative,
        actor=cast.owner,
        rows=[{"group_id": cast.desk.id, "day": day, "active_users": 12}],
        source="test",
    )
    figure_id = latest(UsageFigure).id
    login(client, cast.member)
    assert client.post(f"/initiatives/{cast.initiative.id}/usage/{figure_id}/delete").status_code == 302
    detail = {"group": "Service desk", "date": day.isoformat(), "active_users": 12}
    return Expected("usage.delete", cast.member, "usage_figure", figure_id, cast.initiative.id, detail)


# --- IT change records of milestones -------------------------------------------------------------------------


def change_record_set(client, cast: Cast) -> Expected:
    login(client, cast.member)
    data = {"number": "CHG77", "change_type": "normal", "state": "scheduled", "url": ""}
    assert client.post(f"/milestones/{cast.milestone.id}/change-record/edit", data=data).status_code == 302
    detail = {"number": "CHG77", "type": "normal", "state": "scheduled"}
    return Expected(
        "change_record.set", cast.member, "milestone", cast.milestone.id, cast.initiative.id, detail
    )


def change_record_delete(client, cast: Cast) -> Expected:
    change_records.set_change_record(
        milestone=cast.milestone, actor=cast.owner, number="CHG78", change_type="standard", state="new"
    )
    login(client, cast.owner)
    assert client.post(f"/milestones/{cast.milestone.id}/change-record/delete").status_code == 302
    detail = {"number": "CHG78"}
    return Expected(
        "change_record.delete", cast.owner, "milestone", cast.milestone.id, cast.initiative.id, detail
    )


def change_record_import(client, cast: Cast) -> Expected:
    login(client, cast.member)
    content = f"milestone,number,type,state,url\n{cast.milestone.id},CHG79,normal,authorize,\n"
    url = f"/initiatives/{cast.initiative.id}/change-records/import"
    assert upload(client, url, content, "changes.csv").status_code == 302
    detail = {"source": "csv", "created": 1, "updated": 0}
    return Expected(
        "change_record.import", cast.member, "initiative", cast.initiative.id, cast.initiative.id, detail
    )


SCENARIOS: list[Callable] = [
    user_create,
    user_disable,
    user_enable,
    user_role,
    user_password_reset,
    user_password,
    token_create,
    token_revoke,
    initiative_update,
    initiative_delete,
    member_add,
    member_remove,
    group_update,
    group_delete,
    milestone_update,
    milestone_delete,
    wave_update,
    wave_close,
    wave_delete,
    personal_links,
    open_link_create,
    open_link_rotate,
    open_link_disable,
    action_create,
    action_update,
    action_delete,
    resistance_create,
    resistance_update,
    resistance_delete,
    library_create,
    library_update,
    library_delete,
    usage_import,
    usage_target,
    usage_delete,
    change_record_set,
    change_record_delete,
    change_record_import,
]
MAIL_SCENARIOS: list[Callable] = [email_invitations, reminders]


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.__name__)
def test_the_change_is_recorded_and_shown_to_whom_it_should(client, cast, scenario):
    started = utc_now()
    expected = scenario(client, cast)
    check_trail(client, cast, expected, started)


@pytest.mark.parametrize("scenario", MAIL_SCENARIOS, ids=lambda s: s.__name__)
def test_emailed_invitations_and_reminders_are_recorded_and_shown(client, cast, mailbox, scenario):
    started = utc_now()
    expected = scenario(client, cast)
    assert mailbox.messages  # the mail really left
    check_trail(client, cast, expected, started)


def test_deleting_an_initiative_keeps_its_trail_for_admins(client, cast):
    """Who changed what outlives the initiative: its events stay, with its id, readable by admins only."""
    doomed = plan.create_initiative(
        owner=cast.owner, name="Doomed pilot", approach="iterative", go_live=date(2030, 1, 1)
    )
    doomed_id = doomed.id
    plan.create_group(initiative=doomed, actor=cast.owner, name="Pilot users", headcount=5)
    login(client, cast.owner)
    assert {r[2] for r in page_rows(client.get(f"/initiatives/{doomed_id}/audit"))} == {
        "initiative.create",
        "group.create",
    }
    assert (
        client.post(f"/initiatives/{doomed_id}/delete", data={"confirm_name": "Doomed pilot"}).status_code
        == 302
    )
    assert client.get(f"/initiatives/{doomed_id}/audit").status_code == 404
    db.session.rollback()
    kept = db.session.scalars(select(AuditEvent.action).where(AuditEvent.initiative_id == doomed_id)).all()
    assert sorted(kept) == ["group.create", "initiative.create"]  # the deletion itself belongs to none
    assert client.get("/admin/audit.csv").status_code == 403
    login(client, cast.admin)
    rows = {(r[2], r[3]) for r in csv_rows(client.get("/admin/audit.csv"))}
    assert {
        ("initiative.delete", f"initiative {doomed_id}"),
        ("initiative.create", f"initiative {doomed_id}"),
    } <= rows


def test_a_practitioner_who_sponsors_an_initiative_does_not_read_its_trail(client, cast, factory):
    """The rule is the role in this initiative: a sponsor here, however they are known elsewhere."""
    sponsoring = factory.user("practitioner")
    plan.add_member(initiative=cast.initiative, actor=cast.owner, email=sponsoring.email, role="sponsor")
    login(client, sponsoring)
    assert client.get(f"/initiatives/{cast.initiative.id}/dashboard").status_code == 200  # a reader here
    assert client.get(f"/initiatives/{cast.initiative.id}/audit").status_code == 403
    assert client.get(f"/initiatives/{cast.initiative.id}/audit.csv").status_code == 403


def test_a_refused_change_records_nothing(client, cast):
    """Changes that fail their rules, or that a sponsor may not make, leave no trail."""
    before = db.session.scalar(select(db.func.count(AuditEvent.id)))
    login(client, cast.sponsor)
    assert (
        client.post(f"/initiatives/{cast.initiative.id}/edit", data={"name": "Hijacked"}).status_code == 403
    )
    assert client.post(f"/groups/{cast.desk.id}/actions/new", data=action_form()).status_code == 403
    login(client, cast.admin)
    assert client.post(f"/admin/users/{cast.admin.id}/active").status_code == 302  # not yourself
    assert client.post(f"/admin/users/{cast.spare.id}/role", data={"role": "practitioner"}).status_code == 302
    login(client, cast.owner)
    bad_milestone = {
        "name": "",
        "kind": "uat",
        "due": "2030-01-01",
        "target_element": "desire",
        "threshold": "80",
    }
    assert client.post(f"/milestones/{cast.milestone.id}/edit", data=bad_milestone).status_code == 400
    assert client.post(f"/account/tokens/{10**6}/revoke").status_code == 404
    db.session.rollback()
    assert db.session.scalar(select(db.func.count(AuditEvent.id))) == before
