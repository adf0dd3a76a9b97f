"""Importing stakeholder groups from CSV: all or nothing, with every problem named by row and column."""

from __future__ import annotations

import io

from sqlalchemy import select

from adkar.extensions import db
from adkar.plan.models import StakeholderGroup

from .helpers import count, text


def upload(client, initiative_id: int, content: bytes, filename: str = "groups.csv"):
    return client.post(
        f"/initiatives/{initiative_id}/groups/import",
        data={"file": (io.BytesIO(content), filename)},
        content_type="multipart/form-data",
    )


def stored() -> list[tuple[str, int, str]]:
    db.session.expire_all()
    groups = db.session.scalars(select(StakeholderGroup).order_by(StakeholderGroup.id))
    return [(g.name, g.headcount, g.description) for g in groups]


def test_page_documents_the_format_with_a_downloadable_example(client, auth, cast):
    auth.login(cast.owner.email)
    page = text(client.get(f"/initiatives/{cast.initiative.id}/groups/import"))
    assert 'enctype="multipart/form-data"' in page
    for column in ("<code>name</code>", "<code>headcount</code>", "<code>description</code>"):
        assert column in page
    example = client.get(f"/initiatives/{cast.initiative.id}/groups/import/example.csv")
    assert example.status_code == 200 and example.mimetype == "text/csv"
    assert "attachment" in example.headers["Content-Disposition"]
    assert f"/initiatives/{cast.initiative.id}/groups/import/example.csv" in page


def test_the_example_file_imports_cleanly(client, auth, cast):
    auth.login(cast.owner.email)
    example = client.get(f"/initiatives/{cast.initiative.id}/groups/import/example.csv").data
    assert upload(client, cast.initiative.id, example).status_code == 302
    assert len(stored()) == 3


def test_good_file_creates_every_group_and_flashes_the_count(client, auth, cast):
    auth.login(cast.member.email)
    content = b'name,headcount,description\nAgents,48,"First line, all sites"\nField engineers,"1,200",\nLeads,14,Coach\n'
    response = upload(client, cast.initiative.id, content)
    assert response.status_code == 302 and response.headers["Location"].endswith("#groups")
    assert stored() == [
        ("Agents", 48, "First line, all sites"),
        ("Field engineers", 1200, ""),
        ("Leads", 14, "Coach"),
    ]
    assert "Imported 3 groups" in text(client.get(response.headers["Location"]))


def test_bom_and_semicolons_as_excel_saves_them(client, auth, cast):
    auth.login(cast.owner.email)
    content = "\ufeffName;Headcount;Description\r\nÉquipe Zürich;12;Genève, Basel\r\n".encode()
    assert upload(client, cast.initiative.id, content).status_code == 302
    assert stored() == [("Équipe Zürich", 12, "Genève, Basel")]


def test_bad_file_lists_every_problem_and_stores_nothing(client, auth, cast, factory):
    factory.group(cast.initiative, "Agents")
    auth.login(cast.owner.email)
    content = (
        b"name,headcount\n"
        b"Leads,14\n"  # fine on its own
        b"agents,5\n"  # exists already (case-insensitive)
        b"Trainers,twelve\n"  # not a number
        b",3\n"  # no name
        b"Leads,9\n"  # duplicate inside the file
        b"Interns,0\n"  # out of range
        b"Contractors,\n"  # missing headcount
    )
    response = upload(client, cast.initiative.id, content)
    body = text(response)
    assert response.status_code == 400
    assert "Nothing was stored" in body
    expected = [
        "row 2, column name: A group named “agents” exists already.",
        "row 3, column headcount: “twelve” is not a whole number.",
        "row 4, column name: The name is required.",
        "row 5, column name: “Leads” appears twice in the file (also row 1).",
        "row 6, column headcount: The headcount must be between 1 and 10,000,000.",
        "row 7, column headcount: A headcount is required.",
    ]
    for line in expected:
        assert f"<li>{line}</li>" in body, line
    assert "row 1," not in body
    assert stored() == [("Agents", 20, "")]


def test_missing_column_and_wrong_encoding_are_reported(client, auth, cast):
    auth.login(cast.owner.email)
    missing = upload(client, cast.initiative.id, b"name,people\nAgents,4\n")
    assert missing.status_code == 400
    assert "column headcount: This required column is missing from the header row." in text(missing)
    latin = upload(client, cast.initiative.id, "name,headcount\nZürich,4\n".encode("latin-1"))
    assert latin.status_code == 400 and "The file is not UTF-8 text." in text(latin)
    assert count(StakeholderGroup) == 0


def test_no_file_is_400(client, auth, cast):
    auth.login(cast.owner.email)
    response = client.post(f"/initiatives/{cast.initiative.id}/groups/import", data={})
    assert response.status_code == 400 and "Choose a CSV file to upload." in text(response)


def test_formula_prefixed_names_are_stored_as_text_and_shown_escaped(client, auth, cast):
    auth.login(cast.owner.email)
    content = b"name,headcount\n'=cmd|calc,4\n<b>Bold</b>,3\n"
    assert upload(client, cast.initiative.id, content).status_code == 302
    assert [name for name, _, _ in stored()] == ["=cmd|calc", "<b>Bold</b>"]
    page = text(client.get(f"/initiatives/{cast.initiative.id}"))
    assert "&lt;b&gt;Bold&lt;/b&gt;" in page and "<b>Bold</b>" not in page
