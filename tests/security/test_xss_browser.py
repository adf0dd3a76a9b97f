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
from . import payload_world
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
