"""In a real Chromium, under the strict CSP: the usage chart draws its target line, go-live and series."""

from __future__ import annotations

from datetime import timedelta

import pytest

from adkar.adoption import services
from adkar.extensions import db
from adkar.timeutil import today
from tests.actions.browser import CHROMIUM, served, signed_in_page
from tests.actions.support import wave

pytestmark = [pytest.mark.browser, pytest.mark.slow]
playwright = pytest.importorskip("playwright.sync_api")


@pytest.mark.skipif(CHROMIUM is None, reason="no Chromium on this machine")
@pytest.mark.parametrize("width", [1100, 390])
def test_usage_chart_draws_without_csp_violations(app, cast, width):
    day = today()
    cast.initiative.go_live = day - timedelta(days=14)
    cast.desk.name = "</script><b>Desk</b>"
    db.session.commit()
    wave(
        cast.initiative,
        cast.owner,
        {cast.desk: [(5, 5, 4, 4, 4)] * 5},
        name="Pulse",
        opens_on=day - timedelta(days=30),
        closes_on=day - timedelta(days=20),
    )
    services.import_figures(
        initiative=cast.initiative,
        actor=cast.owner,
        source="test",
        rows=[
            {"group_id": cast.desk.id, "day": day - timedelta(days=d), "active_users": a}
            for d, a in ((21, 3), (10, 12), (2, 17))
        ],
    )
    with (
        served(app) as base,
        playwright.sync_playwright() as p,
        signed_in_page(p, base, cast.sponsor.email, width=width) as page,
    ):
        page.goto(f"{base}/initiatives/{cast.initiative.id}/adoption")
        page.wait_for_selector("#usage-adoption[data-drawn=true] .main-svg", timeout=30_000)
        assert page.locator("#usage-adoption .scatterlayer .trace").count() >= 3
        assert page.locator("#usage-adoption .shapelayer path").count() == 3  # target, go-live, today
        notes = page.locator("#usage-adoption .annotation-text").all_text_contents()
        assert "Target utilisation 80%" in notes and "Go-live" in notes
        assert page.locator("#usage-adoption .updatemenu-container").count() == 1  # Overall / the group
        assert page.evaluate("window.__csp") == []
        assert page.problems == []
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
