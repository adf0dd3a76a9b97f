"""In a real Chromium, under the strict CSP: the portfolio heatmap draws its cells and go-live marks."""

from __future__ import annotations

import pytest

from adkar.timeutil import today
from tests.actions.browser import CHROMIUM, served, signed_in_page

pytestmark = [pytest.mark.browser, pytest.mark.slow]
playwright = pytest.importorskip("playwright.sync_api")


@pytest.mark.skipif(CHROMIUM is None, reason="no Chromium on this machine")
def test_portfolio_heatmap_draws_without_csp_violations(app, cast, factory):
    start = today().replace(day=1)
    cast.initiative.go_live = start.replace(day=20)
    factory.milestone(cast.initiative, name="<i>UAT</i>", kind="uat", due=start.replace(day=5))
    portal = factory.initiative(cast.owner, name="Portal", go_live=start.replace(day=25))
    factory.group(portal, name="service desk")
    with (
        served(app) as base,
        playwright.sync_playwright() as p,
        signed_in_page(p, base, cast.owner.email) as page,
    ):
        page.goto(f"{base}/portfolio?start={start:%Y-%m}&months=3")
        page.wait_for_selector("#portfolio-heatmap[data-drawn=true] .main-svg", timeout=30_000)
        assert page.locator("#portfolio-heatmap .hm").count() == 1
        notes = page.locator("#portfolio-heatmap .annotation-text").all_text_contents()
        assert "3 ★" in notes  # Service desk this month: UAT, go-live, the portal's go-live
        assert sorted(notes) == ["2 ★", "3 ★"]  # Field engineers: UAT and go-live
        assert page.evaluate("window.__csp") == []
        assert page.problems == []
