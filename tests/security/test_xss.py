"""Attack payloads in every user-supplied text are shown as inert text on every page, export and API answer.

The payloads go in as initiative, group, milestone and wave names, descriptions, the wave's purpose,
respondent comments (through the real survey form), CSV imports and the messages that echo them. A page
passes when it shows the payload HTML-escaped (or JSON-escaped inside a data script) and never raw.
"""

from __future__ import annotations

import re
from io import BytesIO
from urllib.parse import quote

import pytest
from markupsafe import escape

from ..surveys.mailbox import smtp_server
from . import payload_world
from .support import PAYLOADS, shown_escaped, sign_in, unsafe_in_html

PAGE_MARKUP = re.compile(r"<svg[^>]*onload|<script>alert", re.I)


@pytest.fixture(params=PAYLOADS, ids=["svg", "script", "javascript-url", "template"])
def world(request, app) -> payload_world.PayloadWorld:
    return payload_world.build(app, request.param)


def owner_pages(world) -> dict[str, str]:
    return {
        "initiatives": "/",
        "plan": f"/initiatives/{world.initiative_id}",
        "initiative edit": f"/initiatives/{world.initiative_id}/edit",
        "group edit": f"/groups/{world.group_id}/edit",
        "milestone edit": f"/milestones/{world.milestone_id}/edit",
        "dashboard": f"/initiatives/{world.initiative_id}/dashboard",
        "wave": f"/waves/{world.wave_id}",
        "wave edit": f"/waves/{world.wave_id}/edit",
        "wave readiness": f"/waves/{world.wave_id}/readiness",
        "audit": f"/initiatives/{world.initiative_id}/audit",
        "response import": f"/waves/{world.wave_id}/responses/import",
    }


def check_html(name: str, html: str, payload: str, failures: list[str], *, must_show: bool = True) -> None:
    problems = unsafe_in_html(html, payload)
    if PAGE_MARKUP.search(html):
        problems.append("payload markup in the page")
    if must_show and not shown_escaped(html, payload):
        problems.append("the payload is not shown at all (escaped or otherwise)")
    failures += [f"{name}: {p}" for p in problems]


def test_every_page_shows_the_payloads_escaped(app, world):
    respondent = app.test_client()
    answered = respondent.post(
        f"/s/{world.personal_token}", data=payload_world.respondent_form(world.payload)
    )
    assert answered.status_code == 303  # the respondent's comment is stored too
    owner = sign_in(app, world.owner_email)
    failures: list[str] = []
    for name, url in owner_pages(world).items():
        response = owner.get(url)
        assert response.status_code == 200, f"{name} {url}: {response.status_code}"
        assert response.mimetype == "text/html"
        check_html(name, response.get_data(as_text=True), world.payload, failures)
    admin = sign_in(app, world.admin_email)
    check_html("admin audit", admin.get("/admin/audit").get_data(as_text=True), world.payload, failures)
    for name, url in [("personal link", f"/s/{world.spare_token}"), ("open link", f"/o/{world.open_token}")]:
        response = app.test_client().get(url)
        assert response.status_code == 200, name
        check_html(name, response.get_data(as_text=True), world.payload, failures)
    assert not failures, "\n".join(failures)


def test_the_comment_reaches_the_wave_readiness_page_as_text(app, world):
    """Comments are the one text a stranger (a respondent) writes; 11 of them are shown (n >= 10)."""
    respondent = app.test_client()
    respondent.post(f"/s/{world.personal_token}", data=payload_world.respondent_form(world.payload))
    html = sign_in(app, world.owner_email).get(f"/waves/{world.wave_id}/readiness").get_data(as_text=True)
    assert html.count(str(escape(world.payload))) >= 2  # the wave name and the comments
    assert not unsafe_in_html(html, world.payload)


def test_downloads_keep_the_payloads_inert(app, world):
    owner = sign_in(app, world.owner_email)
    report = owner.get(f"/initiatives/{world.initiative_id}/report.html")
    assert report.status_code == 200 and "attachment" in report.headers["Content-Disposition"]
    failures: list[str] = []
    check_html("report.html", report.get_data(as_text=True), world.payload, failures)
    assert not failures, failures
    for url in (
        f"/initiatives/{world.initiative_id}/readiness.csv",
        f"/waves/{world.wave_id}/responses.csv",
        f"/initiatives/{world.initiative_id}/audit.csv",
    ):
        response = owner.get(url)
        assert response.status_code == 200, url
        assert response.mimetype == "text/csv"  # never sniffed as HTML (nosniff is checked in test_headers)
        assert response.headers["Content-Disposition"].startswith("attachment")


