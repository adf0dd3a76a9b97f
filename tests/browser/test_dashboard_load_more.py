"""A dashboard of 30 groups shows 25; "Show more groups" appends the other five in place, with no reload."""

from __future__ import annotations

from datetime import timedelta

from playwright.sync_api import expect
from sqlalchemy import select

from adkar.accounts.models import User
from adkar.extensions import db
from adkar.plan import services as plan
from adkar.timeutil import today

from ..dashboard.builders import make_wave, respond
from .conftest import PRACTITIONER, assert_no_js_errors, sign_in


def many_groups(app) -> int:
    with app.app_context():
        owner = db.session.scalars(select(User).where(User.email == PRACTITIONER)).one()
        day = today()
        initiative = plan.create_initiative(
            owner=owner,
            name="Thirty teams",
            approach="sequential",
            go_live=day + timedelta(days=30),
            description="",
        )
        groups = []
        for start in range(0, 30, 10):
            rows = [
                {"name": f"Team {i:02d}", "headcount": 50, "description": ""}
                for i in range(start, start + 10)
            ]
            groups += plan.create_groups(initiative=initiative, actor=owner, rows=rows)
        wave = make_wave(
            initiative,
            owner,
            groups,
            name="Pulse",
            opens_on=day - timedelta(days=2),
            closes_on=day + timedelta(days=5),
        )
        for i, group in enumerate(groups):
            respond(wave.id, group.id, [(5, 5, 5, 5, 5)] * (5 + i))  # Team 29 the largest
        return initiative.id


def test_show_more_appends_the_remaining_groups(page, live_server):
    initiative_id = many_groups(live_server.app)
    sign_in(page, PRACTITIONER)
    page.goto(f"/initiatives/{initiative_id}/dashboard")
    table = page.locator("#focus-groups")
    rows = table.locator("tbody tr")
    expect(rows).to_have_count(26)  # 25 groups and the overall row
    expect(rows.first.locator("th")).to_have_text("Team 29")
    more = page.get_by_role("link", name="Show more groups (5 more)")
    url = page.url
    more.click()
    expect(rows).to_have_count(31)
    expect(rows.nth(29).locator("th")).to_have_text("Team 00")  # appended before the overall row
    expect(rows.last).to_have_class("total-row")
    expect(more).to_have_count(0)  # the last page: the link is gone
    assert page.url == url
    assert_no_js_errors(page)
