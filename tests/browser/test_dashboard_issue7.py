"""Issue 7 on the demo dashboard in a real browser: actions in flight beside the groups at risk, the change
that outruns its people on the gate board, and the usage chart against survey adoption (strict CSP)."""

from __future__ import annotations

import json
import re

from playwright.sync_api import expect

from .conftest import (
    CHART_TIMEOUT_MS,
    PHONE,
    PRACTITIONER,
    SPONSOR,
    assert_no_js_errors,
    expect_chart_drawn,
    screenshot,
    sign_in,
)

DEMO = "Service desk platform migration"
SCHEDULED_CHANGE = "CHG0031234"  # the demo's go-live change, scheduled while the go-live gate is not ready


def open_dashboard(page, email: str) -> None:
    sign_in(page, email)
    page.get_by_role("link", name=DEMO).click()
    page.get_by_role("link", name="Readiness dashboard").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{DEMO}: readiness")


def test_usage_chart_draws_with_target_go_live_and_today(page):
    open_dashboard(page, SPONSOR)
    usage = page.get_by_role("region", name="Measured adoption", exact=True)
    expect(usage).to_be_visible()
    tiles = usage.get_by_role("list", name="Measured adoption")
    expect(tiles.locator("[data-kpi=ultimate_utilisation]")).to_have_text(re.compile(r"^\d+%$"))
    expect(tiles.locator("[data-kpi=target_utilisation]")).to_have_text("80%")
    expect(tiles.locator("[data-kpi=speed_of_adoption]")).to_have_text("Not yet")  # a pilot before go-live

    canvas = page.locator("#usage-adoption")
    expect(canvas).to_have_attribute("role", "img")
    expect_chart_drawn(canvas)
    expect(page.locator("#usage-adoption[data-drawn=true]")).to_have_count(1, timeout=CHART_TIMEOUT_MS)
    expect(canvas.locator(".shapelayer path")).to_have_count(3)  # target, go-live, today
    notes = canvas.locator(".annotation-text").all_text_contents()
    assert "Target utilisation 80%" in notes and "Go-live" in notes and "Today" in notes
    assert canvas.locator(".scatterlayer .trace").count() >= 3  # utilisation, survey adoption, resistance
    expect(canvas.locator(".updatemenu-container")).to_have_count(1)  # Overall and each group
    data = json.loads(page.locator('script.chart-data[data-target="usage-adoption"]').text_content())
    pilot = [t for t in data["data"] if t["visible"] is True and t["name"] == "Utilisation (usage)"]
    assert len(pilot) == 1 and len(pilot[0]["y"]) == 6  # six weekly pilot figures
    assert_no_js_errors(page)


def test_change_risk_alert_and_change_records_on_the_gate_board(page):
    open_dashboard(page, SPONSOR)
    gates = page.get_by_role("region", name="Readiness gates", exact=True)
    alert = gates.locator("#change-risks")
    expect(alert).to_be_visible()
    expect(alert).to_contain_text("1 change is scheduled or implementing while the people gate is not ready")
    expect(alert).to_contain_text(f"Change {SCHEDULED_CHANGE} is scheduled while the people gate")
    table = page.get_by_role("table", name="Readiness gates by milestone and stakeholder group")
    assert table.get_by_role("columnheader").all_inner_texts()[:3] == ["Milestone", "Gate", "Change record"]
    go_live = table.get_by_role("row", name=re.compile("^Go-live"))
    expect(go_live.get_by_role("link", name=re.compile(SCHEDULED_CHANGE))).to_have_attribute(
        "href", f"https://itsm.example.com/change/{SCHEDULED_CHANGE}"
    )
    expect(go_live).to_contain_text("Change ahead of its people")
    uat = table.get_by_role("row", name=re.compile("^User acceptance testing"))
    expect(uat).to_contain_text("Closed")
    expect(uat.get_by_text("Change ahead of its people")).to_have_count(0)
    assert_no_js_errors(page)


def test_actions_in_flight_beside_each_group_at_risk(page):
    open_dashboard(page, PRACTITIONER)
    at_risk = page.get_by_role("region", name="Groups at risk", exact=True)
    table = at_risk.get_by_role("table", name=re.compile("^Groups below the go-live threshold"))
    named = table.get_by_role("rowheader").all_inner_texts()
    assert named  # the demo has lagging groups
    plans = at_risk.locator("#at-risk-actions")
    expect(plans.get_by_role("heading", name="Actions in flight")).to_be_visible()
    cards = plans.get_by_role("article")
    expect(cards).to_have_count(len(named))
    headings = cards.get_by_role("heading").all_inner_texts()
    assert all(h.startswith(n) for h, n in zip(headings, named, strict=True)), (headings, named)

    field = plans.get_by_role("article", name=re.compile("^Field engineers"))
    expect(field).to_contain_text("Manager conversations on what is in it for them")
    expect(field).to_contain_text(re.compile(r"Desire mean (rose|fell|held)"))
    expect(field).to_contain_text("1 open resistance entry (14 people)")
    expect(table.get_by_role("row", name=re.compile("^Field engineers"))).to_contain_text("14 people")

    field.get_by_role("link", name="Open the action plan of Field engineers").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Field engineers")
    assert_no_js_errors(page)


def test_the_new_panels_fit_a_phone(new_page):
    phone = new_page(PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    open_dashboard(phone, SPONSOR)
    expect_chart_drawn(phone.locator("#usage-adoption"))
    expect(phone.locator("#at-risk-actions")).to_be_visible()
    expect(phone.locator("#change-risks")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    screenshot(phone, "dashboard-issue7-phone")
    assert_no_js_errors(phone)
