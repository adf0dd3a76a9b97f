"""The "foundation" done-criteria in a real browser: a practitioner builds a plan, a sponsor only reads it."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from adkar.accounts.models import User
from adkar.extensions import db
from adkar.plan import services as plan_services
from adkar.plan.models import Initiative, StakeholderGroup
from adkar.timeutil import today

from .conftest import (
    PRACTITIONER,
    SPONSOR,
    assert_no_js_errors,
    expect_chart_drawn,
    expect_http_error,
    sign_in,
    watch,
)

DEMO = "Service desk platform migration"


def day(value: date) -> str:
    """A date as the plan pages print it."""
    return value.strftime("%d %b %Y")


def group_names(live_server, initiative_id: int) -> list[str]:
    with live_server.app.app_context():
        return list(
            db.session.scalars(
                select(StakeholderGroup.name)
                .where(StakeholderGroup.initiative_id == initiative_id)
                .order_by(StakeholderGroup.name)
            )
        )


def initiative_id(live_server, name: str) -> int:
    with live_server.app.app_context():
        found = db.session.scalar(select(Initiative.id).where(Initiative.name == name))
    assert found is not None, name
    return found


@pytest.fixture(scope="module")
def intranet(live_server) -> int:
    """A practitioner's plan with the sequential milestones and one group, made without the browser."""
    with live_server.app.app_context():
        owner = db.session.scalar(select(User).where(User.email == PRACTITIONER))
        initiative = plan_services.create_initiative(
            owner=owner,
            name="Intranet relaunch",
            approach="sequential",
            go_live=today() + timedelta(days=90),
            use_template=True,
        )
        plan_services.create_group(initiative=initiative, actor=owner, name="Pilot users", headcount=12)
        return initiative.id


def test_practitioner_creates_an_initiative_from_the_sequential_template(page, live_server):
    go_live = today() + timedelta(days=150)
    training = go_live - timedelta(days=21)
    sign_in(page, PRACTITIONER)
    page.get_by_role("link", name="New initiative").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("New initiative")
    expect(page.get_by_text("Step 1 of 2: The basics")).to_be_visible()
    page.get_by_label("Name").fill("CRM rollout")
    page.get_by_label("Description").fill("Sales moves from spreadsheets to the new CRM.")
    page.get_by_role("radio", name="Sequential").check()
    page.get_by_label("Go-live date").fill(go_live.isoformat())
    expect(page.get_by_role("checkbox", name="Start from the template for this approach")).to_be_checked()
    page.get_by_role("button", name="Next: review milestones").click()

    expect(page.get_by_text("Step 2 of 2: Suggested milestones")).to_be_visible()
    suggested = page.get_by_role("group", name="Milestones from the sequential template")
    offsets = {1: -120, 2: -60, 3: -14, 4: 0, 5: 42}  # the sequential template, relative to go-live
    for number, days in offsets.items():
        expect(suggested.get_by_label(f"Due date of milestone {number}")).to_have_value(
            (go_live + timedelta(days=days)).isoformat()
        )
    expect(suggested.get_by_label("Name of milestone 3")).to_have_value("Training complete")
    suggested.get_by_label("Due date of milestone 3").fill(training.isoformat())
    page.get_by_role("button", name="Create initiative").click()

    expect(page.get_by_role("status")).to_have_text(re.compile("“CRM rollout” is created"))
    expect(page.get_by_role("heading", level=1)).to_have_text("CRM rollout")
    milestones = page.get_by_role("table", name=re.compile("^Milestones of CRM rollout"))
    expect(milestones.locator("tbody tr")).to_have_count(5)
    expect(milestones.get_by_role("row", name=re.compile("^Training complete"))).to_contain_text(
        day(training)
    )
    expect(milestones.get_by_role("row", name=re.compile("^Go-live"))).to_contain_text(day(go_live))

    chart = page.get_by_role("img", name=re.compile(r"^Plan timeline: 5 milestones"))
    expect_chart_drawn(chart)
    for name in (
        "Design sign-off",
        "User acceptance testing",
        "Training complete",
        "Go-live",
        "Hypercare end",
    ):
        expect(chart).to_contain_text(name)
    assert_no_js_errors(page)


def test_groups_import_from_csv_all_or_nothing(page, live_server, intranet):
    sign_in(page, PRACTITIONER)
    page.goto(f"/initiatives/{intranet}")
    page.get_by_role("link", name="Import from CSV").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import stakeholder groups from CSV")

    good = "name,headcount,description\nSales reps,1200,Field and phone sales\nSales managers,48,\nData team,7,Owns the CRM data\n"
    page.get_by_label("CSV file").set_input_files(
        files=[{"name": "groups.csv", "mimeType": "text/csv", "buffer": good.encode()}]
    )
    page.get_by_role("button", name="Import groups").click()

    expect(page.get_by_role("status")).to_have_text(re.compile("Imported 3 groups"))
    groups = page.get_by_role("table", name="Stakeholder groups of Intranet relaunch")
    expect(groups.get_by_role("row", name=re.compile("^Sales reps"))).to_contain_text("1,200")
    expect(groups.locator("tbody tr")).to_have_count(4)  # with the plan's "Pilot users"
    expect(groups.locator("tfoot")).to_contain_text("1,267")

    page.get_by_role("link", name="Import from CSV").click()
    bad = "name;headcount\nWarehouse staff;40\nSales reps;12\n;5\nCouriers;lots\n"
    page.get_by_label("CSV file").set_input_files(
        files=[{"name": "more.csv", "mimeType": "text/csv", "buffer": bad.encode()}]
    )
    page.get_by_role("button", name="Import groups").click()

    problems = page.get_by_role("alert").filter(has_text="The file was not imported")
    expect(problems).to_contain_text("Nothing was stored")
    expect(problems.get_by_role("listitem")).to_have_count(3)
    expect(problems).to_contain_text("row 2, column name: A group named “Sales reps” exists already.")
    expect(problems).to_contain_text(re.compile(r"row 3, column name: .+"))
    expect(problems).to_contain_text("row 4, column headcount: “lots” is not a whole number.")
    expect_http_error(page, 400, f"/initiatives/{intranet}/groups/import")
    assert group_names(live_server, intranet) == ["Data team", "Pilot users", "Sales managers", "Sales reps"]

    page.goto(f"/initiatives/{intranet}#groups")
    expect(page.get_by_role("rowheader", name="Warehouse staff")).to_have_count(0)
    assert_no_js_errors(page)


