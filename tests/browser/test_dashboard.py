"""The "readiness" done-criteria in a real browser: the sponsor's dashboard on the demo initiative."""

from __future__ import annotations

import json
import re
from pathlib import Path

from playwright.sync_api import expect

from .conftest import (
    CHART_TIMEOUT_MS,
    PRACTITIONER,
    SPONSOR,
    api_token,
    assert_no_js_errors,
    screenshot,
    sign_in,
)

DEMO = "Service desk platform migration"
SUPPRESSED = "Executive assistants"  # 4 people: always fewer than k responses
CHARTS = {
    "readiness-trend",  # adoption and resistance over time
    "adkar-profile",
    "readiness-heatmap",
    "barrier-points",
    "gate-board",
    "response-rates",
}
PERCENT = re.compile(r"\d+(\.\d+)?\s*%")


def open_dashboard(page, email: str) -> None:
    sign_in(page, email)
    page.get_by_role("link", name=DEMO).click()
    page.get_by_role("link", name="Readiness dashboard").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{DEMO}: readiness")


def expect_all_charts_drawn(page) -> int:
    """Every chart container has plotly's svg; returns how many there are."""
    containers = page.locator(".chart-canvas")
    count = containers.count()
    expect(page.locator(".chart-canvas:has(svg.main-svg)")).to_have_count(count, timeout=CHART_TIMEOUT_MS)
    return count


def figure(page, chart_id: str) -> dict:
    return json.loads(page.locator(f'script.chart-data[data-target="{chart_id}"]').text_content())


def test_sponsor_sees_every_chart_drawn(page):
    open_dashboard(page, SPONSOR)
    count = expect_all_charts_drawn(page)
    ids = set(page.locator(".chart-canvas").evaluate_all("els => els.map(e => e.id)"))
    assert ids >= CHARTS, f"missing charts: {CHARTS - ids}"
    assert count == len(ids) >= len(CHARTS)
    for chart in page.locator(".chart-canvas").all():
        expect(chart).to_have_attribute("role", "img")
        expect(chart).to_have_attribute("aria-label", re.compile(r"\w{3,}"))
    expect(page.get_by_role("figure", name="Adoption and resistance against go-live")).to_be_visible()
    expect(page.get_by_role("figure", name="Milestone readiness gates")).to_be_visible()

    # A sponsor reads: no gate overrides and no way into the practitioners' wave pages.
    expect(page.get_by_role("link", name=re.compile("^Wave page"))).to_have_count(0)
    expect(page.get_by_text(re.compile("without the readiness it asks for"))).to_have_count(0)
    screenshot(page, "dashboard")
    assert_no_js_errors(page)


def test_kpi_adoption_is_the_apis_latest_wave_as_displayed(page, live_server):
    token = api_token(live_server, SPONSOR)
    headers = {"Authorization": f"Bearer {token}"}
    initiatives = page.request.get("/api/v1/initiatives", headers=headers)
    assert initiatives.ok, initiatives.text()
    (demo,) = [i for i in initiatives.json()["items"] if i["name"] == DEMO]
    waves = page.request.get(f"/api/v1/initiatives/{demo['id']}/waves", headers=headers).json()["items"]
    latest = max((w for w in waves if w["status"] != "scheduled"), key=lambda w: w["closes_on"])
    readiness = page.request.get(f"/api/v1/waves/{latest['id']}/readiness", headers=headers).json()
    adoption = readiness["overall"]["adoption"]
    assert adoption is not None and not readiness["overall"]["suppressed"]

    open_dashboard(page, SPONSOR)
    tile = (
        page.get_by_role("list", name="Key figures")
        .get_by_role("listitem")
        .filter(has=page.get_by_text("Adoption", exact=True))
    )
    expect(tile.locator("[data-kpi=adoption]")).to_have_text(f"{adoption:.0%}")
    expect(tile).to_contain_text(latest["name"])
    assert_no_js_errors(page)


