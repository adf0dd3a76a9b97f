"""The usage export as XLSX: the CSV's rows with numbers as numbers, neutralised names, the same access."""

from __future__ import annotations

from datetime import timedelta

import pytest

from adkar.adoption import services
from adkar.extensions import db
from adkar.timeutil import today
from tests.actions.support import login, text
from tests.spreadsheet_support import assert_same_table, csv_rows, day, workbook, xlsx_rows

HEADER = ["group", "group_id", "date", "active_users", "headcount", "utilisation"]


@pytest.fixture
def usage(cast):
    """Desk (20 people): 4 then 16 active; field engineers (10): 8 then 9."""
    rows = [(cast.desk, 12, 4), (cast.desk, 5, 16), (cast.field, 5, 8), (cast.field, 1, 9)]
    services.import_figures(
        initiative=cast.initiative,
        actor=cast.owner,
        rows=[{"group_id": g.id, "day": today() - timedelta(days=d), "active_users": a} for g, d, a in rows],
        source="test",
    )
    return cast


def test_rows_match_the_csv_and_numbers_stay_numbers(client, usage):
    login(client, usage.sponsor)
    url = f"/initiatives/{usage.initiative.id}/usage"
    response = client.get(f"{url}.xlsx")
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="{usage.initiative.id}-usage-{today().isoformat()}.xlsx"'
    )
    book = workbook(response)
    assert book.sheetnames == ["Usage", "About"]
    rows = [list(r) for r in book["Usage"].iter_rows(values_only=True)]
    desk, field = usage.desk.id, usage.field.id
    d12, d5, d1 = (day(today() - timedelta(days=n)) for n in (12, 5, 1))
    assert rows == [
        HEADER,
        ["Service desk", desk, d12, 4, 20, 0.2],
        ["Service desk", desk, d5, 16, 20, 0.8],
        ["Field engineers", field, d5, 8, 10, 0.8],
        ["Field engineers", field, d1, 9, 10, 0.9],
        # overall: each group's latest figure over all 30 people; the field had none yet on day -12
        ["Overall", None, d12, 4, 30, 0.1333],
        ["Overall", None, d5, 24, 30, 0.8],
        ["Overall", None, d1, 25, 30, 0.8333],
    ]
    assert book["Usage"]["F2"].number_format == "0.0000"
    csv_table = csv_rows(client.get(f"{url}.csv"))
    assert csv_table[-1] == ["Overall", "", d1.date().isoformat(), "25", "30", "0.8333"]
    assert_same_table(csv_table, rows)


def test_a_formula_in_a_group_name_is_neutralised(client, cast):
    cast.desk.name = "@SUM(1)"
    cast.field.name = '=HYPERLINK("http://evil.example","x")'
    db.session.commit()
    services.import_figures(
        initiative=cast.initiative,
        actor=cast.owner,
        rows=[
            {"group_id": cast.desk.id, "day": today(), "active_users": 1},
            {"group_id": cast.field.id, "day": today(), "active_users": 2},
        ],
        source="test",
    )
    login(client, cast.owner)
    rows = xlsx_rows(client.get(f"/initiatives/{cast.initiative.id}/usage.xlsx"))
    assert [r[0] for r in rows[1:]] == ["'@SUM(1)", '\'=HYPERLINK("http://evil.example","x")', "Overall"]


def test_no_figures_export_the_header_only(client, cast):
    login(client, cast.owner)
    assert xlsx_rows(client.get(f"/initiatives/{cast.initiative.id}/usage.xlsx")) == [HEADER]


def test_access_is_that_of_the_csv(client, usage):
    url = f"/initiatives/{usage.initiative.id}/usage.xlsx"
    response = client.get(url)
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    login(client, usage.stranger)
    assert client.get(url).status_code == 404
    assert client.get(url.replace(".xlsx", ".csv")).status_code == 404
    login(client, usage.sponsor)
    assert client.get(url).status_code == 200
    page = text(client.get(f"/initiatives/{usage.initiative.id}/adoption"))
    assert f'href="{url}" download>Export usage (XLSX)' in page
