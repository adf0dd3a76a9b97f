"""The change-record export as XLSX: one row per milestone, as in the CSV, neutralised, the same access."""

from __future__ import annotations

from datetime import timedelta

import pytest

from adkar.changes import services as service
from adkar.extensions import db
from adkar.timeutil import today
from tests.actions.support import login, text
from tests.spreadsheet_support import assert_same_table, csv_rows, day, workbook, xlsx_rows

HEADER = ["milestone", "milestone_id", "due", "number", "type", "state", "url"]
HEADER += ["risk", "planned_start", "planned_end", "cab_decision", "result"]


@pytest.fixture
def milestones(cast, factory):
    uat = factory.milestone(cast.initiative, name="UAT", kind="uat", due=today() + timedelta(days=20))
    go_live = factory.milestone(cast.initiative, name='=HYPERLINK("http://evil.example","x")')
    return uat, go_live


def test_rows_match_the_csv(client, cast, milestones):
    uat, go_live = milestones
    service.set_change_record(
        milestone=go_live,
        actor=cast.owner,
        number="CHG0031234",
        change_type="normal",
        state="scheduled",
        url="https://itsm.example.com/CHG0031234",
    )
    login(client, cast.sponsor)
    url = f"/initiatives/{cast.initiative.id}/change-records"
    response = client.get(f"{url}.xlsx")
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="{cast.initiative.id}-change-records-{today().isoformat()}.xlsx"'
    )
    book = workbook(response)
    assert book.sheetnames == ["Change records", "About"]
    rows = [list(r) for r in book["Change records"].iter_rows(values_only=True)]
    assert rows == [
        HEADER,
        ["UAT", uat.id, day(today() + timedelta(days=20)), *[None] * 9],
        [
            '\'=HYPERLINK("http://evil.example","x")',
            go_live.id,
            day(cast.initiative.go_live),
            "CHG0031234",
            "normal",
            "scheduled",
            "https://itsm.example.com/CHG0031234",
            *[None] * 5,  # no risk, window, CAB decision or result yet
        ],
    ]
    assert_same_table(csv_rows(client.get(f"{url}.csv")), rows)


def test_a_milestone_named_like_a_function_call_is_neutralised(client, cast, milestones):
    uat, _ = milestones
    uat.name = "@SUM(1)"
    db.session.commit()
    login(client, cast.owner)
    rows = xlsx_rows(client.get(f"/initiatives/{cast.initiative.id}/change-records.xlsx"))
    assert rows[1][:2] == ["'@SUM(1)", uat.id]


def test_access_is_that_of_the_csv(client, cast, milestones):
    url = f"/initiatives/{cast.initiative.id}/change-records.xlsx"
    response = client.get(url)
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    login(client, cast.stranger)
    assert client.get(url).status_code == 404
    assert client.get(url.replace(".xlsx", ".csv")).status_code == 404
    login(client, cast.sponsor)
    assert client.get(url).status_code == 200
    page = text(client.get(f"/initiatives/{cast.initiative.id}/change-records"))
    assert f'href="{url}" download>Export (XLSX)' in page
