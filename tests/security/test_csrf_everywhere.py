"""With CSRF protection on (as in production), no state-changing page route acts on a request without a token.

The owner of the initiative (who may change everything) posts a plausible form, minus the token, to every
non-API rule of the URL map that accepts POST, PUT, PATCH or DELETE: each answers 400 with the "form
expired" message and no row of any table changes. Respondent links check the token inside the view and
re-render the answers (also 400, nothing stored). The API takes bearer tokens only, so a browser session
cannot drive it cross-site: it answers 401 to a signed-in browser.
"""

from __future__ import annotations

import pytest

from adkar.accounts.models import User
from adkar.extensions import db
from adkar.surveys.invitations import services as invitations
from adkar.surveys.models import Wave

from ..test_access_map import STATE_CHANGING, Route, build_world, changed_tables, snapshot, walk
from .support import CSRF_REFUSED, csrf_token, sign_in

RESPONDENT_PREFIXES = ("/s/", "/o/")
# Exempt by design: RFC 8058 one-click unsubscribe is a POST from the mail client, which has no form token.
# The unguessable token in the URL is the only authority, and a forged POST could only unsubscribe the
# address whose token the forger already holds (tests/surveys/test_email_invitations.py).
EXEMPT_BY_DESIGN = frozenset({"/u/<token>"})
PAGE_EXPIRED = "This page has expired. Please reload it and submit your answers again."
# A plausible form for every kind of page, so a route that skipped the check would really act.
FORGED_FORM = {
    "name": "Forged",
    "description": "Sent from another site",
    "approach": "sequential",
    "go_live": "2031-01-01",
    "headcount": "12",
    "kind": "go-live",
    "due": "2030-12-01",
    "target_element": "ability",
    "threshold": "80",
    "email": "forged@example.com",
    "role": "admin",
    "password": "forged-password-123",
    "new_password": "forged-password-123",
    "confirm": "forged-password-123",
    "active": "n",
    "confirm_name": "Owner's rollout",
    "justification": "Forged override",
    "status": "ready",
    "survey": "adkar-pulse",
    "opens_on": "2030-01-01",
    "closes_on": "2030-02-01",
    **{f"{prefix}-group": "1" for prefix in ("links", "email", "remind", "open")},
    "links-count": "5",
    "email-emails": "victim@example.com",
}
# A complete, valid survey answer: without the token it is the only thing wrong with the request.
ANSWERS = dict.fromkeys(("aw1", "de1", "kn1", "ab1", "re1"), "5")


@pytest.fixture
def app_config(app_config):
    return {**app_config, "WTF_CSRF_ENABLED": True}


@pytest.fixture
def world(app):
    world = build_world(app)
    with app.app_context():
        wave = db.session.get(Wave, world.ids["wave_id"])
        owner = db.session.get(User, world.ids["user:owner"])
        world.ids["personal_token"] = invitations.issue_links(
            wave=wave, group_id=world.ids["group_id"], count=1, actor=owner
        )[0]
        world.ids["open_token"] = invitations.open_link(
            wave=wave, group_id=world.ids["group_id"], actor=owner
        )
        db.session.remove()
    return world


def url_for_route(route: Route, world) -> str:
    """Respondent links get a live token, so the request reaches the answer check."""
    if route.rule.rule.startswith("/s/"):
        return f"/s/{world.ids['personal_token']}"
    if route.rule.rule.startswith("/o/"):
        return f"/o/{world.ids['open_token']}"
    return route.url


def state_changing_page_calls(routes: list[Route]) -> list[tuple[Route, str]]:
    return [
        (r, m)
        for r in routes
        if not r.is_api and r.rule.rule not in EXEMPT_BY_DESIGN
        for m in r.methods
        if m in STATE_CHANGING
    ]


def test_no_page_route_changes_anything_without_a_csrf_token(app, world):
    owner = sign_in(app, world.emails["owner"])
    calls = state_changing_page_calls(walk(app, world))
    assert len(calls) >= 35, f"only {len(calls)} state-changing page routes found"
    failures = []
    for route, method in calls:
        before = snapshot(app)
        respondent = route.rule.rule.startswith(RESPONDENT_PREFIXES)
        data = ANSWERS if respondent else FORGED_FORM
        response = owner.open(url_for_route(route, world), method=method, data=data)
        body = response.get_data(as_text=True)
        expected = PAGE_EXPIRED if respondent else CSRF_REFUSED
        if response.status_code != 400 or expected not in body:
            failures.append(f"{method} {route}: {response.status_code}, expected 400 '{expected}'")
        changed = changed_tables(before, snapshot(app))
        if changed:
            failures.append(f"{method} {route}: changed {', '.join(changed)}")
    assert not failures, f"{len(failures)} of {len(calls)} calls:\n" + "\n".join(failures)
    assert owner.get("/account").status_code == 200, "sign-out without a token signed the owner out"


def test_the_same_forms_work_with_their_token(app, world):
    """The control: the owner's token makes a forged-looking but genuine group form succeed."""
    owner = sign_in(app, world.emails["owner"])
    url = f"/initiatives/{world.ids['initiative_id']}/groups/new"
    page = owner.get(url).get_data(as_text=True)
    before = snapshot(app)
    response = owner.post(url, data={**FORGED_FORM, "csrf_token": csrf_token(page)})
    assert response.status_code == 302
    assert "stakeholder_groups" in changed_tables(before, snapshot(app))


def test_the_api_ignores_browser_sessions(app, world):
    """Session cookies are not credentials for the API, so it needs no CSRF token: a signed-in browser
    calling a state-changing API route gets 401 and changes nothing."""
    owner = sign_in(app, world.emails["owner"])
    calls = [(r, m) for r in walk(app, world) if r.is_api for m in r.methods if m in STATE_CHANGING]
    assert len(calls) >= 12
    before = snapshot(app)
    failures = [
        f"{method} {route}: {status}"
        for route, method in calls
        if (status := owner.open(route.url, method=method, json={"name": "Forged"}).status_code) != 401
    ]
    assert not failures, failures
    assert not changed_tables(before, snapshot(app))
