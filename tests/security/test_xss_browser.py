"""In a real Chromium, under the app's CSP: with the payloads stored, no page runs them.

The respondent comment goes in through the survey form in the browser, the CSV import error page through
the upload form. A page fails when a dialog opens (alert fired), a script error occurs or the browser
reports a CSP violation (which would mean the page tried to run something inline).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from werkzeug.serving import make_server

from ..browser.conftest import sign_in
from ..factories import Factory
from . import issue7_payloads, payload_world
from .support import PAYLOADS

pytestmark = [pytest.mark.browser, pytest.mark.slow]

LISTEN_FOR_CSP = """
window.__csp = [];
document.addEventListener("securitypolicyviolation",
  e => window.__csp.push([e.violatedDirective, e.sourceFile || e.blockedURI || ""]));
"""
ALL_CHARTS_DRAWN = """() => [...document.querySelectorAll("script.chart-data[data-target]")].every(
  s => document.getElementById(s.dataset.target)?.getAttribute("data-drawn") === "true")"""


@pytest.fixture
def engine_name() -> str:
    """Escaping does not depend on the database: one engine is enough for the (slow) browser."""
    return "sqlite"


@pytest.fixture
def live_url(app) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)
    server.server_close()


class Watch:
    """Everything a page did that it should not have: dialogs, script errors, CSP reports (including
    plotly.js trying to set style attributes, which the charts avoid)."""

    def __init__(self, page):
        self.page = page
        self.problems: list[str] = []
        page.add_init_script(LISTEN_FOR_CSP)
        page.on("dialog", self._dialog)
        page.on("pageerror", lambda exc: self.problems.append(f"script error: {exc}"))
        page.on("console", self._console)

    def _dialog(self, dialog) -> None:
        self.problems.append(f"{self.page.url}: a {dialog.type} dialog fired: {dialog.message}")
        dialog.dismiss()

    def _console(self, message) -> None:
        words = message.text.lower()
        if "content security policy" in words or "refused to" in words:
            self.problems.append(f"{self.page.url}: {message.text}")

    def visit(self, url: str) -> None:
        response = self.page.goto(url, wait_until="load")
        assert response is not None and response.status < 400, f"{url}: {response and response.status}"
        self.settle()

    def settle(self) -> None:
        """Wait until every chart on the page is drawn (charts.js marks them), then read the reports."""
        self.page.wait_for_function(ALL_CHARTS_DRAWN, timeout=30_000)
        self.page.wait_for_timeout(200)  # violation events are delivered asynchronously
        for directive, source in self.page.evaluate("window.__csp || []"):
            self.problems.append(f"{self.page.url}: CSP {directive} {source}")


@pytest.mark.parametrize("payload", PAYLOADS, ids=["svg", "script", "javascript-url", "template"])
def test_no_payload_runs_in_the_browser(app, live_url, browser, payload):
    world = payload_world.build(app, payload)
    context = browser.new_context(base_url=live_url)
    try:
        page = context.new_page()
        watch = Watch(page)

        watch.visit(f"/s/{world.personal_token}")
        assert page.get_by_text(payload).first.is_visible()  # shown, as text
        for item in ("aw1", "de1", "kn1", "ab1", "re1"):
            page.check(f'input[name="{item}"][value="4"]')
        page.fill("textarea#comment", payload)
        page.locator("form button[type=submit]").last.click()
        page.wait_for_url("**/thank-you**")
        watch.settle()
        watch.visit(f"/o/{world.open_token}")

        sign_in(page, world.owner_email, Factory.PASSWORD)
        for url in (
            "/",
            f"/initiatives/{world.initiative_id}",
            f"/initiatives/{world.initiative_id}/edit",
            f"/groups/{world.group_id}/edit",
            f"/milestones/{world.milestone_id}/edit",
            f"/initiatives/{world.initiative_id}/dashboard",
            f"/waves/{world.wave_id}",
            f"/waves/{world.wave_id}/edit",
            f"/waves/{world.wave_id}/readiness",
            f"/initiatives/{world.initiative_id}/audit",
        ):
            watch.visit(url)
        assert page.get_by_text(payload).count() >= 1

        watch.visit(f"/initiatives/{world.initiative_id}/groups/import")
        quoted = payload.replace('"', '""')
        page.set_input_files(
            "input[type=file]",
            {
                "name": "groups.csv",
                "mimeType": "text/csv",
                "buffer": f'name,headcount\n"{quoted} X","{quoted}"\n'.encode(),
            },
        )
        page.get_by_role("button", name="Import groups").click()
        page.wait_for_load_state("load")
        watch.settle()
        assert "is not a whole number" in page.content()
    finally:
        context.close()
    assert not watch.problems, "\n".join(watch.problems)


def upload_csv(page, watch: Watch, button: str, body: str) -> str:
    """Submit the page's CSV upload form with this file; the page it answers with (after the charts draw)."""
    page.set_input_files(
        "input[type=file]", {"name": "import.csv", "mimeType": "text/csv", "buffer": body.encode()}
    )
    page.get_by_role("button", name=button).click()
    page.wait_for_load_state("load")
    watch.settle()
    return page.content()


