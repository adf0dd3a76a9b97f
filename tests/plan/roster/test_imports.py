"""Roster files: CSV and XLSX read alike (columns by name, other columns as attributes), bad files refused whole
with their rows named, and an exported roster reads back as the same roster."""

from __future__ import annotations

import io
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from adkar import csvio
from adkar.plan.roster import imports
from adkar.plan.roster.imports import read_roster
from adkar.spreadsheet import write_xlsx
from adkar.validation import ValidationFailed


def xlsx(*rows) -> bytes:
    """A workbook as a spreadsheet program saves one: typed cells, the first sheet holding the table."""
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(list(row))
    book.create_sheet("Notes").append(["not read"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def problems(data: bytes, filename: str = "") -> list[tuple[int | None, str | None, str]]:
    with pytest.raises(ValidationFailed) as caught:
        read_roster(data, filename)
    return [(p.row, p.column, p.message) for p in caught.value.problems]


EXPECTED = [
    {
        "row": 1,
        "email": "Ana@Example.com",
        "name": "Ana García",
        "language": "fr",
        "attributes": {"department": "Service desk", "cost_centre": "4711"},
    },
    {
        "row": 3,
        "email": "bo@example.com",
        "name": "",
        "language": "",
        "attributes": {"department": "Field", "cost_centre": ""},
    },
]


def test_csv_columns_by_name_in_any_case_and_order_others_as_attributes():
    data = (
        "\ufeffDepartment;E-Mail;NAME;Cost Centre;Language\r\n"
        "Service desk;Ana@Example.com;Ana García;4711;fr\r\n"
        "\r\n"  # a blank line still counts, so row numbers match the file
        "Field;bo@example.com;;;\r\n"
    ).encode()
    # "E-Mail" is not "email": the header must name the column email
    assert problems(data) == [(None, "email", "This required column is missing from the header row.")]
    assert read_roster(data.replace(b"E-Mail", b"Email")) == EXPECTED


def test_xlsx_reads_like_csv_with_typed_cells():
    data = xlsx(
        ("Department", "Email", "NAME", "Cost Centre", "Language"),
        ("Service desk", "Ana@Example.com", "Ana García", 4711, "fr"),
        (None, None, None, None, None),
        ("Field", "bo@example.com", None, None, None),
    )
    assert read_roster(data, "roster.xlsx") == EXPECTED
    assert read_roster(data) == EXPECTED  # known by its content, whatever its name


def test_xlsx_numbers_and_dates_become_the_text_a_csv_would_hold():
    data = xlsx(
        ("email", "employee_id", "share", "started", "manager"),
        ("a@example.com", 1200.0, 0.5, date(2026, 3, 1), True),
    )
    assert read_roster(data)[0]["attributes"] == {
        "employee_id": "1200",
        "share": "0.5",
        "started": "2026-03-01",
        "manager": "TRUE",
    }


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_bad_header_is_refused_whole(kind):
    header, row = ("name", "email", "Name"), ("Ana", "a@example.com", "Ana")
    data = xlsx(header, row) if kind == "xlsx" else csvio.write_csv(header, [row])
    assert problems(data) == [(None, "name", "This column appears more than once in the header.")]


def test_values_beyond_the_header_are_refused_with_their_row():
    assert problems(b"email,name\na@example.com,Ana\nb@example.com,Bo,extra\n") == [
        (2, None, "This row has more values than the header has columns.")
    ]
    data = xlsx(("email", None, "name"), ("a@example.com", "lost", "Ana"))
    assert problems(data) == [(1, None, "Column 2 has a value but no header.")]


def test_a_file_that_is_neither_csv_nor_xlsx():
    assert problems(b"PK\x03\x04 not really a zip") == [
        (
            None,
            None,
            "The file cannot be read as an XLSX workbook. Save it from Excel as “Excel Workbook (.xlsx)”, "
            "or as “CSV UTF-8”, and upload it again.",
        )
    ]
    assert problems("email\nana@example.com\n".encode("utf-16")) == [
        (None, None, "The file is saved as UTF-16. " + csvio._ENCODING_HELP)
    ]


def test_size_limits(monkeypatch):
    assert problems(b"email\n" + b"a@example.com\n" * 5001) == [
        (None, None, "The file has more than 5,000 rows. Split it into smaller files.")
    ]
    rows = [("email",)] + [(f"p{i}@example.com",) for i in range(5001)]
    assert problems(xlsx(*rows)) == [
        (None, None, "The file has more than 5,000 rows. Split it into smaller files.")
    ]
    monkeypatch.setattr(imports, "MAX_BYTES", 10)
    assert problems(b"email\nana@example.com\n") == [
        (None, None, "The file is larger than 1e-05 MB. Split it into smaller files.")
    ]


def test_too_many_attribute_columns():
    header = ["email", *(f"c{i}" for i in range(21))]
    assert problems(csvio.write_csv(header, [["a@example.com", *["x"] * 21]])) == [
        (
            None,
            None,
            "The file has 21 columns besides email, name and language; a person holds at most 20 attributes.",
        )
    ]


def test_an_exported_roster_reads_back_the_same():
    header = ["email", "name", "language", "department", "note"]
    rows = [
        ["a@example.com", "=HYPERLINK(1)", "fr", "+44 sales", "@home"],
        ["b@example.com", "Bo", "en", "", "-"],
    ]
    for data in (csvio.write_csv(header, rows), write_xlsx(header, rows, sheet="Roster", notes=["About it"])):
        read = read_roster(data)
        assert [[r["email"], r["name"], r["language"], *r["attributes"].values()] for r in read] == rows


cells = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufeff"), max_size=20
).map(str.strip)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(cells, cells), min_size=1, max_size=8))
def test_csv_round_trip_keeps_every_value(values):
    """Whatever text people put in a roster (formula-like, quotes, separators, accents), the CSV the app writes
    reads back as the same values."""
    rows = [[f"p{i}@example.com", name, department] for i, (name, department) in enumerate(values)]
    data = csvio.write_csv(["email", "name", "department"], rows)
    read = read_roster(data)
    assert [[r["email"], r["name"], r["attributes"]["department"]] for r in read] == rows
