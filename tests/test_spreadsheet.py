"""The shared spreadsheet writer and download response: safe cells, typed numbers, a readable layout."""

from __future__ import annotations

import io
from datetime import date, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from adkar.csvio import neutralise_cell, restore_cell
from adkar.spreadsheet import XLSX_MEDIA_TYPE, download, table_download, write_xlsx

from .spreadsheet_support import assert_same_table, formula_like

HEADER = ("group", "what", "people", "share", "due")


def load(body: bytes):
    return load_workbook(io.BytesIO(body))


def test_text_is_neutralised_and_numbers_and_dates_stay_typed():
    rows = [
        ["Service desk", '=HYPERLINK("http://evil.example","x")', 3, 0.8333, date(2030, 5, 17)],
        ["@SUM(1)", "\x01=1+1", -5, None, None],
        ["-2", "+cmd", 0, 1.0, date(2030, 1, 2)],
    ]
    sheet = load(write_xlsx(("=group", *HEADER[1:]), rows)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values == [
        ["'=group", "what", "people", "share", "due"],
        ["Service desk", '\'=HYPERLINK("http://evil.example","x")', 3, 0.8333, datetime(2030, 5, 17)],
        ["'@SUM(1)", "'=1+1", -5, None, None],  # the control character is dropped before neutralising
        ["'-2", "'+cmd", 0, 1.0, datetime(2030, 1, 2)],
    ]
    cells = [c for row in sheet.iter_rows() for c in row]
    assert not [c for c in cells if c.data_type == "f"]
    assert [c.data_type for c in cells if c.value in (3, -5, 0, 0.8333)] == ["n"] * 4
    assert sheet["E2"].is_date and sheet["E2"].number_format == "yyyy-mm-dd"


def test_header_is_bold_and_frozen_and_columns_fit_their_contents():
    rows = [["Field engineers", "x" * 100, 12, 0.5, date(2030, 1, 1)], ["Desk", "short", 7, None, None]]
    sheet = load(write_xlsx(HEADER, rows, sheet="Actions")).active
    assert sheet.title == "Actions" and sheet.freeze_panes == "A2"
    assert all(c.font.b for c in sheet[1]) and not any(c.font.b for c in sheet[2])
    widths = {letter: sheet.column_dimensions[letter].width for letter in "ABCDE"}
    # longest text + 1, at least 8, at most 60; a header counts 2 more for its bold face
    assert widths == {"A": 16, "B": 60, "C": 9, "D": 8, "E": 11}


def test_notes_go_on_an_about_sheet_and_are_neutralised_too():
    workbook = load(write_xlsx(HEADER, [], notes=["First note.", "=cmd|' /C calc'!A0"]))
    assert workbook.sheetnames == ["Export", "About"]
    about = workbook["About"]
    assert [c.value for c in about["A"]] == ["About this export", "First note.", "'=cmd|' /C calc'!A0"]
    assert about["A1"].font.b and about["A2"].alignment.wrap_text
    assert [[c.value for c in row] for row in workbook["Export"].iter_rows()] == [list(HEADER)]
    assert load(write_xlsx(HEADER, [])).sheetnames == ["Export"]


def test_number_formats_apply_to_numbers_of_that_column_only():
    sheet = load(
        write_xlsx(
            HEADER, [["A", "b", 2, 0.25, None], ["B", "c", 3, None, None]], number_formats={"share": "0.0000"}
        )
    ).active
    assert sheet["D2"].number_format == "0.0000" and sheet["D2"].value == 0.25
    assert sheet["C2"].number_format == "General"
    assert sheet["D3"].value is None


def test_download_is_an_attachment_with_a_safe_name():
    response = download(b"x", XLSX_MEDIA_TYPE, "7-actions-2030-01-02.xlsx")
    assert response.headers["Content-Disposition"] == 'attachment; filename="7-actions-2030-01-02.xlsx"'
    assert response.mimetype == XLSX_MEDIA_TYPE and response.data == b"x"
    for name in ('a".csv', "../x.csv", "x y.csv", "", ".hidden", "a\r\nSet-Cookie: x"):
        with pytest.raises(ValueError):
            download(b"x", "text/csv", name)


def test_table_download_writes_the_same_table_in_both_formats():
    rows = [["Desk", "=1", 3, 0.5, date(2030, 1, 2)], ["Field", "", 0, None, None]]
    as_csv = table_download("csv", HEADER, rows, stem="t")
    as_xlsx = table_download("xlsx", HEADER, rows, stem="t")
    assert as_csv.mimetype == "text/csv" and as_csv.headers["Content-Disposition"].endswith('"t.csv"')
    assert as_xlsx.headers["Content-Disposition"].endswith('"t.xlsx"')
    csv_table = [line.split(",") for line in as_csv.get_data(as_text=True).lstrip("\ufeff").splitlines()]
    assert csv_table[1] == ["Desk", "'=1", "3", "0.5", "2030-01-02"]
    sheet = load(as_xlsx.data).active
    assert_same_table(csv_table, [list(r) for r in sheet.iter_rows(values_only=True)])
    with pytest.raises(ValueError):
        table_download("pdf", HEADER, rows, stem="t")


DANGEROUS = st.sampled_from(["=", "+", "-", "@", "\t", "\r", "'", "'=", "''+", " =", "\x01="])
TEXT = st.one_of(st.text(max_size=30), st.builds(lambda a, b: a + b, DANGEROUS, st.text(max_size=15)))


@settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(st.lists(TEXT, min_size=1, max_size=4))
def test_no_text_ever_becomes_a_formula(texts):
    body = write_xlsx(texts, [[t, 1, t] for t in texts], notes=texts)
    cells = [c for sheet in load(body).worksheets for row in sheet.iter_rows() for c in row]
    assert not [c for c in cells if c.data_type == "f"]
    assert not formula_like(c.value for c in cells)
    stored = {_line_ends(c.value) for c in cells if isinstance(c.value, str)}
    for text in texts:
        clean = ILLEGAL_CHARACTERS_RE.sub("", text)
        if clean:
            assert _line_ends(neutralise_cell(clean)) in stored
            assert restore_cell(neutralise_cell(clean)) == clean


def _line_ends(text: str) -> str:
    """XML readers turn CR and CRLF into LF."""
    return text.replace("\r\n", "\n").replace("\r", "\n")
