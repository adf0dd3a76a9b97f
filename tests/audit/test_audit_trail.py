"""The audit trail records changes with their author and shows them to practitioners and admins only."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from sqlalchemy import func, select

from adkar.audit.models import AuditEvent
from adkar.extensions import db
from adkar.plan import services as plan
from adkar.validation import ValidationFailed


def _plan(factory):
    owner = factory.user("practitioner")
    sponsor = factory.user("sponsor")
    initiative = factory.initiative(owner, sponsors=(sponsor,))
    return owner, sponsor, initiative


def test_plan_changes_are_recorded_with_author(app, factory):
    owner, _, initiative = _plan(factory)
    plan.create_milestone(
        initiative=initiative,
        actor=owner,
        name="UAT",
        kind="uat",
        due=date(2030, 1, 1),
        target_element="desire",
    )
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.initiative_id == initiative.id)).all()
    assert [(e.action, e.user_id) for e in events] == [("milestone.create", owner.id)]
    assert events[0].detail["target_element"] == "desire"


def test_a_failed_change_records_nothing(app, factory):
    owner, _, initiative = _plan(factory)
    before = db.session.scalar(select(func.count(AuditEvent.id)))
    with pytest.raises(ValidationFailed):
        plan.create_groups(initiative=initiative, actor=owner, rows=[{"name": "", "headcount": 3}])
    assert db.session.scalar(select(func.count(AuditEvent.id))) == before


def test_owner_sees_and_exports_the_trail_sponsor_does_not(app, factory, client, auth):
    owner, sponsor, initiative = _plan(factory)
    plan.create_groups(
        initiative=initiative, actor=owner, rows=[{"name": '=HYPERLINK("x")', "headcount": 12}]
    )
    auth.login(owner.email)
    page = client.get(f"/initiatives/{initiative.id}/audit")
    assert page.status_code == 200
    assert b"group.create" in page.data and owner.email.encode() in page.data
    export = client.get(f"/initiatives/{initiative.id}/audit.csv")
    rows = list(csv.DictReader(io.StringIO(export.data.decode("utf-8-sig"))))
    assert rows[0]["action"] == "group.create"
    assert "names=" in rows[0]["detail"]
    assert all(not value.startswith(("=", "+", "-", "@")) for row in rows for value in row.values())
    auth.logout()
    auth.login(sponsor.email)
    assert client.get(f"/initiatives/{initiative.id}/audit").status_code == 403
    assert client.get("/admin/audit").status_code == 403


def test_other_practitioner_gets_404_and_admin_sees_everything(app, factory, client, auth):
    _, _, initiative = _plan(factory)
    stranger = factory.user("practitioner")
    admin = factory.user("admin")
    auth.login(stranger.email)
    assert client.get(f"/initiatives/{initiative.id}/audit").status_code == 404
    auth.logout()
    auth.login(admin.email)
    page = client.get("/admin/audit")
    assert page.status_code == 200 and b"user.create" in page.data
    assert client.get("/admin/audit.csv").status_code == 200
