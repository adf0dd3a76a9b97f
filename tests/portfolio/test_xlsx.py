"""The portfolio export as XLSX: the CSV's rows, only initiatives the reader can see, neutralised text."""

from __future__ import annotations

from datetime import date

import pytest

from adkar.timeutil import today
from tests.actions.support import login, text
from tests.spreadsheet_support import assert_same_table, csv_rows, workbook, xlsx_rows

HEADER = ["group", "month", "changes", "go_lives", "initiatives", "what"]
START = today().replace(day=1)


def month(offset: int, day: int = 10) -> date:
    year, index = divmod(START.month - 1 + offset, 12)
    return date(START.year + year, index + 1, day)


@pytest.fixture
def portfolio(cast, factory):
    """The cast's initiative (named like a function call) going live next month, and two it cannot see."""
    initiative = cast.initiative
    initiative.name = "@SUM(1)"
    initiative.go_live = month(1, 15)
    cast.field.name = '=HYPERLINK("http://evil.example","x")'
    factory.milestone(initiative, name="UAT", kind="uat", due=month(0), groups=(cast.desk,))
    factory.milestone(initiative, name="Go-live", due=month(1, 15))  # every group, on go-live day
    portal = factory.initiative(cast.member, name="Portal", go_live=month(1, 20))
    factory.group(portal, name="Service desk")
    secret = factory.initiative(cast.stranger, name="Secret", go_live=month(0, 20))
    factory.group(secret, name="Service desk")
    return cast


def test_rows_match_the_csv_and_stay_within_what_the_owner_sees(client, portfolio):
    login(client, portfolio.owner)
    query = f"start={START:%Y-%m}&months=2"
    response = client.get(f"/portfolio.xlsx?{query}")
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="portfolio-{START:%Y-%m}-2m.xlsx"'
    )
    book = workbook(response)
    assert book.sheetnames == ["Portfolio", "About"]
    rows = [list(r) for r in book["Portfolio"].iter_rows(values_only=True)]
    this, next_ = f"{START:%Y-%m}", f"{month(1):%Y-%m}"
    go_live = f"'@SUM(1): Go-live ({month(1, 15).isoformat()})"
    assert rows == [
        HEADER,
        ["Service desk", this, 1, 0, 1, f"'@SUM(1): UAT ({month(0).isoformat()})"],
        ["Service desk", next_, 1, 1, 1, go_live],
        ['\'=HYPERLINK("http://evil.example","x")', next_, 1, 1, 1, go_live],
    ]
    assert_same_table(csv_rows(client.get(f"/portfolio.csv?{query}")), rows)


def test_a_member_of_both_sees_both_initiatives(client, portfolio):
    login(client, portfolio.member)
    query = f"start={START:%Y-%m}&months=2"
    rows = xlsx_rows(client.get(f"/portfolio.xlsx?{query}"))
    desk_next = next(r for r in rows if r[:2] == ["Service desk", f"{month(1):%Y-%m}"])
    assert desk_next[2:5] == [2, 2, 2]  # two go-lives, one per initiative
    assert not any("Secret" in str(cell) for row in rows for cell in row)
    assert_same_table(csv_rows(client.get(f"/portfolio.csv?{query}")), rows)


def test_access_and_a_bad_window_are_those_of_the_csv(client, portfolio):
    response = client.get("/portfolio.xlsx")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    login(client, portfolio.sponsor)
    assert client.get("/portfolio.xlsx").status_code == 403
    login(client, portfolio.owner)
    assert client.get("/portfolio.xlsx?start=2026-13&months=3").status_code == 400
    page = text(client.get(f"/portfolio?start={START:%Y-%m}&months=2"))
    assert f'href="/portfolio.xlsx?start={START:%Y-%m}&amp;months=2" download>Export (XLSX)' in page