def test_suppressed_group_never_shows_a_score(page):
    open_dashboard(page, SPONSOR)
    focus = page.get_by_role("table", name=re.compile("^Readiness by group in"))
    row = focus.get_by_role("row", name=re.compile(f"^{SUPPRESSED}"))
    expect(row.get_by_role("cell")).to_have_count(3)  # responses, response rate, "Hidden: ..."
    expect(row.get_by_role("cell").nth(2)).to_have_text("Hidden: fewer than 5 responses")
    expect(page.get_by_role("table", name=re.compile("^Groups below")).get_by_text(SUPPRESSED)).to_have_count(
        0
    )

    gates = page.get_by_role("table", name="Readiness gates by milestone and stakeholder group")
    headers = gates.get_by_role("columnheader").all_inner_texts()
    column = headers.index(SUPPRESSED) - 1  # the first column holds row headers
    for gate_row in gates.locator("tbody tr").all():
        cell = gate_row.get_by_role("cell").nth(column)
        expect(cell).to_contain_text("no data")
        assert not PERCENT.search(cell.inner_text())

    # The charts' data never carries a score for the group either.
    assert SUPPRESSED not in [t.get("name") for t in figure(page, "adkar-profile")["data"]]
    heatmap = figure(page, "readiness-heatmap")["data"][0]
    assert heatmap["z"][heatmap["y"].index(SUPPRESSED)] == [None] * 5
    for trace in figure(page, "barrier-points")["data"]:
        assert trace["x"][trace["y"].index(SUPPRESSED)] is None
    for trace in figure(page, "readiness-trend")["data"]:
        assert not any(str(text).startswith(SUPPRESSED) for text in trace.get("text") or [])
    board = figure(page, "gate-board")["data"][0]
    column = board["x"].index(SUPPRESSED)
    for row in board["text"]:
        assert "No data" in row[column]
        assert not PERCENT.search(re.sub(r"\(target \d+%\)", "", row[column]))  # a threshold is no score

    # And neither does the wave's own readiness page.
    page.get_by_role("link", name="All figures and comments for this wave").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(": readiness$"))
    rows = page.get_by_role("row", name=re.compile(f"^{SUPPRESSED}"))
    expect(rows).to_have_count(4)  # summary, mean scores, favourable shares, barrier points
    for hidden in rows.all():
        expect(hidden).to_contain_text("Hidden: fewer than 5 responses")
    summary_cells = rows.first.get_by_role("cell").all_inner_texts()
    assert len(summary_cells) == 4  # responses, invited, response rate, "Hidden: ..."
    expect_all_charts_drawn(page)
    assert_no_js_errors(page)


def test_print_stylesheet_hides_navigation(page):
    open_dashboard(page, SPONSOR)
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()
    page.emulate_media(media="print")
    expect(page.get_by_role("navigation", name="Main")).to_be_hidden()
    expect(page.get_by_role("navigation", name="Breadcrumb")).to_be_hidden()
    expect(page.get_by_role("link", name="Download report (HTML)")).to_be_hidden()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.get_by_text(re.compile(r"^Printed \d+ \w+ \d{4}\."))).to_be_visible()
    expect(
        page.get_by_role("table", name="Readiness gates by milestone and stakeholder group")
    ).to_be_visible()
    assert_no_js_errors(page)


def test_downloaded_report_carries_plotly_and_draws_offline(page, new_page, tmp_path):
    open_dashboard(page, SPONSOR)
    with page.expect_download() as info:
        page.get_by_role("link", name="Download report (HTML)").click()
    download = info.value
    assert download.suggested_filename.endswith(".html")
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    report = path.read_text(encoding="utf-8")

    plotly_url = page.locator("script[src*='plotly']").get_attribute("src")
    plotly = page.request.get(plotly_url).text()
    assert len(plotly) > 1_000_000
    banner = re.search(r"plotly\.js v[\d.]+", plotly).group(0)
    assert banner in report
    chunks = [plotly[i : i + 300] for i in range(100_000, len(plotly), len(plotly) // 7)]
    assert all(chunk in report for chunk in chunks if "<" not in chunk)

    offline = new_page()
    requests: list[str] = []
    offline.on("request", lambda request: requests.append(request.url))
    offline.goto(Path(path).as_uri())
    expect(offline.get_by_role("heading", level=1)).to_have_text(f"{DEMO}: readiness")
    assert expect_all_charts_drawn(offline) >= len(CHARTS)
    assert [u for u in requests if not u.startswith(("file:", "data:", "blob:"))] == []
    assert_no_js_errors(offline)
    assert_no_js_errors(page)


def test_practitioner_sees_the_dashboard_with_links_into_each_wave(page):
    open_dashboard(page, PRACTITIONER)
    expect_all_charts_drawn(page)
    waves = page.get_by_role("table", name=re.compile("^Survey waves of"))
    names = waves.get_by_role("rowheader").all_inner_texts()
    assert len(names) == 4
    for name in names:
        expect(waves.get_by_role("link", name=f"Wave page of {name}")).to_have_attribute(
            "href", re.compile(r"^/waves/\d+$")
        )
        expect(waves.get_by_role("link", name=f"Readiness of {name}")).to_be_visible()
    expect(
        page.get_by_text(re.compile("^Pass “.+” without the readiness it asks for$")).first
    ).to_be_visible()

    waves.get_by_role("link", name=f"Wave page of {names[-1]}").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(names[-1])
    expect(page.get_by_role("table", name=re.compile("^Invitations and responses"))).to_be_visible()
    assert_no_js_errors(page)
