"""Browser helpers for the issue-7 charts: the app served on 127.0.0.1 and a page that records CSP violations."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from werkzeug.serving import make_server

from tests.factories import Factory

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
LISTEN_FOR_CSP = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", e => window.__csp.push(e.violatedDirective + " " + e.sourceFile));
"""


@contextmanager
def served(app) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join()


@contextmanager
def signed_in_page(playwright, base: str, email: str, *, width: int = 1100) -> Iterator:
    """A Chromium page signed in as `email`; `page.problems` collects console errors, warnings and dialogs."""
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
    try:
        page = browser.new_page(viewport={"width": width, "height": 900})
        page.add_init_script(LISTEN_FOR_CSP)
        problems: list[str] = []
        page.on("console", lambda m: problems.append(m.text) if m.type in ("error", "warning") else None)
        page.on("dialog", lambda d: (problems.append("dialog " + d.message), d.dismiss()))
        page.problems = problems
        page.goto(f"{base}/login")
        page.fill("#email", email)
        page.fill("#password", Factory.PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(lambda url: "/login" not in url)
        yield page
    finally:
        browser.close()