def hover_labels(page, chart_id: str) -> list[str]:
    """Point at every marker of a chart's shown traces; the text of each hover label plotly.js drew."""
    labels = []
    points = page.locator(f"#{chart_id} .scatterlayer .trace .points path")
    for i in range(points.count()):
        points.nth(i).hover(force=True)
        page.wait_for_timeout(50)
        labels += page.locator(f"#{chart_id} .hoverlayer .hovertext").all_text_contents()
    return labels


def shown_as_text(page, watch: Watch, text: str) -> None:
    """The text is on the page as text (a payload turned into markup would not be found)."""
    if not page.get_by_text(text).first.is_visible():
        watch.problems.append(f"{page.url}: {text!r} is not shown as text")


@pytest.mark.parametrize("payload", PAYLOADS, ids=["svg", "script", "javascript-url", "template"])
def test_no_issue7_payload_runs_in_the_browser(app, live_url, browser, payload, tmp_path):
    """Action plans, the resistance log, the library, adoption (the usage chart's hover labels, shown by
    pointing at its points, carry group and wave names), change records, the portfolio and the dashboard's
    action panel; the two CSV imports' error pages; and the offline report, whose CSP lets inline scripts
    run."""
    world = issue7_payloads.add(app, payload_world.build(app, payload))
    context = browser.new_context(base_url=live_url)
    try:
        page = context.new_page()
        watch = Watch(page)
        sign_in(page, world.base.owner_email, Factory.PASSWORD)
        for url, _ in issue7_payloads.pages(world).values():
            watch.visit(url)
        watch.visit(f"/groups/{world.base.group_id}/actions")
        for tag in ("action what", "action owner", "resistance what", "resistance response", "library title"):
            shown_as_text(page, watch, world.text(tag))
        watch.visit(f"/initiatives/{world.base.initiative_id}/adoption")
        labels = hover_labels(page, "usage-adoption")
        assert len(labels) >= 3, labels
        if not any(payload in label for label in labels):  # plotly.js would drop tags it was given as markup
            watch.problems.append(f"usage chart: no hover label shows the payload as text: {labels}")
        watch.settle()

        quoted = payload.replace('"', '""')
        watch.visit(f"/initiatives/{world.base.initiative_id}/adoption/import")
        html = upload_csv(
            page, watch, "Import figures", f'group,date,active_users\n"{quoted} X","{quoted}","{quoted}"\n'
        )
        assert "is not a whole number" in html
        watch.visit(f"/initiatives/{world.base.initiative_id}/change-records/import")
        html = upload_csv(
            page,
            watch,
            "Import change records",
            "milestone,number,type,state,url\n" + ",".join([f'"{quoted} X"'] * 5),
        )
        assert "in this initiative." in html

        report = tmp_path / "report.html"
        report.write_bytes(page.request.get(f"/initiatives/{world.base.initiative_id}/report.html").body())
        page.goto(report.as_uri(), wait_until="load")
        watch.settle()
        shown_as_text(page, watch, world.text("action what"))
    finally:
        context.close()
    assert not watch.problems, "\n".join(watch.problems)
