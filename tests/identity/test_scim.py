"""SCIM 2.0 provisioning: scim2-tester's compliance checks against the app, then the rules that matter here
(deactivation ends sessions and tokens, roles follow groups, bad bodies change nothing)."""

from __future__ import annotations

import pytest
from scim2_client.engines.wsgi import WSGISCIMClient
from scim2_models import EnterpriseUser, Group, ResourceType, ScimProvider, User
from scim2_tester import Status, check_server
from sqlalchemy import select

from adkar.accounts import scim
from adkar.accounts import services as accounts
from adkar.accounts.models import ApiToken
from adkar.accounts.models import User as Account
from adkar.extensions import db

from ..accounts.helpers import database_dump, is_signed_in, signed_in
from ..factories import Factory

BASE = "http://adkar.test/scim/v2"
SCIM_JSON = "application/scim+json"
ROLE_GROUPS = "admin=adkar-admins,practitioner=adkar-practitioners,sponsor=adkar-sponsors"


@pytest.fixture
def app_config(app_config):
    return {**app_config, "OIDC_ROLE_GROUPS": ROLE_GROUPS}


@pytest.fixture
def token(app) -> str:
    with app.app_context():
        return scim.create_token(name="Entra ID")[1]


@pytest.fixture
def headers(token) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", "Content-Type": SCIM_JSON}


