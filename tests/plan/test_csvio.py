"""The shared CSV reader and the export cell guard (pure functions, no app)."""

from __future__ import annotations

import csv
import io

import pytest

from adkar.csvio import neutralise_cell, neutralise_row, read_csv, restore_cell, write_csv
from adkar.validation import ValidationFailed

COLUMNS = {"required": ("name", "headcount"), "optional": ("description",)}


def problems(source, **kwargs) -> list[str]:
    with pytest.raises(ValidationFailed) as caught:
        read_csv(source, **{**COLUMNS, **kwargs})
    return [str(p) for p in caught.value.problems]


def test_reads_rows_with_data_row_numbers_and_trimmed_values():
    rows = read_csv(b"name,headcount,description\n Agents , 12 ,Front line\nLeads,3,\n", **COLUMNS)
    assert rows == [
        {"row": 1, "name": "Agents", "headcount": "12", "description": "Front line"},
        {"row": 2, "name": "Leads", "headcount": "3", "description": ""},
    ]


def test_bom_semicolons_header_case_and_column_order():
    data = "\ufeffHeadCount ; NAME;Description\r\n12;Agents;Zürich, Genève\r\n".encode()
    assert read_csv(data, **COLUMNS) == [
        {"row": 1, "name": "Agents", "headcount": "12", "description": "Zürich, Genève"}
    ]


def test_semicolon_file_whose_values_contain_commas():
    rows = read_csv(b"name;headcount\nSales, EMEA;40\n", **COLUMNS)
    assert rows[0]["name"] == "Sales, EMEA"


def test_optional_column_may_be_absent_and_headers_match_loosely():
    rows = read_csv(b"Target Element,name\nability,x\n", required=("name", "target_element"))
    assert rows == [{"row": 1, "name": "x", "target_element": "ability"}]
    rows = read_csv(b"target element,Q-1\nability,5\n", required=("Q-1", "Target_Element"))
    assert rows == [{"row": 1, "Q-1": "5", "Target_Element": "ability"}]  # keyed by the caller's names
    assert read_csv(b"name,headcount\nA,1\n", **COLUMNS)[0]["description"] == ""


def test_blank_lines_are_skipped_but_counted_and_quoted_newlines_kept():
    rows = read_csv(b'name,headcount\nA,1\n\n,,\n"B\nsecond line",2\n', **COLUMNS)
    assert [(r["row"], r["name"]) for r in rows] == [(1, "A"), (4, "B\nsecond line")]


def test_missing_duplicate_and_unexpected_columns_are_listed_together():
    found = problems(b"name,Name,head count,extra\nA,A,1,x\n")
    assert "column 'name': This column appears more than once in the header." in found
    assert "column 'headcount': This required column is missing from the header row." in found
    assert any(p.startswith("column 'head_count': This column is not expected") for p in found)
    assert any(p.startswith("column 'extra': This column is not expected") for p in found)


def test_extra_columns_can_be_allowed():
    assert read_csv(b"name,headcount,extra\nA,1,x\n", allow_extra=True, **COLUMNS)[0] == {
        "row": 1,
        "name": "A",
        "headcount": "1",
        "description": "",
    }


def test_values_that_would_be_lost_are_problems_with_their_row():
    found = problems(b"name,headcount,\nA,1,\nB,2,oops\nC,3,,more\n")
    assert found == [
        "row 2: Column 3 has a value but no header.",
        "row 3: This row has more values than the header has columns.",
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty."),
        (b"\xef\xbb\xbf\r\n", "The file is empty."),
        (b"name,headcount\n", "The file has a header row but no data rows."),
        ("name,headcount\nZürich,1\n".encode("latin-1"), "The file is not UTF-8 text."),
        ("name,headcount\n".encode("utf-16"), "The file is saved as UTF-16."),
    ],
)
def test_unreadable_files(data, message):
    assert problems(data)[0].startswith(message)


def test_size_and_row_limits():
    assert problems(b"name,headcount\n" + b"A,1\n" * 10, max_bytes=50)[0].startswith(
        "The file is larger than"
    )
    assert problems(b"name,headcount\n" + b"A,1\n" * 4, max_rows=3) == [
        "The file has more than 3 rows. Split it into smaller files."
    ]
    assert len(read_csv(b"name,headcount\n" + b"A,1\n" * 3, max_rows=3, **COLUMNS)) == 3


def test_reads_file_objects_and_refuses_ambiguous_column_names():
    assert read_csv(io.BytesIO(b"name,headcount\nA,1\n"), **COLUMNS)[0]["name"] == "A"
    with pytest.raises(ValueError):
        read_csv(b"row\n1\n", required=("row",))


def test_nul_bytes_are_a_row_problem():
    assert problems(b"name,headcount\nA,1\nB\x00,2\n") == [
        "row 2: This row contains a NUL character; is the file really CSV text?"
    ]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=SUM(A1:A2)", "'=SUM(A1:A2)"),
        ("+1-2", "'+1-2"),
        ("-1+2", "'-1+2"),
        ("@cmd", "'@cmd"),
        ("\tTAB", "'\tTAB"),
        ("\rCR", "'\rCR"),
        ("Plain text", "Plain text"),
        ("a=b", "a=b"),
        ("", ""),
        (-5, -5),
        (0.25, 0.25),
        (None, None),
    ],
)
def test_neutralise_cell(value, expected):
    assert neutralise_cell(value) == expected


def test_restore_cell_undoes_neutralise_only():
    for text in ("=SUM(A1)", "-3", "'quoted", "plain", "'"):
        assert restore_cell(neutralise_cell(text)) == text


def test_write_csv_neutralises_every_cell_and_reads_back():
    data = write_csv(["name", "=header"], [['=HYPERLINK("x")', 3], ["@me", None]])
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows == [["name", "'=header"], ['\'=HYPERLINK("x")', "3"], ["'@me", ""]]
    assert neutralise_row(["-x", 1]) == ["'-x", 1]
    back = read_csv(data, required=("name",), allow_extra=True)
    assert back[0]["name"] == '=HYPERLINK("x")'
