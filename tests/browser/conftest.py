"""Browser tests: the real app served on 127.0.0.1, driven by Playwright in Debian's Chromium.

Locally they skip with a message when Chromium is missing; with ADKAR_REQUIRE_BROWSER=1 (CI) they fail.
Screenshots land in tests/artifacts/ for people to look at.

Every page a test opens records its JavaScript errors and console errors (CSP violations are console
errors) in `page.js_errors`; tests end with `assert_no_js_errors(page)`. A deliberate HTTP error (a 403
answer to a forged POST, the 404 page of a used survey link) also logs a console line: tests name it with
`expect_http_error` so that only the errors they caused on purpose are forgiven.
"""

from __future__ import annotations

import os
import re
import shutil
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from werkzeug.security import generate_password_hash
from werkzeug.serving import make_server

from adkar import create_app
from adkar.accounts import services as accounts_services
from adkar.extensions import db
from adkar.migrate import upgrade

CHROMIUM = os.environ.get("ADKAR_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
DEMO_PASSWORD = "demo-password"
PRACTITIONER = "practitioner@demo.adkar.test"
SPONSOR = "sponsor@demo.adkar.test"
ADMIN = "admin@demo.adkar.test"
OPEN_DEMO_WAVE = "Readiness before go-live"  # the demo wave that is open today
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


# A small CI machine under load compiles plotly.js slowly (4-10 s the first time in a tab).
EXPECT_TIMEOUT_MS = 15_000
CHART_TIMEOUT_MS = 30_000


def pytest_configure(config):
    from playwright.sync_api import expect

    expect.set_options(timeout=EXPECT_TIMEOUT_MS)


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).resolve().parent
    for item in items:
        if Path(str(item.fspath)).resolve().is_relative_to(here):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def chromium_path() -> str:
    if not (shutil.which(CHROMIUM) or os.path.exists(CHROMIUM)):
        message = f"Chromium not found at {CHROMIUM}: install it with `apt-get install -y chromium`."
        if os.environ.get("ADKAR_REQUIRE_BROWSER"):
            pytest.fail(message)
        pytest.skip(message)
    return CHROMIUM


@pytest.fixture(scope="module")
def browser(chromium_path) -> Iterator:
    """Per module: Playwright's sync API allows one running instance per thread, and other suites start their own."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class LiveServer:
    """The app on a free port of 127.0.0.1, in a thread, with its own SQLite file and the demo data."""

    def __init__(self, app):
        self.app = app
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.thread.join(timeout=10)
        self.server.server_close()


def _fast_hash(password: str) -> str:
    return generate_password_hash(password, method="pbkdf2:sha256:1")


@pytest.fixture(scope="module")
def live_server(tmp_path_factory) -> Iterator[LiveServer]:
    path = tmp_path_factory.mktemp("live") / "adkar.sqlite3"
    app = create_app(
        {
            "SECRET_KEY": "browser-tests",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
            "RATELIMIT_ENABLED": False,
            "QUEUE_URL": "immediate",  # jobs run in the request's thread, as in the rest of the suite
            "EXPORTS_DIR": str(path.parent / "exports"),
        }
    )
    upgrade(app)
    from adkar.demo import load_demo

    # scrypt costs ~0.5 s per hash: the demo users get a cheap hash so every sign-in stays fast.
    with app.app_context(), pytest.MonkeyPatch.context() as patch:
        patch.setattr(accounts_services, "generate_password_hash", _fast_hash)
        load_demo(password=DEMO_PASSWORD)
    with LiveServer(app) as server:
        yield server
    with app.app_context():
        db.engine.dispose()


def watch(page):
    """Collect the page's uncaught exceptions and console errors (with the URL they concern)."""
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(f"uncaught: {exc}"))

    def on_console(msg) -> None:
        if msg.type == "error":
            errors.append(f"{msg.text} [{msg.location.get('url', '')}]")

    page.on("console", on_console)
    page.js_errors = errors
    return page


