"""Accessibility basics on the four pages people use most, checked the way assistive technology sees them.

Names and heading levels come from Chromium's own accessibility tree (through the DevTools protocol), so
a control labelled by aria-label, <label for> or a wrapping <label> all count, as they do for a screen
reader.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import pytest
from playwright.sync_api import expect

from .conftest import (
    DESKTOP,
    PRACTITIONER,
    assert_no_js_errors,
    expect_chart_drawn,
    fresh_link,
    sign_in,
    watch,
)

DEMO = "Service desk platform migration"
CONTROL_ROLES = {
    "button",
    "checkbox",
    "combobox",
    "link",
    "listbox",
    "menuitem",
    "radio",
    "searchbox",
    "slider",
    "spinbutton",
    "switch",
    "textbox",
}
MAX_TABS = 400
# Scroll up, close every <details> and put the keyboard's starting point before the first element, as on
# a freshly loaded page (the pages are shared by the tests of this module).
FROM_THE_TOP = """() => {
    window.scrollTo(0, 0);
    document.querySelectorAll("details").forEach((d) => { d.open = false; });
    const mark = document.createElement("span");
    mark.tabIndex = -1;
    document.body.prepend(mark);
    mark.focus();
    mark.remove();
}"""
WHERE_IS_FOCUS = """(target) => {
    const focused = document.activeElement;
    if (focused === target) return "target";
    const details = focused.tagName === "SUMMARY" ? focused.parentElement : null;
    return details && !details.open && details.contains(target) ? "closed summary" : "elsewhere";
}"""


@dataclass
class Opened:
    page: object
    submit: object  # the control the keyboard must reach
    load_errors: list[str] = field(default_factory=list)  # console errors while the page loaded


def _sign_in_page(page, live_server) -> Opened:
    page.goto("/login")
    return Opened(page, page.get_by_role("button", name="Sign in"))


def _plan_page(page, live_server) -> Opened:
    sign_in(page, PRACTITIONER)
    page.get_by_role("link", name=DEMO).click()
    expect_chart_drawn(page.get_by_role("img", name=re.compile("^Plan timeline")))
    return Opened(page, page.get_by_role("button", name="Add person"))


def _respondent_page(page, live_server) -> Opened:
    page.goto(fresh_link(live_server))
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    return Opened(page, page.get_by_role("button", name="Submit"))


def _dashboard_page(page, live_server) -> Opened:
    sign_in(page, PRACTITIONER)
    page.get_by_role("link", name=DEMO).click()
    page.get_by_role("link", name="Readiness dashboard").click()
    count = page.locator(".chart-canvas").count()
    expect(page.locator(".chart-canvas:has(svg.main-svg)")).to_have_count(count, timeout=30_000)
    # The override forms sit in closed <details>: the keyboard test opens one as a person would.
    button = page.get_by_role("button", name="Record the decision and pass the gate", include_hidden=True)
    return Opened(page, button.first)


PAGES: dict[str, Callable] = {
    "sign-in": _sign_in_page,
    "plan": _plan_page,
    "respondent": _respondent_page,
    "dashboard": _dashboard_page,
}


@pytest.fixture(scope="module")
def opened_pages(browser, live_server) -> Iterator[dict[str, Opened]]:
    """Each page opened once, in a tab of its own, for all the checks of this module (they only read it)."""
    cache: dict[str, Opened] = {}
    contexts = []

    def get(name: str) -> Opened:
        if name not in cache:
            context = browser.new_context(base_url=live_server.url, viewport=DESKTOP)
            contexts.append(context)
            opened = PAGES[name](watch(context.new_page()), live_server)
            opened.load_errors = list(opened.page.js_errors)
            opened.page.js_errors.clear()
            cache[name] = opened
        return cache[name]

    yield get
    for context in contexts:
        context.close()


@pytest.fixture(params=list(PAGES))
def opened(request, opened_pages) -> Opened:
    found = opened_pages(request.param)
    found.page.evaluate(FROM_THE_TOP)
    return found


def ax_nodes(page) -> list[dict]:
    """The page's accessibility tree as Chromium exposes it; unnamed controls carry their HTML in "_html"."""
    session = page.context.new_cdp_session(page)
    try:
        nodes = session.send("Accessibility.getFullAXTree")["nodes"]
        for node in nodes:
            if not node.get("ignored") and _role(node) in CONTROL_ROLES and not _name(node):
                node["_html"] = _describe(session, node)
        return nodes
    finally:
        session.detach()


