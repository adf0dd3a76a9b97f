"""The "E-mail alerts" page of the account, with CSRF protection on as in production."""

from __future__ import annotations

import re

import pytest

from adkar.alerts.models import AlertPreference
from adkar.extensions import db
from tests.accounts.helpers import add_user, text
from tests.accounts.test_csrf import csrf_from

URL = "/account/alerts"


@pytest.fixture
def app_config(app_config):
    return {**app_config, "WTF_CSRF_ENABLED": True}


def sign_in(app, email: str):
    client = app.test_client()
    token = csrf_from(text(client.get("/login")))
    response = client.post(
        "/login", data={"email": email, "password": "correct-horse-battery", "csrf_token": token}
    )
    assert response.status_code == 302
    return client


def checked(page: str) -> list[str]:
    return sorted(
        re.findall(r'<input checked id="kinds-\d+" name="kinds" type="checkbox" value="([a-z_]+)"', page)
    )


def stored(app, user_id: int) -> dict[str, bool]:
    with app.app_context():
        rows = db.session.query(AlertPreference).filter_by(user_id=user_id).all()
        return {r.kind: r.enabled for r in rows}


def test_the_page_shows_the_role_defaults_and_saves_with_a_flash(app):
    sponsor = add_user(app, "sponsor")
    client = sign_in(app, sponsor.email)
    assert 'href="/account/alerts"' in text(client.get("/account"))
    page = text(client.get(URL))
    assert checked(page) == ["gate_projected_to_miss", "weekly_digest"]

    response = client.post(
        URL,
        data={"kinds": ["resistance_logged", "weekly_digest"], "csrf_token": csrf_from(page)},
        follow_redirects=True,
    )
    assert response.status_code == 200
    assert "Your e-mail alerts are saved." in text(response)
    assert checked(text(response)) == ["resistance_logged", "weekly_digest"]
    assert stored(app, sponsor.id) == {
        "gate_projected_to_miss": False,
        "low_participation": False,
        "change_ahead_of_people": False,
        "resistance_logged": True,
        "weekly_digest": True,
    }


def test_clearing_every_box_turns_everything_off(app):
    person = add_user(app, "practitioner")
    client = sign_in(app, person.email)
    page = text(client.get(URL))
    assert len(checked(page)) == 5
    assert client.post(URL, data={"csrf_token": csrf_from(page)}).status_code == 302
    assert set(stored(app, person.id).values()) == {False}


def test_without_the_csrf_token_nothing_is_saved(app):
    person = add_user(app, "practitioner")
    client = sign_in(app, person.email)
    response = client.post(URL, data={"kinds": ["weekly_digest"]})
    assert response.status_code == 400
    assert stored(app, person.id) == {}


def test_an_unknown_kind_answers_400_and_changes_nothing(app):
    person = add_user(app, "practitioner")
    client = sign_in(app, person.email)
    page = text(client.get(URL))
    response = client.post(
        URL, data={"kinds": ["weekly_digest", "everything_please"], "csrf_token": csrf_from(page)}
    )
    assert response.status_code == 400
    assert "Please correct the following" in text(response)
    assert "&#39;everything_please&#39; is not a valid choice" in text(response)
    assert stored(app, person.id) == {}


def test_signed_out_visitors_are_sent_to_sign_in(app, client):
    response = client.get(URL)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_each_person_sees_and_changes_only_their_own(app):
    first, second = add_user(app, "practitioner"), add_user(app, "sponsor")
    client = sign_in(app, first.email)
    page = text(client.get(URL))
    client.post(URL, data={"kinds": ["weekly_digest"], "csrf_token": csrf_from(page)})
    assert stored(app, second.id) == {}
    assert checked(text(sign_in(app, second.email).get(URL))) == ["gate_projected_to_miss", "weekly_digest"]