def _tab_fixture(viewport: dict, **options):
    """One browser tab per module and kind of device, handed to each test in turn.

    Chromium compiles plotly.js (4.8 MB) in about 4 s on a small machine, once per renderer process: a tab
    kept for the module draws later charts in well under a second. Between tests the tab is reset: cookies
    cleared (nobody stays signed in), errors forgotten, screen media, other tabs closed.
    """

    @pytest.fixture(scope="module")
    def tab(browser, live_server) -> Iterator:
        context = browser.new_context(base_url=live_server.url, viewport=viewport, **options)
        yield watch(context.new_page())
        context.close()

    return tab


desktop_tab = _tab_fixture(DESKTOP)
phone_tab = _tab_fixture(PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)


def _reset(tab) -> None:
    for other in tab.context.pages:
        if other is not tab:
            other.close()
    tab.goto("/login")  # a page of the same site: Chromium keeps the renderer process (and its compiled code)
    tab.context.clear_cookies()
    tab.emulate_media(media="screen")
    tab.set_viewport_size(tab.default_viewport)
    tab.js_errors.clear()


def _fresh(tab) -> Iterator:
    tab.default_viewport = getattr(tab, "default_viewport", None) or dict(tab.viewport_size)
    _reset(tab)
    yield tab
    _reset(tab)


@pytest.fixture
def page(desktop_tab) -> Iterator:
    yield from _fresh(desktop_tab)


@pytest.fixture
def phone_page(phone_tab) -> Iterator:
    yield from _fresh(phone_tab)


@pytest.fixture
def new_page(browser, live_server) -> Iterator[Callable]:
    """A factory: a watched page in a browser context of its own (another viewport, a second person)."""
    contexts = []

    def make(viewport: dict | None = None, **options):
        context = browser.new_context(base_url=live_server.url, viewport=viewport or DESKTOP, **options)
        contexts.append(context)
        return watch(context.new_page())

    yield make
    for context in contexts:
        context.close()


def sign_in(page, email: str, password: str = DEMO_PASSWORD) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/login" not in url)


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def expect_http_error(page, status: int, path: str) -> None:
    """Forgive the one console line Chromium logs for a deliberate HTTP error status on `path`."""
    pattern = re.compile(rf"status of {status}\b.*\[https?://[^/\]]+{re.escape(path)}(\?[^\]]*)?\]$")
    for index, line in enumerate(page.js_errors):
        if pattern.search(line):
            del page.js_errors[index]
            return
    raise AssertionError(f"expected a console error for HTTP {status} on {path}; got {page.js_errors}")


def expect_chart_drawn(container) -> None:
    """plotly.js drew the chart: an svg.main-svg inside its container (role=img)."""
    from playwright.sync_api import expect

    expect(container.locator("svg.main-svg").first).to_be_attached(timeout=CHART_TIMEOUT_MS)


def assert_no_js_errors(page) -> None:
    """No uncaught exception and no console error; repeated lines are counted, not repeated."""
    if not page.js_errors:
        return
    counts = Counter(re.sub(r"(hash \('sha256-[^']+'\)).*?( \[)", r"\1 ...\2", e) for e in page.js_errors)
    lines = [f"{n} x {text}" if n > 1 else text for text, n in counts.items()]
    page.js_errors.clear()
    raise AssertionError("JavaScript or console errors (CSP violations included):\n" + "\n".join(lines))


def api_token(live_server: LiveServer, email: str) -> str:
    """A fresh API token for the user (what `flask create-api-token` does)."""
    from sqlalchemy import select

    from adkar.accounts.models import User

    with live_server.app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        assert user is not None, email
        _, plain = accounts_services.create_api_token(user=user, name="browser tests")
    return plain


def fresh_link(live_server: LiveServer, *, wave: str = OPEN_DEMO_WAVE, group: str = "Field engineers") -> str:
    """A new personal survey link (path only), issued without the browser."""
    from sqlalchemy import select

    from adkar.accounts.models import User
    from adkar.plan.models import StakeholderGroup
    from adkar.surveys.invitations import services as invitations
    from adkar.surveys.models import Wave

    with live_server.app.app_context():
        found = db.session.scalar(select(Wave).where(Wave.name == wave))
        group_id = db.session.scalar(select(StakeholderGroup.id).where(StakeholderGroup.name == group))
        actor = db.session.scalar(select(User).where(User.email == PRACTITIONER))
        (token,) = invitations.issue_links(wave=found, group_id=group_id, count=1, actor=actor)
    return f"/s/{token}"