def _name(node: dict) -> str:
    return (node.get("name", {}).get("value") or "").strip()


def _describe(session, node: dict) -> str:
    backend = node.get("backendDOMNodeId")
    if backend is None:
        return "(no DOM node)"
    described = session.send("DOM.describeNode", {"backendNodeId": backend})["node"]
    attributes = described.get("attributes", [])
    pairs = " ".join(f'{k}="{v}"' for k, v in zip(attributes[::2], attributes[1::2], strict=True))
    return f"<{described['nodeName'].lower()} {pairs}>"


def _role(node: dict) -> str:
    return node.get("role", {}).get("value", "")


def test_page_loads_without_errors(opened):
    """Uncaught exceptions and console errors (CSP violations among them) while the page loaded."""
    opened.page.js_errors[:0] = opened.load_errors
    opened.load_errors = []
    assert_no_js_errors(opened.page)


def test_every_control_has_an_accessible_name(opened):
    page = opened.page
    page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
    nodes = ax_nodes(page)
    controls = [n for n in nodes if not n.get("ignored") and _role(n) in CONTROL_ROLES]
    assert controls, "no controls found: is the page empty?"
    unnamed = [f"{_role(n)}: {n['_html']}" for n in controls if not _name(n)]
    assert unnamed == [], "controls without an accessible name:\n" + "\n".join(unnamed)
    assert_no_js_errors(page)


def test_headings_start_with_one_h1_and_skip_no_level(opened):
    page = opened.page
    levels = [
        int(prop["value"]["value"])
        for node in ax_nodes(opened.page)
        if not node.get("ignored") and _role(node) == "heading"
        for prop in node.get("properties", [])
        if prop["name"] == "level"
    ]
    assert levels, "no headings"
    assert levels[0] == 1, f"the first heading is h{levels[0]}: {levels}"
    assert levels.count(1) == 1, f"more than one h1: {levels}"
    skips = [(a, b) for a, b in itertools.pairwise(levels) if b > a + 1]
    assert skips == [], f"heading levels skip: {skips} in {levels}"
    assert_no_js_errors(page)


def test_skip_link_moves_the_keyboard_to_the_content(opened):
    page = opened.page
    page.keyboard.press("Tab")
    skip = page.locator(":focus")
    expect(skip).to_have_text(re.compile("^Skip to"))
    expect(skip).to_be_in_viewport()
    target_id = skip.get_attribute("href").removeprefix("#")
    target = page.locator(f"#{target_id}")
    page.keyboard.press("Enter")
    if target.get_attribute("tabindex") is not None:
        expect(target).to_be_focused()
    else:
        page.keyboard.press("Tab")
        assert target.evaluate("el => el.contains(document.activeElement)"), (
            "Tab after the skip link left the content"
        )
    if target_id == "main":
        assert page.evaluate("document.activeElement.tagName") == "MAIN"
    assert_no_js_errors(page)


def test_images_and_charts_have_names(opened):
    page = opened.page
    unnamed_images = page.locator("img:not([alt])")
    expect(unnamed_images).to_have_count(0)
    for chart in page.locator(".chart-canvas").all():
        expect(chart).to_have_attribute("role", "img")
        expect(chart).to_have_attribute("aria-label", re.compile(r"\w+ \w+"))
    # Decorative SVG outside the charts must be hidden from assistive technology or named
    # (plotly's off-screen text-measuring svg, #js-plotly-tester, holds no content).
    bare_svg = page.locator(
        "svg:not([aria-hidden=true]):not([aria-label]):not([aria-labelledby])"
        ":not(.chart-canvas svg):not(#js-plotly-tester)"
    )
    expect(bare_svg).to_have_count(0)
    assert_no_js_errors(page)


def test_keyboard_reaches_the_submit_button_with_a_visible_focus_ring(opened):
    page = opened.page
    target = opened.submit
    expect(target).to_be_attached()
    handle = target.element_handle()
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        where = page.evaluate(WHERE_IS_FOCUS, handle)
        if where == "target":
            break
        if where == "closed summary":  # a <details> holding the button opens with Enter, as a person does
            page.keyboard.press("Enter")
    else:
        pytest.fail(f"{MAX_TABS} presses of Tab never reached the submit button")
    style = target.evaluate(
        "el => { const s = getComputedStyle(el); return [s.outlineStyle, s.outlineWidth]; }"
    )
    assert style[0] != "none" and style[1] != "0px", f"no focus outline on the focused button: {style}"
    assert_no_js_errors(page)
