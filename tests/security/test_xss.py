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
from . import issue7_payloads, payload_world
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


# --- issue 7: action plans, the resistance log, the action library, adoption, change records, portfolio ---


@pytest.fixture
def issue7(app, world) -> issue7_payloads.Issue7World:
    return issue7_payloads.add(app, world)


def test_issue7_pages_show_the_payloads_escaped(app, issue7):
    owner = sign_in(app, issue7.base.owner_email)
    failures: list[str] = []
    for name, (url, texts) in issue7_payloads.pages(issue7).items():
        response = owner.get(url)
        assert response.status_code == 200, f"{name} {url}: {response.status_code}"
        assert response.mimetype == "text/html"
        html = response.get_data(as_text=True)
        check_html(name, html, issue7.payload, failures)
        failures += [
            f"{name}: the {tag} is not shown escaped"
            for tag in texts
            if not shown_escaped(html, issue7.text(tag))
        ]
    assert not failures, "\n".join(failures)


def test_the_dashboard_action_panel_and_report_show_action_texts_escaped(app, issue7):
    """The at-risk group's card (actions in flight, their measured effect naming both waves) on the
    dashboard and in the offline report."""
    owner = sign_in(app, issue7.base.owner_email)
    failures: list[str] = []
    for name, url in (
        ("dashboard", f"/initiatives/{issue7.base.initiative_id}/dashboard"),
        ("report.html", f"/initiatives/{issue7.base.initiative_id}/report.html"),
    ):
        html = owner.get(url).get_data(as_text=True)
        start = html.index(f'id="plan-{issue7.base.group_id}"')
        card = html[start : html.index("</article>", start)]
        assert "effect-up" in card, (
            f"{name}: the action's effect is not measured; the wave names are not shown"
        )
        check_html(f"{name} action card", card, issue7.payload, failures)
        for text in (issue7.text("action what"), issue7.text("action owner"), f"{issue7.payload} (earlier)"):
            if not shown_escaped(card, text):
                failures.append(f"{name} action card: {text!r} is not shown escaped")
        check_html(name, html, issue7.payload, failures)
    assert not failures, "\n".join(failures)


def test_issue7_downloads_are_never_pages(app, issue7):
    owner = sign_in(app, issue7.base.owner_email)
    for url in issue7_payloads.downloads(issue7):
        response = owner.get(url)
        assert response.status_code == 200, url
        assert response.mimetype != "text/html", url
        assert response.headers["Content-Disposition"].startswith("attachment"), url


def test_usage_import_errors_echo_payloads_escaped(app, issue7):
    owner = sign_in(app, issue7.base.owner_email)
    quoted = issue7.payload.replace('"', '""')
    response = upload(
        owner,
        f"/initiatives/{issue7.base.initiative_id}/adoption/import",
        f'group,date,active_users\n"{quoted} X","{quoted}","{quoted}"\n',
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    for message in ("in this initiative.", "is not a date written YYYY-MM-DD.", "is not a whole number."):
        assert message in html, message
    failures: list[str] = []
    check_html("usage import errors", html, issue7.payload, failures)
    if not shown_escaped(html, f"{issue7.payload} X"):
        failures.append("usage import errors: the unknown group is not echoed escaped")
    assert not failures, "\n".join(failures)


def test_change_record_import_errors_echo_payloads_escaped(app, issue7):
    """The number, type, state and link are refused by shape (never echoed); the milestone is echoed."""
    owner = sign_in(app, issue7.base.owner_email)
    quoted = issue7.payload.replace('"', '""')
    url = f"/initiatives/{issue7.base.initiative_id}/change-records/import"
    header = "milestone,number,type,state,url\n"
    unknown = upload(owner, url, header + ",".join([f'"{quoted} X"'] + [f'"{quoted}"'] * 4) + "\n")
    assert unknown.status_code == 400
    unknown_html = unknown.get_data(as_text=True)
    assert "in this initiative." in unknown_html
    failures: list[str] = []
    check_html("change record import, unknown milestone", unknown_html, issue7.payload, failures)
    if not shown_escaped(unknown_html, f"{issue7.payload} X"):
        failures.append("change record import: the unknown milestone is not echoed escaped")
    # The milestone is called the payload, so this row reaches the rules for the other columns.
    shapes = upload(owner, url, header + ",".join([f'"{quoted}"'] * 5) + "\n")
    assert shapes.status_code == 400
    shapes_html = shapes.get_data(as_text=True)
    for message in ("The change number has up to 40", "Choose a type:", "Choose a state:", "The link"):
        assert message in shapes_html, message
    check_html("change record import, refused shapes", shapes_html, issue7.payload, failures)
    assert not failures, "\n".join(failures)


def test_issue7_api_answers_are_json_that_carries_the_payload_verbatim(app, issue7):
    client = app.test_client()
    headers = {"Authorization": f"Bearer {issue7.base.api_token}"}
    initiative = issue7.base.initiative_id
    (action,) = client.get(f"/api/v1/initiatives/{initiative}/actions", headers=headers).get_json()["items"]
    assert (action["what"], action["owner"]) == (issue7.text("action what"), issue7.text("action owner"))
    assert action["effect"] is not None
    (entry,) = client.get(f"/api/v1/initiatives/{initiative}/resistance", headers=headers).get_json()["items"]
    assert (entry["what"], entry["response"]) == (
        issue7.text("resistance what"),
        issue7.text("resistance response"),
    )
    library_entry = client.get(f"/api/v1/action-library/{issue7.entry_id}", headers=headers)
    assert library_entry.mimetype == "application/json"
    assert library_entry.get_json()["title"] == issue7.text("library title")
    errors = [
        client.post(
            f"/api/v1/initiatives/{initiative}/change-records",
            headers=headers,
            json={"records": [{"milestone_id": issue7.base.milestone_id, "number": issue7.payload}]},
        ),
        client.post(
            f"/api/v1/initiatives/{initiative}/actions",
            headers=headers,
            json={"group_id": issue7.base.group_id, issue7.payload: 1},
        ),
        client.post(
            "/api/v1/action-library", headers=headers, json={"element": issue7.payload, "title": "x"}
        ),
    ]
    for response in errors:
        assert 400 <= response.status_code < 500, response.status_code
        assert response.mimetype == "application/json", response.headers
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert "error" in response.get_json()
    assert any(issue7.payload in str(r.get_json()) for r in errors), "no issue-7 API error echoes the payload"
