"""In a real Chromium, under the app's strict CSP: the plan timeline draws and nothing is blocked."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from datetime import timedelta

import pytest
from werkzeug.serving import make_server

from tests.factories import Factory

pytestmark = [pytest.mark.browser, pytest.mark.slow]
playwright = pytest.importorskip("playwright.sync_api")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

LISTEN_FOR_CSP = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", e => window.__csp.push(e.violatedDirective + " " + e.sourceFile));
"""


@pytest.fixture
def live_url(app) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


@pytest.mark.skipif(CHROMIUM is None, reason="no Chromium on this machine")
def test_timeline_draws_without_csp_violations(live_url, cast, factory):
    initiative = cast.initiative
    factory.milestone(initiative, name="</script><svg onload=alert(1)>")
    factory.milestone(
        initiative,
        name="UAT",
        kind="uat",
        target_element="desire",
        due=initiative.go_live - timedelta(days=40),
    )
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": 1000, "height": 900})
            page.add_init_script(LISTEN_FOR_CSP)
            problems: list[str] = []
            page.on("console", lambda m: problems.append(m.text) if m.type in ("error", "warning") else None)
            page.on("dialog", lambda d: (problems.append("dialog " + d.message), d.dismiss()))
            page.goto(f"{live_url}/login")
            page.fill("#email", cast.owner.email)
            page.fill("#password", Factory.PASSWORD)
            page.click("button[type=submit]")
            page.goto(f"{live_url}/initiatives/{initiative.id}")
            page.wait_for_selector("#plan-timeline[data-drawn=true] .main-svg", timeout=30_000)
            assert page.locator("#plan-timeline .scatterlayer .point").count() == 2
            assert page.locator("#plan-timeline .shapelayer path").count() == 2  # today and go-live
            labels = page.locator("#plan-timeline .annotation-text").all_text_contents()
            assert "Today" in labels and any(label.startswith("Go-live ") for label in labels)
            shown = page.locator("#plan-timeline .textpoint").all_text_contents()
            assert "</script><svg onload=alert(…" in shown  # literal text, shortened
            canvas = page.locator("#plan-timeline").bounding_box()
            caption = page.locator(".chart .caption").bounding_box()
            assert caption["y"] >= canvas["y"] + canvas["height"]  # the chart does not cover its caption
            assert page.evaluate("window.__csp") == []
            assert problems == []
        finally:
            browser.close()