def new_user(client, headers, user_name="ana@corp.example", **extra):
    body = {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": user_name, **extra}
    return client.post("/scim/v2/Users", json=body, headers=headers)


def patch(client, headers, path, *operations):
    body = {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": list(operations)}
    return client.patch(path, json=body, headers=headers)


# Where this service answers differently from what scim2-tester expects, on purpose:
KNOWN_DEVIATIONS = {
    # active is an account's yes/no here: removing it leaves the account as it was.
    "check_remove_attribute": "did not remove attribute 'active'",
    # A member's display is the member's own userName, not a label the directory gives them in one group.
    "check_add_attribute": "unexpected value for 'members'",
    "check_replace_attribute": "unexpected value for 'members'",
}


def test_scim2_tester_finds_the_server_compliant(app, token):
    client = WSGISCIMClient(
        app,
        base_url=BASE,
        headers={"Authorization": f"Bearer {token}"},
        provider=ScimProvider(
            models=[User, EnterpriseUser, Group],
            resource_types=[
                ResourceType.from_resource(User[EnterpriseUser]),
                ResourceType.from_resource(Group),
            ],
        ),
    )
    results = check_server(client)
    failures = [
        f"{r.title}: {r.reason}"
        for r in results
        if r.status in (Status.ERROR, Status.CRITICAL)
        and KNOWN_DEVIATIONS.get(r.title, "\0") not in (r.reason or "")
    ]
    assert not failures, "\n".join(failures)
    assert sum(r.status == Status.SUCCESS for r in results) >= 20


def test_without_a_valid_token_nothing_is_served_or_changed(app, client, token):
    before = database_dump(app)
    for auth in (None, "Bearer scim_made-up", "Basic abc", f"Bearer {token}x"):
        headers = {"Authorization": auth} if auth else {}
        response = new_user(client, headers)
        assert response.status_code == 401
        assert response.mimetype == SCIM_JSON
        assert response.json["schemas"] == ["urn:ietf:params:scim:api:messages:2.0:Error"]
        assert response.json["status"] == "401"
        assert client.get("/scim/v2/Users", headers=headers).status_code == 401
    assert database_dump(app) == before


def test_create_filter_and_paginate_users(client, headers):
    for i in range(5):
        assert (
            new_user(client, headers, f"person{i}@corp.example", displayName=f"Person {i}").status_code == 201
        )
    response = client.get('/scim/v2/Users?filter=userName eq "PERSON3@corp.example"', headers=headers)
    assert response.status_code == 200 and response.mimetype == SCIM_JSON
    assert response.json["totalResults"] == 1
    assert response.json["Resources"][0]["displayName"] == "Person 3"

    page = client.get("/scim/v2/Users?startIndex=2&count=2", headers=headers).json
    assert page["totalResults"] == 5 and page["startIndex"] == 2 and page["itemsPerPage"] == 2
    assert [r["userName"] for r in page["Resources"]] == ["person1@corp.example", "person2@corp.example"]


def test_a_bad_filter_or_body_is_refused_with_a_scim_error(app, client, headers):
    before = database_dump(app)
    bad_filter = client.get('/scim/v2/Users?filter=userName eq "unclosed', headers=headers)
    assert bad_filter.status_code == 400 and bad_filter.json["scimType"] == "invalidFilter"
    bad_bodies = (
        {"userName": ""},
        {"displayName": "no user name"},
        {"userName": "x@corp.example", "active": "perhaps"},
        {"userName": "x@corp.example", "emails": [{"value": "not an address"}]},
    )
    for body in bad_bodies:
        response = client.post(
            "/scim/v2/Users",
            json={"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], **body},
            headers=headers,
        )
        assert response.status_code == 400, body
        assert response.mimetype == SCIM_JSON and response.json["detail"]
    not_json = client.post("/scim/v2/Users", data="{", headers=headers)
    assert not_json.status_code == 400
    assert database_dump(app) == before


def test_a_duplicate_user_name_is_a_conflict(app, client, headers):
    assert new_user(client, headers).status_code == 201
    before = database_dump(app)
    response = new_user(client, headers, "ANA@corp.example")
    assert response.status_code == 409 and response.json["scimType"] == "uniqueness"
    assert database_dump(app) == before


def test_deactivating_ends_every_session_and_token_at_once(app, client, headers):
    user_id = new_user(client, headers).json["id"]
    with app.app_context():
        account = db.session.get(Account, int(user_id))
        account.password_hash = accounts.generate_password_hash(Factory.PASSWORD)
        db.session.commit()
        plain = [accounts.create_api_token(user=account, name=f"t{i}")[1] for i in range(2)]
    browser = signed_in(app, "ana@corp.example")
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {plain[0]}"}).status_code == 200

    response = patch(
        client, headers, f"/scim/v2/Users/{user_id}", {"op": "replace", "path": "active", "value": False}
    )

    assert response.status_code == 200 and response.json["active"] is False
    assert not is_signed_in(browser)
    for one in plain:
        assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {one}"}).status_code == 401
    with app.app_context():
        assert all(t.revoked_at is not None for t in db.session.scalars(select(ApiToken)))


def test_patch_replaces_and_removes_attributes(client, headers):
    user_id = new_user(client, headers, displayName="Ana", externalId="e-1").json["id"]
    path = f"/scim/v2/Users/{user_id}"
    response = patch(
        client,
        headers,
        path,
        {"op": "replace", "path": "displayName", "value": "Ana Lima"},
        {"op": "remove", "path": "externalId"},
    )
    assert response.status_code == 200
    again = client.get(path, headers=headers).json
    assert again["displayName"] == "Ana Lima" and "externalId" not in again


def test_groups_give_roles_and_leaving_them_takes_the_role_away(app, client, headers):
    ana = new_user(client, headers).json["id"]
    with app.app_context():
        assert db.session.get(Account, int(ana)).role == "sponsor"  # in no group yet: the read-only default
    body = {
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
        "displayName": "adkar-practitioners",
        "members": [{"value": ana}],
    }
    group = client.post("/scim/v2/Groups", json=body, headers=headers)
    assert group.status_code == 201
    with app.app_context():
        assert db.session.get(Account, int(ana)).role == "practitioner"
    found = client.get('/scim/v2/Groups?filter=displayName eq "adkar-practitioners"', headers=headers).json
    assert found["Resources"][0]["members"][0]["value"] == ana

    removed = patch(
        client,
        headers,
        f"/scim/v2/Groups/{group.json['id']}",
        {"op": "remove", "path": f'members[value eq "{ana}"]'},
    )
    assert removed.status_code == 200 and not removed.json.get("members")
    with app.app_context():
        assert db.session.get(Account, int(ana)).role == "sponsor"


def test_a_group_naming_an_unknown_member_changes_nothing(app, client, headers):
    before = database_dump(app)
    body = {
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
        "displayName": "x",
        "members": [{"value": "999"}],
    }
    response = client.post("/scim/v2/Groups", json=body, headers=headers)
    assert response.status_code == 400 and response.mimetype == SCIM_JSON
    assert database_dump(app) == before


def test_deleting_a_user_keeps_the_account_disabled_and_out_of_scim(app, client, headers):
    user_id = new_user(client, headers).json["id"]
    assert client.delete(f"/scim/v2/Users/{user_id}", headers=headers).status_code == 204
    assert client.get(f"/scim/v2/Users/{user_id}", headers=headers).status_code == 404
    with app.app_context():
        account = db.session.get(Account, int(user_id))
        assert account is not None and not account.active and account.deprovisioned_at is not None
    # Provisioned again: the same account comes back.
    again = new_user(client, headers)
    assert again.status_code == 201 and again.json["id"] == user_id and again.json["active"] is True


def test_the_enterprise_extension_is_kept_as_written(app, client, headers):
    enterprise = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
    body = {"department": "Finance", "costCenter": "4711"}
    created = new_user(
        client,
        headers,
        schemas=["urn:ietf:params:scim:schemas:core:2.0:User", enterprise],
        password="never-kept-anywhere",
        **{enterprise: body, "addresses": [{"locality": "Berlin", "type": "work"}]},
    )
    assert created.status_code == 201, created.json
    again = client.get(f"/scim/v2/Users/{created.json['id']}", headers=headers).json
    assert again[enterprise]["department"] == "Finance" and again[enterprise]["costCenter"] == "4711"
    assert again["addresses"][0]["locality"] == "Berlin"
    found = client.get('/scim/v2/Users?filter=addresses.locality eq "Berlin"', headers=headers).json
    assert found["totalResults"] == 1
    with app.app_context():
        stored = db.session.get(Account, int(created.json["id"])).directory_attributes
        assert stored[enterprise]["department"] == "Finance" and "password" not in stored
        assert "never-kept-anywhere" not in str(database_dump(app))
    assert "password" not in again


def test_discovery_endpoints(client, headers):
    config = client.get("/scim/v2/ServiceProviderConfig", headers=headers).json
    assert config["patch"]["supported"] is True and config["bulk"]["supported"] is False
    types = client.get("/scim/v2/ResourceTypes", headers=headers).json
    assert sorted(r["name"] for r in types["Resources"]) == ["Group", "User"]
    schemas = client.get("/scim/v2/Schemas", headers=headers).json
    assert "urn:ietf:params:scim:schemas:core:2.0:User" in [s["id"] for s in schemas["Resources"]]
