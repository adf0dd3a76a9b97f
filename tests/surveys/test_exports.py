"""Anonymous exports: pooled small groups, no rows under k, the comment rule, safe cells, CSV = XLSX."""

from __future__ import annotations

import csv
import io
import re

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from adkar.audit.models import AuditEvent
from adkar.extensions import db
from adkar.plan.models import InitiativeMember, StakeholderGroup
from adkar.surveys.definitions import registry
from adkar.surveys.models import Response
from adkar.surveys.responses import exports

from .wavedata import add_responses, count_held, count_responses, make_wave

POOLED = "Other groups (each under 5)"
INJECTION = '=HYPERLINK("http://evil.example","click")'


def read_csv(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")  # a BOM, so Excel reads accents correctly
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def read_xlsx(data: bytes) -> tuple[list[list], list[str]]:
    book = load_workbook(io.BytesIO(data))
    rows = [list(row) for row in book["Responses"].iter_rows(values_only=True)]
    notes = [row[0] for row in book["About"].iter_rows(values_only=True)]
    return rows, notes


def same_cell(xlsx_value, csv_value: str) -> bool:
    """An XLSX cell equals a CSV cell: numbers by value, dates as YYYY-MM-DD (no time), text exactly."""
    if xlsx_value is None:
        return csv_value == ""
    if hasattr(xlsx_value, "hour"):
        return xlsx_value.time().isoformat() == "00:00:00" and xlsx_value.date().isoformat() == csv_value
    if isinstance(xlsx_value, int | float):
        return float(csv_value) == xlsx_value
    return xlsx_value == csv_value


@pytest.fixture
def owner_client(client, auth, factory):
    """A wave of groups A (12 responses, comments), B (6), C (3) and D (none); its owner is signed in.

    Answers are held until a group has k (5) imports: A's single one waits for its batch of 11, and C's
    three were published while the installation's minimum was 3, before it was raised to 5."""
    wave, groups, owner = make_wave(factory, groups=4)
    a, b, c, _d = groups
    add_responses(wave, a, 1, value=5, comment=INJECTION)
    add_responses(wave, a, 11, value=4, comment="Visible comment")
    add_responses(wave, b, 6, value=2, comment="Hidden comment B")
    add_responses(wave, c, 3, value=3, comment="Hidden comment C", published_at_k=3)
    assert count_held(wave.id) == 0
    auth.login(owner.email)
    return client, wave, groups


def test_small_groups_are_pooled_and_complementary_suppression_applies(owner_client):
    client, wave, _groups = owner_client
    rows = read_csv(client.get(f"/waves/{wave.id}/responses.csv").data)
    header, body = rows[0], rows[1:]

    assert header[:2] == ["Group", "Submitted"]
    assert header[2] == "aw1: I understand why we are introducing the new system."
    assert header[7].startswith("comment: ") and header[-1] == "Barrier point"
    assert header[8:13] == [
        "Awareness score",
        "Desire score",
        "Knowledge score",
        "Ability score",
        "Reinforcement score",
    ]
    labels = [row[0] for row in body]
    # C (3) is under k; hiding it alone would let A + B subtracted from the total reveal it, so B goes too.
    assert labels.count("Team A") == 12
    assert labels.count(POOLED) == 9
    assert "Team B" not in labels and "Team C" not in labels and "Team D" not in labels


def test_comments_only_for_visible_groups_of_at_least_ten(owner_client):
    client, wave, _ = owner_client
    body = read_csv(client.get(f"/waves/{wave.id}/responses.csv").data)[1:]
    comments = {(row[0], row[7]) for row in body}
    assert comments == {("Team A", "Visible comment"), ("Team A", "'" + INJECTION), (POOLED, "")}


def test_visible_group_under_ten_shows_no_comments(client, auth, factory):
    wave, groups, owner = make_wave(factory, groups=2)
    add_responses(wave, groups[0], 9, comment="Nine is too few")
    add_responses(wave, groups[1], 10, comment="Ten is enough")
    auth.login(owner.email)
    body = read_csv(client.get(f"/waves/{wave.id}/responses.csv").data)[1:]
    assert {(row[0], row[7]) for row in body} == {("Team A", ""), ("Team B", "Ten is enough")}


def test_cells_that_would_run_as_formulas_are_neutralised(owner_client):
    client, wave, groups = owner_client
    group = db.session.get(StakeholderGroup, groups[0].id)
    group.name = "=cmd|' /C calc'!A0"
    db.session.commit()
    csv_rows = read_csv(client.get(f"/waves/{wave.id}/responses.csv").data)
    xlsx_rows, _ = read_xlsx(client.get(f"/waves/{wave.id}/responses.xlsx").data)
    for rows in (csv_rows, xlsx_rows):
        cells = [str(cell) for row in rows for cell in row if cell is not None]
        assert "'" + INJECTION in cells
        assert "'=cmd|' /C calc'!A0" in cells
        assert not any(cell.startswith(("=", "+", "@")) for cell in cells)


def test_xlsx_opens_and_matches_the_csv(owner_client):
    client, wave, _ = owner_client
    response = client.get(f"/waves/{wave.id}/responses.xlsx")
    assert response.mimetype == exports.XLSX_MEDIA_TYPE
    assert f'filename="wave-{wave.id}-responses.xlsx"' in response.headers["Content-Disposition"]
    xlsx_rows, notes = read_xlsx(response.data)
    csv_rows = read_csv(client.get(f"/waves/{wave.id}/responses.csv").data)

    assert len(xlsx_rows) == len(csv_rows) == 22
    for xlsx_row, csv_row in zip(xlsx_rows, csv_rows, strict=True):
        assert len(xlsx_row) == len(csv_row)
        assert all(same_cell(x, c) for x, c in zip(xlsx_row, csv_row, strict=True)), (xlsx_row, csv_row)
    assert isinstance(xlsx_rows[1][2], int)  # answers are numbers in the spreadsheet, not text
    assert any("Team B" in note and "Team C" in note and "9 responses" in note for note in notes)
    assert any("k = 5" in note for note in notes)


def test_dates_are_the_wave_closing_date_only(owner_client):
    client, wave, _ = owner_client
    data = client.get(f"/waves/{wave.id}/responses.csv").data.decode("utf-8-sig")
    body = list(csv.reader(io.StringIO(data)))[1:]
    assert {row[1] for row in body} == {wave.closes_on.isoformat()}
    assert not re.search(r"\d{1,2}:\d{2}", data)  # no time of day anywhere


def test_rows_follow_the_random_response_ids(owner_client, app):
    client, wave, groups = owner_client
    body = read_csv(client.get(f"/waves/{wave.id}/responses.csv").data)[1:]
    db.session.rollback()
    stored = db.session.execute(select(Response.group_id, Response.comment).order_by(Response.id)).all()
    names = {groups[0].id: "Team A"}
    assert [row[0] for row in body] == [names.get(g, POOLED) for g, _ in stored]


def test_scores_and_barrier(owner_client):
    client, wave, _ = owner_client
    body = read_csv(client.get(f"/waves/{wave.id}/responses.csv").data)[1:]
    team_a = [row for row in body if row[0] == "Team A" and row[7] == "Visible comment"]
    assert team_a[0][2:7] == ["4"] * 5 and team_a[0][8:13] == ["4.0"] * 5 and team_a[0][13] == "none"
    assert {row[13] for row in body if row[0] == POOLED} == {"awareness"}


def test_wave_under_k_exports_no_rows_and_says_why(client, auth, factory, app):
    wave, groups, owner = make_wave(factory, groups=1)
    add_responses(wave, groups[0], 4, published_at_k=4)  # then the minimum was raised to 5
    auth.login(owner.email)
    for suffix in ("csv", "xlsx"):
        response = client.get(f"/waves/{wave.id}/responses.{suffix}")
        assert response.status_code == 409
        html = response.get_data(as_text=True)
        assert "The wave has 4 responses; exports need at least 5" in html
    with app.app_context():
        export = exports.build_export(db.session.get(type(wave), wave.id), registry.get("adkar-pulse"), k=5)
        assert export.rows == [] and export.withheld
        assert read_csv(exports.to_csv(export)) == [export.header]
        rows, notes = read_xlsx(exports.to_xlsx(export))
        assert len(rows) == 1 and notes[1].startswith("No rows: The wave has 4 responses")
    page = client.get(f"/waves/{wave.id}/responses/import").get_data(as_text=True)
    assert "exports need at least 5" in page and "Download CSV" not in page


def test_exactly_k_across_small_groups_exports_one_pool(app, client, auth, factory):
    wave, groups, owner = make_wave(factory, groups=2)
    add_responses(wave, groups[0], 3, published_at_k=3)
    add_responses(wave, groups[1], 3, published_at_k=3)
    app.config["MIN_GROUP_SIZE"] = 6  # raised after publication: each group is under k, together exactly k
    auth.login(owner.email)
    body = read_csv(client.get(f"/waves/{wave.id}/responses.csv").data)[1:]
    assert [row[0] for row in body] == ["Other groups (each under 6)"] * 6


def test_a_wave_whose_answers_are_all_held_exports_nothing(client, auth, factory):
    wave, groups, owner = make_wave(factory, groups=2)
    add_responses(wave, groups[0], 4)
    add_responses(wave, groups[1], 4)
    assert (count_responses(wave.id), count_held(wave.id)) == (0, 8)
    auth.login(owner.email)
    for suffix in ("csv", "xlsx"):
        response = client.get(f"/waves/{wave.id}/responses.{suffix}")
        assert response.status_code == 409
        assert "exported only for at least 5 people" in response.get_data(as_text=True)


def test_only_writers_may_export_and_exports_are_audited(client, auth, factory):
    wave, groups, owner = make_wave(factory)
    add_responses(wave, groups[0], 5)
    sponsor, stranger = factory.user("sponsor"), factory.user("practitioner")
    db.session.add(InitiativeMember(initiative_id=wave.initiative_id, user_id=sponsor.id, role="sponsor"))
    db.session.commit()
    path = f"/waves/{wave.id}/responses.csv"

    assert client.get(path).status_code == 302
    auth.login(sponsor.email)
    assert client.get(path).status_code == 403
    auth.logout()
    auth.login(stranger.email)
    assert client.get(path).status_code == 404
    auth.logout()
    auth.login(owner.email)
    assert client.get(path).status_code == 200
    db.session.rollback()
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "responses.export")).one()
    assert event.user_id == owner.id and event.detail == {"format": "csv", "rows": 5}
