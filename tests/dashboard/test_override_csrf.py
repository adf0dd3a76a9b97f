"""The override form with CSRF protection on, as in production."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from adkar.extensions import db
from adkar.plan.models import GateOverride

from . import scenario as story
from .builders import fresh
from .test_overrides import GOOD


@pytest.fixture
def app_config(app_config):
    return {**app_config, "WTF_CSRF_ENABLED": True}


def token_in(page: str, action: str) -> str:
    form = page[page.index(f'action="{action}"') :]
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form).group(1)


def sign_in(client, email: str) -> None:
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    response = client.post(
        "/login", data={"email": email, "password": "correct-horse-battery", "csrf_token": token}
    )
    assert response.status_code == 302


def test_the_form_carries_a_token_and_a_post_without_it_is_refused(client, factory):
    world = story.build(factory)
    sign_in(client, world.owner.email)
    action = f"/milestones/{world.go_live.id}/override"
    page = client.get(f"/initiatives/{world.initiative.id}/dashboard").get_data(as_text=True)
    token = token_in(page, action)

    assert client.post(action, data={"justification": GOOD}).status_code == 400
    db.session.rollback()
    assert db.session.scalars(select(GateOverride)).all() == []

    assert client.post(action, data={"justification": GOOD, "csrf_token": token}).status_code == 302
    assert [o.justification for o in fresh(type(world.go_live), world.go_live.id).overrides] == [GOOD]
