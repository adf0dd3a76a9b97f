"""The readiness table as CSV and XLSX: full precision, suppression applied, formulas neutralised."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook

from adkar.dashboard.exports import HEADER

from . import scenario as story
from .builders import make_wave, respond
from .pages import text

FORMULA = "=cmd|' /C calc'!A0"


@pytest.fixture
def world(factory):
    return story.build(factory)


def test_csv_holds_every_wave_and_group_at_full_precision(client, auth, world):
    auth.login(world.sponsor.email)
    response = client.get(f"/initiatives/{world.initiative.id}/readiness.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="initiative-{world.initiative.id}-readiness-{world.day.isoformat()}.csv"'
    )
    assert response.data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(text(response).lstrip("\ufeff"))))
    assert tuple(rows[0]) == HEADER
    records = [dict(zip(HEADER, r, strict=True)) for r in rows[1:]]
    assert [(r["wave"], r["group"]) for r in records] == [
        ("Baseline", "Service desk"),
        ("Baseline", "Overall"),
        ("Pulse 2", "Service desk"),
        ("Pulse 2", "Field engineers"),
        ("Pulse 2", "Legal"),
        ("Pulse 2", "Overall"),
    ]
    desk = records[2]
    assert float(desk["mean_desire"]) == 23 / 6 and float(desk["adoption"]) == 2 / 6
    assert float(desk["barrier_none"]) == 2 / 6 and desk["suppressed"] == "no"
    assert records[5]["group_id"] == "" and float(records[5]["adoption"]) == 7 / 15


def test_formula_like_group_names_are_neutralised(client, auth, factory, world):
    group = factory.group(world.initiative, name=FORMULA)
    wave = make_wave(
        world.initiative,
        world.owner,
        [group],
        name="+SUM(A1:A9)",
        opens_on=world.day,
        closes_on=world.day + timedelta(days=2),
    )
    respond(wave.id, group.id, [story.ALL_FOUR] * 5)
    auth.login(world.owner.email)
    rows = list(
        csv.reader(io.StringIO(text(client.get(f"/initiatives/{world.initiative.id}/readiness.csv"))))
    )
    mine = [r for r in rows if r[HEADER.index("group")] == "'" + FORMULA]
    assert len(mine) == 1 and mine[0][HEADER.index("wave")] == "'+SUM(A1:A9)"
    assert not any(cell.startswith(("=", "+", "@")) for row in rows for cell in row)

    response = client.get(f"/initiatives/{world.initiative.id}/readiness.xlsx")
    sheet = load_workbook(io.BytesIO(response.data))["Readiness"]
    values = [cell.value for row in sheet.iter_rows() for cell in row]
    assert "'" + FORMULA in values and FORMULA not in values
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)


def test_xlsx_opens_with_the_same_rows_and_an_about_sheet(client, auth, world):
    auth.login(world.sponsor.email)
    response = client.get(f"/initiatives/{world.initiative.id}/readiness.xlsx")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response.headers["Content-Disposition"].startswith("attachment; filename=")
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["Readiness", "About"]
    rows = list(book["Readiness"].iter_rows(values_only=True))
    assert rows[0] == HEADER and len(rows) == 7
    desk = dict(zip(HEADER, rows[3], strict=True))
    assert desk["group"] == "Service desk" and desk["invited"] == 10
    assert desk["mean_desire"] == pytest.approx(
        23 / 6, rel=1e-15
    )  # openpyxl writes 16 digits, Excel keeps 15
    assert desk["closes_on"].date() == world.day + timedelta(days=5)
    legal = dict(zip(HEADER, rows[5], strict=True))
    assert legal["suppressed"] == "yes" and legal["n"] == 4 and legal["adoption"] is None
    about = " ".join(str(r[0]) for r in book["About"].iter_rows(values_only=True))
    assert "k = 5" in about and "Service desk migration" in about
