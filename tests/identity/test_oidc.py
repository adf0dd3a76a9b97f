"""OpenID Connect sign-in against a real provider (oidc-provider, started by the suite): who gets in, with
which role, and every bad answer refused with nothing stored."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from adkar.accounts import oidc
from adkar.accounts.models import User
from adkar.audit.models import AuditEvent
from adkar.config import ConfigError
from adkar.extensions import db

from ..accounts.helpers import add_user, database_dump
from ..factories import Factory
from ..oidc_provider import running_provider
from .conftest import oidc_config, query


@pytest.fixture
def app_config(app_config, oidc_provider):
    return {**app_config, **oidc_config(oidc_provider.issuer)}


def dispose(app) -> None:
    """Close a second app's connections (its session's first: disposing leaves checked-out ones open)."""
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def users(app) -> dict[str, tuple[str, str | None, bool]]:
    with app.app_context():
        rows = db.session.scalars(select(User)).all()
        return {u.email: (u.role, u.oidc_subject, u.active) for u in rows}


def test_the_sign_in_page_offers_the_provider(new_browser):
    page = new_browser().get("/login")
    assert page.status_code == 200
    assert "Sign in with Corp ID" in page.text
    assert 'name="password"' in page.text  # password sign-in stays on unless switched off


def test_first_sign_in_creates_the_account_with_the_role_of_its_groups(app, new_browser, oidc_provider):
    browser = new_browser()
    callback = browser.to_callback("ada@corp.test")
    params = query(callback)
    assert params["iss"] == oidc_provider.issuer and params["state"] and params["code"]

    response = browser.get(callback)

    assert response.status_code == 302 and response.headers["Location"].endswith("/")
    assert browser.signed_in()
    account = browser.get("/account").text
    assert "there is no password here to change" in account and 'name="current"' not in account
    assert users(app) == {"ada@corp.test": ("admin", f"{oidc_provider.issuer} ada@corp.test", True)}
    with app.app_context():
        actions = db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions == ["user.sso_create", "user.sso_login"]


def test_the_authorisation_request_uses_pkce_state_and_nonce(new_browser, oidc_provider):
    response = new_browser().get("/login/oidc", params={"login_hint": "pat@corp.test"})
    assert response.status_code == 302
    sent = query(response.headers["Location"])
    assert response.headers["Location"].startswith(f"{oidc_provider.issuer}/auth?")
    assert sent["code_challenge_method"] == "S256" and len(sent["code_challenge"]) == 43
    assert len(sent["state"]) >= 20 and len(sent["nonce"]) >= 20
    assert sent["response_type"] == "code" and sent["redirect_uri"] == "http://adkar.test/login/oidc/callback"


def test_the_role_follows_the_groups_on_every_sign_in(app, new_browser, oidc_provider):
    """Pat had a password account as sponsor: the verified e-mail links it, and the groups make them a
    practitioner. Sam is in the sponsors' and the practitioners' groups: the wider role wins."""
    add_user(app, "sponsor", email="pat@corp.test")
    assert (
        new_browser()
        .post("/login", data={"email": "pat@corp.test", "password": Factory.PASSWORD})
        .status_code
        == 302
    )

    assert new_browser().sign_in("pat@corp.test").status_code == 302
    assert new_browser().sign_in("sam@corp.test").status_code == 302

    found = users(app)
    assert found["pat@corp.test"] == ("practitioner", f"{oidc_provider.issuer} pat@corp.test", True)
    assert found["sam@corp.test"][0] == "practitioner"
    again = new_browser()
    assert again.sign_in("pat@corp.test").status_code == 302 and again.signed_in()
    assert len(users(app)) == 2


@pytest.mark.parametrize("person", ["max@corp.test", "nog@corp.test"])
def test_a_person_in_no_mapped_group_is_refused_and_nothing_is_stored(app, new_browser, person):
    before = database_dump(app)
    browser = new_browser()

    response = browser.sign_in(person)

    assert response.status_code == 403
    assert "in no group that gives access to adkar" in response.text
    assert "No account was created" in response.text
    assert not browser.signed_in()
    assert database_dump(app) == before


def test_a_state_that_this_browser_did_not_send_is_refused(app, new_browser, caplog):
    browser = new_browser()
    callback = browser.to_callback("ada@corp.test")
    state = query(callback)["state"]
    before = database_dump(app)

    response = browser.get(callback.replace(f"state={state}", "state=forged-state-value"))

    assert response.status_code == 403 and "Please start again" in response.text
    assert "MismatchingStateError" in caplog.text
    assert database_dump(app) == before and not browser.signed_in()


def test_a_callback_from_another_browser_is_refused(app, new_browser):
    """Login CSRF: an attacker's callback URL, opened in the victim's browser, signs nobody in."""
    callback = new_browser().to_callback("ada@corp.test")
    victim = new_browser()
    before = database_dump(app)

    assert victim.get(callback).status_code == 403
    assert database_dump(app) == before and not victim.signed_in()


def test_a_replayed_callback_or_code_is_refused(app, new_browser, caplog):
    browser = new_browser()
    callback = browser.to_callback("ada@corp.test")
    assert browser.get(callback).status_code == 302
    assert browser.get(callback).status_code == 403  # its state was used up

    # The used code with a fresh state of the same browser: the provider refuses to redeem it twice.
    fresh = browser.to_callback("ada@corp.test")
    code, fresh_code = query(callback)["code"], query(fresh)["code"]
    before = database_dump(app)
    response = browser.get(fresh.replace(fresh_code, code))
    assert response.status_code == 403 and "already used" in response.text
    assert "invalid_grant" in caplog.text
    assert database_dump(app) == before


def test_an_id_token_with_another_nonce_is_refused(app, new_browser, caplog):
    """The nonce the browser's session holds must come back in the ID token (replayed ID tokens)."""
    browser = new_browser()
    callback = browser.to_callback("pat@corp.test")
    state = query(callback)["state"]
    serializer = app.session_interface.get_signing_serializer(app)
    cookie = browser.http.cookies.get("session", domain="adkar.test")
    session = serializer.loads(cookie)
    session[f"_state_idp_{state}"]["data"]["nonce"] = "a-nonce-from-an-older-sign-in"
    browser.http.cookies.set("session", serializer.dumps(session), domain="adkar.test")
    before = database_dump(app)

    assert browser.get(callback).status_code == 403
    assert "Invalid claim: 'nonce'" in caplog.text
    assert database_dump(app) == before and not browser.signed_in()