def upload(client, url: str, body: str, **fields):
    data = {**fields, "file": (BytesIO(body.encode()), "import.csv")}
    return client.post(url, data=data, content_type="multipart/form-data")


def test_group_import_shows_payloads_and_their_errors_escaped(app, world):
    owner = sign_in(app, world.owner_email)
    url = f"/initiatives/{world.initiative_id}/groups/import"
    quoted = world.payload.replace('"', '""')
    bad = upload(owner, url, f'name,headcount,description\n"{quoted} X","{quoted}","{quoted}"\n')
    assert bad.status_code == 400
    failures: list[str] = []
    check_html("group import errors", bad.get_data(as_text=True), world.payload, failures)
    assert "is not a whole number" in bad.get_data(as_text=True)

    odd_header = upload(owner, url, f'name,headcount,"{quoted}"\nTeam,4,x\n')
    assert odd_header.status_code == 400
    check_html("group import header error", odd_header.get_data(as_text=True), "", failures, must_show=False)

    good = upload(owner, url, f'name,headcount,description\n"{quoted} imported",12,"{quoted}"\n')
    assert good.status_code == 302
    plan_page = owner.get(f"/initiatives/{world.initiative_id}").get_data(as_text=True)
    check_html("plan after import", plan_page, world.payload + " imported", failures)
    assert not failures, "\n".join(failures)


def test_response_import_errors_echo_payloads_escaped(app, world):
    owner = sign_in(app, world.owner_email)
    quoted = world.payload.replace('"', '""')
    response = upload(
        owner,
        f"/waves/{world.wave_id}/responses/import",
        f'aw1,de1,kn1,ab1,re1,comment\n"{quoted}",4,4,4,4,"{quoted}"\n',
        group_id=str(world.group_id),
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Must be a whole number from 1 to 5." in html
    failures: list[str] = []
    check_html("response import errors", html, world.payload, failures)
    assert not failures, "\n".join(failures)


def test_unknown_links_and_pages_do_not_echo_the_address(app, world):
    client = app.test_client()
    for url in (f"/s/{quote(world.payload, safe='')}", f"/nothing/{quote(world.payload, safe='')}"):
        response = client.get(url)
        assert response.status_code == 404
        html = response.get_data(as_text=True)
        assert not unsafe_in_html(html, world.payload) and not PAGE_MARKUP.search(html), url


def test_api_answers_are_json_that_carries_the_payload_verbatim(app, world):
    client = app.test_client()
    headers = {"Authorization": f"Bearer {world.api_token}"}
    initiative = client.get(f"/api/v1/initiatives/{world.initiative_id}", headers=headers)
    assert initiative.mimetype == "application/json"
    assert initiative.get_json()["name"] == world.payload
    readiness = client.get(f"/api/v1/waves/{world.wave_id}/readiness", headers=headers)
    assert readiness.mimetype == "application/json"
    assert readiness.get_json()["wave"]["name"] == world.payload

    errors = [
        client.post(
            f"/api/v1/initiatives/{world.initiative_id}/groups",
            headers=headers,
            json={"name": world.payload, "headcount": world.payload},
        ),
        client.post(
            f"/api/v1/initiatives/{world.initiative_id}/groups",
            headers=headers,
            json={"name": "Team", "headcount": 3, world.payload: 1},
        ),
        client.get(f"/api/v1/surveys/{quote(world.payload, safe='')}", headers=headers),
        client.post(
            f"/api/v1/waves/{world.wave_id}/responses",
            headers=headers,
            json={"group_id": world.group_id, "responses": [{"aw1": world.payload}]},
        ),
    ]
    for response in errors:
        assert 400 <= response.status_code < 500, response.status_code
        assert response.mimetype == "application/json", response.headers
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert "error" in response.get_json()
    echoed = [r for r in errors if world.payload in str(r.get_json())]
    assert echoed, "no API error message echoes the payload; this test would prove nothing"


def test_invitation_emails_escape_the_initiative_name(app, world):
    """Email templates may use inline styles (mail clients need them) but never raw user text."""
    owner = sign_in(app, world.owner_email)
    with smtp_server() as box:
        app.config.update(SMTP_HOST=box.host, SMTP_PORT=box.port)
        response = owner.post(
            f"/waves/{world.wave_id}/emails",
            data={"email-group": str(world.group_id), "email-emails": "someone@example.com"},
        )
        assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    (message,) = box.messages
    html = message.get_body(preferencelist=("html",)).get_content()
    failures: list[str] = []
    check_html("invitation email", html, world.payload, failures)
    assert not failures, failures