def test_practitioner_edits_a_milestone(page, intranet):
    sign_in(page, PRACTITIONER)
    page.goto(f"/initiatives/{intranet}")
    page.get_by_role("link", name="Edit Go-live").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Edit milestone")
    expect(page.get_by_label("Readiness threshold (%)")).to_have_value("80")

    page.get_by_label("Readiness threshold (%)").fill("150")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter a whole percentage between 1 and 100.")
    expect(page.get_by_label("Readiness threshold (%)")).to_have_attribute("aria-invalid", "true")
    expect_http_error(page, 400, re.sub(r"^https?://[^/]+", "", page.url))

    page.get_by_label("Target element").select_option(label="Knowledge")
    page.get_by_label("Readiness threshold (%)").fill("90")
    page.get_by_role("checkbox", name="Pilot users").check()
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_role("status")).to_have_text(re.compile("“Go-live” is saved"))
    row = page.get_by_role("row", name=re.compile("^Go-live"))
    expect(row.get_by_role("cell").nth(2)).to_have_text("Knowledge")
    expect(row.get_by_role("cell").nth(3)).to_have_text("90%")
    expect(row.get_by_role("cell").nth(4)).to_have_text("Pilot users")
    chart = page.get_by_role("img", name=re.compile(r"^Plan timeline: 5 milestones"))
    expect_chart_drawn(chart)
    assert_no_js_errors(page)


def test_signing_out_leaves_no_page_that_can_act(page, live_server, intranet):
    sign_in(page, PRACTITIONER)
    page.goto(f"/initiatives/{intranet}")
    other_tab = watch(page.context.new_page())
    other_tab.goto(f"/initiatives/{intranet}/groups/new")
    expect(other_tab.get_by_role("heading", level=1)).to_have_text("Add a stakeholder group")

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    expect(page.get_by_text("You are signed out.")).to_be_visible()

    page.go_back()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    expect(page.get_by_role("heading", name="Intranet relaunch")).to_have_count(0)

    other_tab.get_by_label("Name").fill("Ghost group")
    other_tab.get_by_label("Headcount").fill("3")
    other_tab.get_by_role("button", name="Add group").click()
    expect(other_tab.get_by_role("heading", level=1)).to_have_text("Sign in")
    assert "Ghost group" not in group_names(live_server, intranet)
    assert_no_js_errors(page)
    assert_no_js_errors(other_tab)


def test_sponsor_reads_the_plan_but_cannot_change_it(page, live_server):
    demo = initiative_id(live_server, DEMO)
    before = group_names(live_server, demo)
    sign_in(page, SPONSOR)
    page.get_by_role("link", name=DEMO).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(DEMO)
    expect(page.get_by_role("link", name="Readiness dashboard")).to_be_visible()
    expect(page.get_by_role("table", name=re.compile("^Milestones of"))).to_be_visible()
    expect(page.get_by_role("table", name=re.compile("^Stakeholder groups of"))).to_be_visible()
    main = page.get_by_role("main")
    actions = re.compile(r"^(Edit|Delete|Add|Import|Plan a wave|Create this wave|Adjust first|Remove)")
    expect(main.get_by_role("link", name=actions)).to_have_count(0)
    expect(main.get_by_role("button", name=actions)).to_have_count(0)
    expect(main.get_by_role("textbox")).to_have_count(0)

    forged = {
        f"/initiatives/{demo}/groups/new": {"name": "Forged", "headcount": "5"},
        f"/initiatives/{demo}/delete": {"confirm_name": DEMO},
        f"/initiatives/{demo}/edit": {"name": "Renamed", "approach": "sequential", "go_live": "2030-01-01"},
    }
    for path, fields in forged.items():
        status = page.evaluate(
            """async ([path, fields]) => {
                const token = document.querySelector('meta[name="csrf-token"]').content;
                const body = new URLSearchParams({csrf_token: token, ...fields});
                const response = await fetch(path, {method: "POST", body});
                return response.status;
            }""",
            [path, fields],
        )
        assert status == 403, path
        expect_http_error(page, 403, path)
    assert group_names(live_server, demo) == before
    with live_server.app.app_context():
        assert db.session.scalar(select(func.count()).where(Initiative.name == DEMO)) == 1
    assert_no_js_errors(page)