def test_an_answer_naming_another_issuer_is_refused(app, new_browser):
    browser = new_browser()
    callback = browser.to_callback("ada@corp.test")
    before = database_dump(app)
    response = browser.get(callback.replace("iss=http", "iss=https"))
    assert response.status_code == 403 and "another identity provider" in response.text
    assert database_dump(app) == before


def test_a_provider_whose_discovery_names_another_issuer_is_refused(app_config, oidc_provider):
    from adkar import create_app

    wrong = create_app({**app_config, "OIDC_ISSUER": oidc_provider.issuer + "/"})
    from .conftest import Browser

    browser = Browser(wrong)
    try:
        response = browser.get("/login/oidc", params={"login_hint": "ada@corp.test"})
        assert response.status_code == 502 and "another issuer" in response.text
    finally:
        browser.close()
    with wrong.app_context():
        assert db.session.scalars(select(User)).all() == []
    dispose(wrong)


def test_an_expired_id_token_is_refused(app_config, caplog):
    """A provider whose clock runs ten minutes behind issues ID tokens that expired nine minutes ago."""
    from adkar import create_app

    from .conftest import Browser

    with running_provider(clock_offset_seconds=-600) as late:
        late_app = create_app({**app_config, **oidc_config(late.issuer)})
        browser = Browser(late_app)
        try:
            response = browser.sign_in("ada@corp.test")
            assert response.status_code == 403 and "ExpiredTokenError" in caplog.text
            assert not browser.signed_in()
        finally:
            browser.close()
        with late_app.app_context():
            assert db.session.scalars(select(User)).all() == []
        dispose(late_app)


def test_a_disabled_account_is_refused(app, new_browser):
    assert new_browser().sign_in("pat@corp.test").status_code == 302
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "pat@corp.test"))
        user.active = False
        db.session.commit()
    response = new_browser().sign_in("pat@corp.test")
    assert response.status_code == 403 and "disabled" in response.text


def test_sign_out_ends_the_session_and_signs_out_at_the_provider(new_browser, oidc_provider):
    browser = new_browser()
    browser.sign_in("sam@corp.test")
    assert browser.signed_in()

    response = browser.post("/logout")

    assert response.status_code == 302
    location = response.headers["Location"]
    assert location.startswith(f"{oidc_provider.issuer}/session/end?")
    sent = query(location)
    assert sent["post_logout_redirect_uri"] == "http://adkar.test/login" and sent["id_token_hint"]
    assert not browser.signed_in()
    assert browser.http.get(location).status_code == 200  # the provider asks to confirm its own sign-out


def test_password_sign_in_can_be_switched_off(app_config):
    from adkar import create_app

    from .conftest import Browser

    closed = create_app({**app_config, "PASSWORD_LOGIN": "off"})
    add_user(closed, "admin", email="local@adkar.test")
    browser = Browser(closed)
    try:
        page = browser.get("/login")
        assert "Sign in with Corp ID" in page.text and 'name="password"' not in page.text
        response = browser.post("/login", data={"email": "local@adkar.test", "password": Factory.PASSWORD})
        assert response.status_code == 400 and "Password sign-in is switched off" in response.text
        assert not browser.signed_in()
    finally:
        browser.close()
    dispose(closed)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("admin=a,sponsor=s|t", {"a": "admin", "s": "sponsor", "t": "sponsor"}),
        (" practitioner = team ,", {"team": "practitioner"}),
    ],
)
def test_role_groups_are_read_from_the_setting(value, expected):
    assert oidc.parse_role_groups(value) == expected


@pytest.mark.parametrize("value", ["boss=a", "admin", "admin=", "admin=a,sponsor=a", "admin=a||b"])
def test_a_malformed_role_mapping_stops_the_start(value):
    with pytest.raises(ConfigError):
        oidc.parse_role_groups(value)


def test_the_widest_mapped_role_wins():
    mapping = {"a": "admin", "p": "practitioner", "s": "sponsor"}
    assert oidc.role_for(["s", "p"], mapping) == "practitioner"
    assert oidc.role_for(["x", "a", "s"], mapping) == "admin"
    assert oidc.role_for("s", mapping) == "sponsor"
    assert oidc.role_for(["x"], mapping) is None
    assert oidc.role_for(None, mapping) is None
    assert oidc.role_for({"a": 1}, mapping) is None
