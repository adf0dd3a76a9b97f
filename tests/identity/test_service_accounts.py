"""Service accounts and scoped tokens: an integration reaches only what its scopes name, and every token
ends when its user is disabled or gets a new password."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from adkar.accounts import services as accounts
from adkar.accounts.models import ApiToken, User
from adkar.extensions import db
from adkar.plan.models import InitiativeMember

from ..accounts.helpers import database_dump
from ..factories import Factory


@pytest.fixture
def world(app):
    with app.app_context():
        factory = Factory()
        owner = factory.user("practitioner", email="owner@corp.example")
        initiative = factory.initiative(owner, name="CRM rollout")
        group = factory.group(initiative, name="Sales")
        milestone = factory.milestone(initiative, groups=(group,))
        service = accounts.create_service_account(name="ServiceNow sync", role="practitioner")
        db.session.add(InitiativeMember(initiative_id=initiative.id, user_id=service.id, role="practitioner"))
        db.session.commit()
        tokens = {
            scope: accounts.create_api_token(user=service, name=scope, scopes=[scope])[1]
            for scope in ("read:readiness", "write:usage", "write:changes")
        }
        return {
            "initiative": initiative.id,
            "group": group.id,
            "milestone": milestone.id,
            "tokens": tokens,
            "owner_token": factory.token(owner),
            "service": service.id,
        }


def call(client, method, url, token, **kwargs):
    return client.open(f"/api/v1{url}", method=method, headers={"Authorization": f"Bearer {token}"}, **kwargs)


def usage_body(world):
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    return {"figures": [{"group_id": world["group"], "date": yesterday, "active_users": 4}]}


def test_each_scope_reaches_its_own_endpoints_only(app, client, world):
    i, m, tokens = world["initiative"], world["milestone"], world["tokens"]
    readiness, usage, changes = tokens["read:readiness"], tokens["write:usage"], tokens["write:changes"]
    expected = [
        ("GET", f"/milestones/{m}/gate", readiness, 200),
        ("GET", f"/initiatives/{i}/trend", readiness, 200),
        ("GET", f"/initiatives/{i}/usage", readiness, 403),
        ("GET", f"/initiatives/{i}/change-records", readiness, 403),
        ("GET", f"/initiatives/{i}", readiness, 403),
        ("GET", f"/initiatives/{i}/usage", usage, 200),
        ("GET", f"/milestones/{m}/gate", usage, 403),
        ("GET", f"/initiatives/{i}/change-records", changes, 200),
        ("GET", f"/initiatives/{i}/usage", changes, 403),
        ("GET", "/me", readiness, 200),
    ]
    for method, url, token, status in expected:
        response = call(client, method, url, token)
        assert response.status_code == status, (method, url, response.get_json())
        if status == 403:
            assert "do not allow this request" in response.get_json()["error"]["message"]


def test_a_write_scope_writes_and_the_others_change_nothing(app, client, world):
    url = f"/initiatives/{world['initiative']}/usage"
    before = database_dump(app)
    for scope in ("read:readiness", "write:changes"):
        assert call(client, "POST", url, world["tokens"][scope], json=usage_body(world)).status_code == 403
    assert database_dump(app) == before
    written = call(client, "POST", url, world["tokens"]["write:usage"], json=usage_body(world))
    assert written.status_code == 201 and written.get_json() == {"created": 1, "replaced": 0}


def test_a_personal_token_keeps_its_users_reach(client, world):
    i = world["initiative"]
    for url in (f"/initiatives/{i}", f"/initiatives/{i}/usage", f"/milestones/{world['milestone']}/gate"):
        assert call(client, "GET", url, world["owner_token"]).status_code == 200


def test_a_service_account_never_signs_in_and_its_tokens_need_scopes(app, client):
    with app.app_context():
        service = accounts.create_service_account(name="HR feed", role="sponsor")
        assert service.kind == "service" and service.email == "hr-feed@service-accounts.invalid"
        with pytest.raises(accounts.AccountError, match="at least one scope"):
            accounts.create_api_token(user=service, name="none")
        with pytest.raises(accounts.AccountError, match="Unknown scope"):
            accounts.create_api_token(user=service, name="bad", scopes=["write:everything"])
        with pytest.raises(accounts.AccountError, match="already exists"):
            accounts.create_service_account(name="HR  feed", role="sponsor")
    for password in ("!", "", Factory.PASSWORD):
        response = client.post(
            "/login", data={"email": "hr-feed@service-accounts.invalid", "password": password}
        )
        assert response.status_code == 400


def test_tokens_end_when_the_user_is_disabled_or_gets_a_new_password(app, client, world):
    with app.app_context():
        owner = db.session.scalar(select(User).where(User.email == "owner@corp.example"))
        admin_id = Factory().user("admin").id
        accounts.change_password(user=owner, current=Factory.PASSWORD, new="a brand new password")
    assert call(client, "GET", "/me", world["owner_token"]).status_code == 401

    with app.app_context():
        service = db.session.get(User, world["service"])
        accounts.set_active(user=service, active=False, actor_id=admin_id)
        accounts.set_active(user=service, active=True, actor_id=admin_id)
        assert all(t.revoked_at is not None for t in db.session.scalars(select(ApiToken)))
    for token in world["tokens"].values():
        assert call(client, "GET", "/me", token).status_code == 401  # enabled again, but its tokens ended


def test_the_cli_creates_a_service_account_with_a_scoped_token(app, runner, client):
    result = runner.invoke(args=["create-service-account", "Jira bridge", "--scope", "write:changes"])
    assert result.exit_code == 0, result.output
    token = result.output.strip().splitlines()[-1]
    me = call(client, "GET", "/me", token)
    assert me.status_code == 200 and me.get_json()["email"] == "jira-bridge@service-accounts.invalid"
    refused = runner.invoke(args=["create-service-account", "Other", "--scope", "write:all"])
    assert refused.exit_code != 0


def test_a_pipeline_s_read_readiness_token_asks_the_deployment_gate(app, client, world):
    from adkar.changes import services as changes

    with app.app_context():
        from adkar.plan.models import Milestone

        milestone = db.session.get(Milestone, world["milestone"])
        owner = db.session.get(User, milestone.initiative.owner_id)
        changes.set_change_record(
            milestone=milestone, actor=owner, number="CHG0031234", change_type="standard", state="scheduled"
        )
    readiness, usage = world["tokens"]["read:readiness"], world["tokens"]["write:usage"]
    answer = call(client, "GET", "/deployment-gate?change=CHG0031234", readiness)
    assert answer.status_code == 200 and answer.get_json()["decision"] == "pass"
    assert call(client, "GET", "/deployment-gate?change=CHG0031234", usage).status_code == 403
