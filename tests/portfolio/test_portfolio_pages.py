"""The portfolio page, export and API: only admins and practitioners, only initiatives they can see."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest

from adkar.portfolio.data import initiative_changes
from adkar.timeutil import today
from tests.actions.support import Api, login, text

START = today().replace(day=1)


def month(offset: int, day: int = 10) -> date:
    year, index = divmod(START.month - 1 + offset, 12)
    return date(START.year + year, index + 1, day)


@pytest.fixture
def portfolio(cast, factory):
    """The cast's initiative (go-live next month) and a second one, run by the member, sharing a group name."""
    initiative = cast.initiative
    initiative.go_live = month(1, 15)
    factory.milestone(initiative, name="UAT", kind="uat", due=month(0), groups=(cast.desk,))
    factory.milestone(initiative, name="Go-live", due=month(1, 15))  # no groups: every group; on go-live day
    portal = factory.initiative(cast.member, name="Portal", go_live=month(1, 20))
    factory.group(portal, name=" service DESK", headcount=30)
    factory.group(portal, name="HR", headcount=5)
    factory.milestone(portal, name="Pilot", kind="release", due=month(1, 2))
    hidden = factory.initiative(cast.stranger, name="Secret", go_live=month(1))
    factory.group(hidden, name="Service desk")
    return cast


def test_changes_of_one_initiative(app, portfolio):
    changes = initiative_changes(portfolio.initiative)
    assert sorted((c.group, c.name, c.go_live) for c in changes) == [
        ("Field engineers", "Go-live", True),
        ("Service desk", "Go-live", True),
        ("Service desk", "UAT", False),
    ]  # the go-live milestone on the go-live date is the go-live, counted once


def test_a_go_live_without_its_milestone_still_counts(app, cast, factory):
    factory.milestone(
        cast.initiative, name="Training", kind="training", due=cast.initiative.go_live, groups=(cast.field,)
    )
    changes = initiative_changes(cast.initiative)
    assert sorted((c.group, c.name, c.go_live) for c in changes) == [
        ("Field engineers", "Go-live", True),
        ("Field engineers", "Training", False),
        ("Service desk", "Go-live", True),
    ]


def table_row(page: str, group: str) -> list[str]:
    row = page[page.index(f'<th scope="row">{group} ') :]
    row = row[: row.index("</tr>")]
    return [cell.split("</td>")[0] for cell in row.split('<td class="num">')[1:]]


def test_page_counts_shared_groups_across_visible_initiatives(client, portfolio):
    login(client, portfolio.member)  # sees both the cast's initiative (member) and the portal (owner)
    page = text(client.get(f"/portfolio?start={START:%Y-%m}&months=3"))
    assert "Secret" not in page
    desk = table_row(page, "Service desk")
    assert desk[0].startswith("1")  # UAT this month
    assert desk[1].startswith("3") and "with a go-live" in desk[1]  # go-live + portal pilot + portal go-live
    assert desk[3] == "<strong>4</strong>"
    assert "Busiest: Service desk in" in page and "from 2 initiatives" in page
    assert 'data-target="portfolio-heatmap"' in page


def test_admin_sees_every_initiative(client, portfolio):
    login(client, portfolio.admin)
    page = text(client.get(f"/portfolio?start={START:%Y-%m}&months=3"))
    assert table_row(page, "Service desk")[3] == "<strong>5</strong>"  # the secret go-live too


def test_sponsors_are_refused(client, portfolio):
    login(client, portfolio.sponsor)
    assert client.get("/portfolio").status_code == 403
    assert client.get("/portfolio.csv").status_code == 403


@pytest.mark.parametrize(
    "query",
    ["start=2026-13&months=3", "start=soon", "start=2026-01&months=0", "start=2026-01&months=25", "months=x"],
)
def test_a_bad_window_answers_400_with_the_default(client, portfolio, query):
    login(client, portfolio.owner)
    response = client.get(f"/portfolio?{query}")
    assert response.status_code == 400
    assert "Please correct the following" in text(response) and "Showing 9 months from" in text(response)
    assert client.get(f"/portfolio.csv?{query}").status_code == 400


def test_export(client, portfolio):
    login(client, portfolio.owner)
    response = client.get(f"/portfolio.csv?start={START:%Y-%m}&months=2")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0] == ["group", "month", "changes", "go_lives", "initiatives", "what"]
    assert ["Service desk", f"{START:%Y-%m}", "1", "0", "1"] in [r[:5] for r in rows]
    assert not any("Portal" in r[5] for r in rows)  # the owner cannot see the member's portal


def test_api(client, portfolio, factory):
    api = Api(client)
    body = api.get(f"/portfolio?start={START:%Y-%m}&months=2", factory.token(portfolio.member)).get_json()
    assert body["months"] == [f"{START:%Y-%m}", f"{month(1):%Y-%m}"]
    desk = next(g for g in body["groups"] if g["name"] == "Service desk")
    assert desk["initiatives"] == ["Portal", "Service desk migration"]
    assert [m["changes"] for m in desk["months"]] == [1, 3]
    assert desk["months"][1]["go_lives"] == 2 and desk["months"][1]["initiatives"] == 2
    assert api.get("/portfolio", factory.token(portfolio.sponsor)).status_code == 403
    response = api.get("/portfolio?start=2026-13", factory.token(portfolio.owner))
    assert response.status_code == 400
    assert {p["field"] for p in response.get_json()["error"]["problems"]} == {"start"}
