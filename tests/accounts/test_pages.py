"""The account pages render their parts, and the front end keeps to the strict CSP and the one palette."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from adkar.elements import ELEMENT_COLOURS, ELEMENTS
from adkar.resources import resource_dir

from .helpers import add_user, signed_in, text

TEMPLATES = resource_dir("templates")
APP_CSS = resource_dir("static") / "css" / "app.css"
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)
# Read away from the site (the downloaded one-file report, emails), so they carry their own styles and scripts.
OFF_SITE_DOCUMENTS = frozenset({"dashboard/report.html"})


def test_account_page_shows_profile_password_and_tokens(app):
    add_user(app, "sponsor", email="sue@example.test")
    page = text(signed_in(app, "sue@example.test").get("/account"))
    assert "sue@example.test" in page and "Sponsor" in page
    for label in ("Current password", "New password", "Repeat the new password", "Token name"):
        assert f">{label}</label>" in page
    assert "You have no API tokens." in page
    assert 'aria-current="page"' in page


def test_users_link_only_for_admins(app):
    add_user(app, "admin", email="a@example.test")
    add_user(app, "practitioner", email="p@example.test")
    assert 'href="/admin/users"' in text(signed_in(app, "a@example.test").get("/account"))
    assert 'href="/admin/users"' not in text(signed_in(app, "p@example.test").get("/account"))


def test_error_pages_use_the_house_style(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "Page not found" in text(response) and 'class="card narrow"' in text(response)


def test_stylesheets_are_served(client):
    for name in ("app.css", "print.css"):
        with client.get(f"/static/css/{name}") as response:
            assert response.status_code == 200
            assert response.mimetype == "text/css"
            assert len(response.data) > 1000


@pytest.mark.parametrize(
    "path", sorted(TEMPLATES.rglob("*.html")), ids=lambda p: str(p.relative_to(TEMPLATES))
)
def test_templates_keep_to_the_content_security_policy(path: Path):
    source = path.read_text()
    name = path.relative_to(TEMPLATES).as_posix()
    if name not in OFF_SITE_DOCUMENTS and "/email/" not in name:
        assert "style=" not in source, "inline style attributes are blocked by style-src 'self'"
        assert "<style" not in source.lower(), "<style> blocks are blocked by style-src 'self'"
        assert not INLINE_SCRIPT.search(source), "inline scripts are blocked by script-src 'self'"
    assert not EVENT_HANDLER.search(source), "on* handlers are blocked by script-src 'self'"
    assert "|safe" not in source.replace(" ", ""), "never mark user text safe; build markup in the template"


def test_element_chips_use_the_shared_palette():
    css = APP_CSS.read_text().lower()
    for element in (*ELEMENTS, "none"):
        colour = ELEMENT_COLOURS[element].lower()
        assert f"--el-{element}: {colour};" in css, element
    for element in ELEMENTS:
        assert f".chip-{element} {{" in css and f".swatch-{element} {{" in css


@pytest.mark.parametrize(
    "selector",
    [
        ".skip-link",
        ".container",
        ".card",
        ".cards",
        ".button",
        ".primary",
        ".danger",
        ".link-button",
        ".field",
        ".help",
        ".errors",
        ".has-error",
        ".error-summary",
        ".likert",
        ".likert-option",
        ".table",
        ".table-wrap",
        ".flash-success",
        ".flash-error",
        ".flash-info",
        ".badge",
        ".status-ready",
        ".status-not_ready",
        ".status-no_data",
        ".status-overridden",
        ".kpi",
        ".chart",
        ".caption",
        ".timeline",
        ".muted",
        ".sr-only",
        ".stack",
        ".row",
        ".grid-2",
        ".grid-3",
        ":focus-visible",
    ],
)
def test_design_system_defines(selector):
    assert re.search(re.escape(selector) + r"[\s,{:.>]", APP_CSS.read_text()), selector


def test_status_badges_carry_a_symbol_not_only_colour():
    css = APP_CSS.read_text()
    for status in ("ready", "not_ready", "no_data", "overridden"):
        assert re.search(rf"\.status-{status}::before \{{ content: \"[^\"]+\"", css), status


def test_charts_keep_room_to_draw():
    assert re.search(r"\.chart \{[^}]*min-height: 360px", APP_CSS.read_text())
