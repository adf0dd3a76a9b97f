"""Security headers on every kind of response, cookie flags, and templates that a strict CSP can serve.

Kinds of response: signed-in page, sign-in page, API JSON, API error, HTML error pages (404, 500), static
file, vendored script, respondent pages, thank-you page, CSV and XLSX downloads and the HTML report.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Flask

from adkar import create_app
from adkar.extensions import db

from ..factories import Factory
from . import payload_world
from .support import csrf_token, sign_in

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
# Self-contained files opened outside the app (they carry their own CSP) and HTML emails (mail clients
# need inline styles; they run no script).
TEMPLATE_EXEMPT = ("dashboard/report.html", "waves/email/")
REQUIRED_NONE = ("object-src", "base-uri", "frame-ancestors")

INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc\s*=)(?![^>]*type=\"application/json\")[^>]*>", re.I)
STYLE_ATTRIBUTE = re.compile(r"<[a-zA-Z][^<>]*\sstyle\s*=", re.S)
STYLE_TAG = re.compile(r"<style\b", re.I)
HANDLER_ATTRIBUTE = re.compile(r"<[a-zA-Z][^<>]*\son[a-z]+\s*=", re.S | re.I)
JAVASCRIPT_URL = re.compile(r"javascript:", re.I)


def csp(response) -> dict[str, list[str]]:
    header = response.headers.get("Content-Security-Policy")
    assert header, f"{response.request.path}: no Content-Security-Policy"
    directives: dict[str, list[str]] = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name.lower()] = values
    return directives


def csp_problems(response) -> list[str]:
    policy = csp(response)
    problems = [f"{d} is not 'none'" for d in REQUIRED_NONE if policy.get(d) != ["'none'"]]
    if policy.get("object-src") is None and policy.get("default-src") == ["'none'"]:
        problems = [p for p in problems if not p.startswith("object-src")]
    for name, values in policy.items():
        if "'unsafe-inline'" in values or "'unsafe-eval'" in values:
            problems.append(f"{name} allows {' '.join(values)}")
    script = policy.get("script-src", policy.get("default-src"))
    if script != ["'self'"]:
        problems.append(f"script-src is {script}")
    return problems


def inline_code(html: str) -> list[str]:
    """Inline script, style or event handlers: what a strict CSP would block (and an attacker would use)."""
    found = []
    for name, pattern in (
        ("inline <script>", INLINE_SCRIPT),
        ("style= attribute", STYLE_ATTRIBUTE),
        ("<style>", STYLE_TAG),
        ("on*= handler", HANDLER_ATTRIBUTE),
        ("javascript: URL", JAVASCRIPT_URL),
    ):
        found += [f"{name}: {m.group(0)[:80]!r}" for m in pattern.finditer(html)]
    return found


@pytest.fixture
def world(app) -> payload_world.PayloadWorld:
    return payload_world.build(app, "Service desk migration")


def add_failing_route(app: Flask) -> None:
    def boom():
        raise RuntimeError("deliberate failure for the header test")

    app.add_url_rule("/boom-for-header-test", "boom_for_header_test", boom)


def responses_of_every_kind(app: Flask, world) -> dict[str, object]:
    add_failing_route(app)
    owner = sign_in(app, world.owner_email)
    anonymous = app.test_client()
    api = {"Authorization": f"Bearer {world.api_token}"}
    initiative, wave = world.initiative_id, world.wave_id
    got = {
        "sign-in page": anonymous.get("/login"),
        "plan page": owner.get(f"/initiatives/{initiative}"),
        "dashboard": owner.get(f"/initiatives/{initiative}/dashboard"),
        "wave readiness page": owner.get(f"/waves/{wave}/readiness"),
        "wave progress JSON": owner.get(f"/waves/{wave}/progress.json"),
        "API JSON": anonymous.get("/api/v1/me", headers=api),
        "API readiness": anonymous.get(f"/api/v1/waves/{wave}/readiness", headers=api),
        "API document": anonymous.get("/api/v1/openapi.json"),
        "API error": anonymous.get("/api/v1/me"),
        "error page 404": owner.get("/no-such-page"),
        "error page 500": owner.get("/boom-for-header-test"),
        "static file": anonymous.get("/static/css/app.css"),
        "vendored script": anonymous.get("/static/vendor/plotly.min.js"),
        "respondent page": anonymous.get(f"/s/{world.spare_token}"),
        "open-link page": anonymous.get(f"/o/{world.open_token}"),
        "unknown link page": anonymous.get("/s/not-a-real-token"),
        "thank-you page": anonymous.get("/thank-you"),
        "readiness CSV": owner.get(f"/initiatives/{initiative}/readiness.csv"),
        "readiness XLSX": owner.get(f"/initiatives/{initiative}/readiness.xlsx"),
        "responses CSV": owner.get(f"/waves/{wave}/responses.csv"),
        "audit CSV": owner.get(f"/initiatives/{initiative}/audit.csv"),
        "HTML report": owner.get(f"/initiatives/{initiative}/report.html"),
    }
    expected = {"error page 404": 404, "error page 500": 500, "API error": 401, "unknown link page": 404}
    for name, response in got.items():
        response.get_data()  # buffered, so the file behind a static response can be closed now
        response.close()
        assert response.status_code == expected.get(name, 200), f"{name}: {response.status_code}"
    return got


def test_every_kind_of_response_carries_the_security_headers(app, world):
    failures = []
    for name, response in responses_of_every_kind(app, world).items():
        failures += [f"{name}: {p}" for p in csp_problems(response) if name != "HTML report"]
        if response.headers.get("X-Content-Type-Options") != "nosniff":
            failures.append(f"{name}: no X-Content-Type-Options: nosniff")
        if response.headers.get("Referrer-Policy") != "no-referrer":
            failures.append(f"{name}: Referrer-Policy is {response.headers.get('Referrer-Policy')}")
        if "Strict-Transport-Security" in response.headers:
            failures.append(f"{name}: HSTS sent over plain HTTP")
        cache = response.headers.get("Cache-Control", "")
        if not name.startswith(("static", "vendored")) and "no-store" not in cache:
            failures.append(f"{name}: Cache-Control is {cache!r}, expected no-store")
    assert not failures, "\n".join(failures)


def test_the_downloadable_report_is_sealed_even_though_it_inlines_its_code(app, world):
    """The report inlines its scripts and styles (it is opened from disk), so it gets its own policy: no
    network, no framing, no plugins, and it is only ever sent as an attachment."""
    report = sign_in(app, world.owner_email).get(f"/initiatives/{world.initiative_id}/report.html")
    policy = csp(report)
    assert report.headers["Content-Disposition"].startswith("attachment")
    assert policy["default-src"] == ["'none'"] and policy["connect-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"] and policy["base-uri"] == ["'none'"]
    assert policy["object-src"] == ["'none'"] and policy["form-action"] == ["'none'"]
    assert report.headers["Cache-Control"] == "no-store"


def test_html_pages_contain_no_inline_code(app, world):
    failures = []
    for name, response in responses_of_every_kind(app, world).items():
        if response.mimetype == "text/html" and name != "HTML report":
            failures += [f"{name}: {p}" for p in inline_code(response.get_data(as_text=True))]
    assert not failures, "\n".join(failures)


def test_hsts_only_over_https(app, world):
    anonymous = app.test_client()
    secure = anonymous.get("/login", base_url="https://adkar.test")
    hsts = secure.headers.get("Strict-Transport-Security", "")
    assert re.fullmatch(r"max-age=(\d+); includeSubDomains", hsts), hsts
    assert int(re.search(r"\d+", hsts).group()) >= 365 * 24 * 3600
    assert anonymous.get(f"/s/{world.spare_token}", base_url="https://adkar.test").headers[
        "Strict-Transport-Security"
    ]
    assert "Strict-Transport-Security" not in anonymous.get("/login").headers
    spoofed = anonymous.get("/login", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" not in spoofed.headers  # no proxy is trusted by default


def test_hsts_behind_a_trusted_proxy(app_config):
    app = create_app({**app_config, "PROXY_FIX": 1})
    response = app.test_client().get("/login", headers={"X-Forwarded-Proto": "https"})
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def production_app(app_config, monkeypatch):
    """The app as ADKAR_ENV=production builds it: CSRF on, not in testing mode."""
    monkeypatch.setenv("ADKAR_ENV", "production")
    monkeypatch.setenv("ADKAR_SECRET_KEY", "a-long-random-production-secret-for-tests")
    config = {k: v for k, v in app_config.items() if k not in ("TESTING", "WTF_CSRF_ENABLED", "SECRET_KEY")}
    production = create_app(config)
    with production.app_context():
        Factory().user(email="prod@example.test")
    yield production
    with production.app_context():
        db.engine.dispose()


def session_cookie_header(response) -> str:
    cookies = [h for h in response.headers.getlist("Set-Cookie") if h.startswith("session=")]
    assert cookies, "no session cookie was set"
    return cookies[-1]


def test_production_session_cookie_is_secure_httponly_samesite(production_app):
    assert production_app.config["WTF_CSRF_ENABLED"] is not False
    client = production_app.test_client()
    page = client.get("/login", base_url="https://adkar.test")
    response = client.post(
        "/login",
        base_url="https://adkar.test",
        data={
            "email": "prod@example.test",
            "password": Factory.PASSWORD,
            "csrf_token": csrf_token(page.text),
        },
    )
    # No Referer header: browsers send none under Referrer-Policy: no-referrer, and sign-in must still work.
    assert response.status_code == 302, response.text[:500]
    cookie = session_cookie_header(response)
    flags = {part.strip().split("=")[0].lower() for part in cookie.split(";")[1:]}
    assert {"secure", "httponly"} <= flags, cookie
    assert re.search(r"SameSite=(Lax|Strict)", cookie), cookie
    assert client.get("/account", base_url="https://adkar.test").status_code == 200


def test_development_session_cookie_is_httponly_samesite(app, world):
    client = app.test_client()
    page = client.get("/login")
    response = client.post(
        "/login",
        data={"email": world.owner_email, "password": Factory.PASSWORD, "csrf_token": csrf_token(page.text)},
    )
    cookie = session_cookie_header(response)
    assert "HttpOnly" in cookie and re.search(r"SameSite=(Lax|Strict)", cookie), cookie


def test_cross_site_form_posts_are_refused(production_app):
    """Browsers label cross-site requests (Sec-Fetch-Site); a forged form post fails even with a token."""
    client = production_app.test_client()
    page = client.get("/login", base_url="https://adkar.test")
    data = {"email": "prod@example.test", "password": Factory.PASSWORD, "csrf_token": csrf_token(page.text)}
    forged = client.post(
        "/login", base_url="https://adkar.test", data=data, headers={"Sec-Fetch-Site": "cross-site"}
    )
    assert forged.status_code == 403
    assert client.get("/account", base_url="https://adkar.test").status_code == 302  # not signed in
    same = client.post(
        "/login", base_url="https://adkar.test", data=data, headers={"Sec-Fetch-Site": "same-origin"}
    )
    assert same.status_code == 302


def template_files() -> list[Path]:
    files = sorted(TEMPLATES.rglob("*.html"))
    assert len(files) > 20, "suspiciously few templates"
    return [f for f in files if not f.relative_to(TEMPLATES).as_posix().startswith(TEMPLATE_EXEMPT)]


def test_templates_contain_no_inline_script_style_or_handlers():
    failures = []
    for path in template_files():
        failures += [f"{path.relative_to(TEMPLATES)}: {p}" for p in inline_code(path.read_text())]
    assert not failures, "\n".join(failures)


def test_the_template_scan_would_catch_each_kind():
    """The control for the scan above: each forbidden pattern is found, and allowed forms are not."""
    bad = [
        "<script>alert(1)</script>",
        '<div style="color:red">',
        "<style>p{}</style>",
        '<img src=x onerror="alert(1)">',
        '<a href="javascript:void(0)">',
        '<button\n  onclick="go()">',
    ]
    for snippet in bad:
        assert inline_code(snippet), snippet
    good = [
        '<script src="/static/js/charts.js" defer></script>',
        '<script type="application/json">{}</script>',
    ]
    for snippet in good:
        assert not inline_code(snippet), snippet
