"""Files from the survey tools practitioners use, imported as those tools write them: the file is read and
described, identity columns are never stored, the columns are proposed and confirmed, the preview counts
each group, and the import stores every group's responses or none."""

from __future__ import annotations

import csv
import io
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from adkar.accounts.models import prefers_european_csv
from adkar.extensions import db
from adkar.surveys.definitions import registry
from adkar.surveys.models import ImportMapping, Response
from adkar.surveys.responses import exports
from adkar.surveys.responses.answer_values import Scale
from adkar.surveys.responses.source_files import read_source
from adkar.validation import ValidationFailed

from . import tool_files
from .wavedata import count_responses, make_wave, tally

ROWS = [
    ("Team A", [5, 4, 3, 2, 1], "Schön, dass es losgeht"),
    ("Team B", [4, 4, 4, 4, 4], ""),
    ("Team A", [1, 2, 3, 4, 5], ""),
    ("Team B", [2, 2, 3, 3, 5], "Mehr Schulung bitte"),
    ("Team A", [3, 3, 3, 3, 3], ""),
]
SWAP = {"Team A": "Team B", "Team B": "Team A"}
ROWS += [(SWAP[team], answers, comment) for team, answers, comment in ROWS]  # 5 per group: k, published
ITEMS = ("aw1", "de1", "kn1", "ab1", "re1")

FILES = {
    "forms-xlsx-en": (lambda: tool_files.forms_xlsx(ROWS, "en"), "forms.xlsx", "Read as an Excel workbook"),
    "forms-xlsx-de": (lambda: tool_files.forms_xlsx(ROWS, "de"), "forms.xlsx", "Read as an Excel workbook"),
    "google-csv-de": (lambda: tool_files.google_csv(ROWS, "de"), "Umfrage.csv", "Read as UTF-8, comma"),
    "google-csv-en": (lambda: tool_files.google_csv(ROWS, "en"), "survey.csv", "Read as UTF-8, comma"),
    "surveymonkey-csv": (
        lambda: tool_files.surveymonkey_csv(ROWS),
        "Sheet_1.csv",
        "Read as UTF-8 (with BOM), comma-separated, 2 header rows",
    ),
    "qualtrics-csv-fr": (
        lambda: tool_files.qualtrics_csv(ROWS, "fr"),
        "ADKAR.csv",
        "Read as UTF-8 (with BOM), comma-separated, 3 header rows",
    ),
    "qualtrics-csv-en": (
        lambda: tool_files.qualtrics_csv(ROWS, "en"),
        "ADKAR.csv",
        "3 header rows",
    ),
    "limesurvey-cp1252": (
        lambda: tool_files.limesurvey_csv(ROWS, "cp1252"),
        "results-survey.csv",
        "Read as Windows-1252, semicolon-separated, 1 header row",
    ),
    "limesurvey-utf8": (
        lambda: tool_files.limesurvey_csv(ROWS, "utf-8"),
        "results-survey.csv",
        "Read as UTF-8, semicolon-separated",
    ),
}


@pytest.fixture
def pulse(app):
    with app.app_context():
        return registry.get("adkar-pulse")


@pytest.fixture
def signed_in(client, auth, factory):
    wave, groups, owner = make_wave(factory, groups=2)
    auth.login(owner.email)
    return wave, groups, owner


def upload(client, wave, data: bytes, filename: str, *, group_id: int = 0, source: str = ""):
    form = {"group_id": str(group_id), "source": source, "file": (io.BytesIO(data), filename)}
    return client.post(f"/waves/{wave.id}/responses/import", data=form, content_type="multipart/form-data")


def review_form(html: str) -> dict[str, str]:
    """The review form's fields as the page fills them in: the upload, each column's selected target."""
    form = {"upload": re.search(r'name="upload" value="([0-9a-f]+)"', html).group(1)}
    for name, options in re.findall(r'<select name="([^"]+)" id="[^"]+">(.*?)</select>', html, re.S):
        selected = re.search(r'<option value="([^"]*)" selected>', options)
        form[name] = selected.group(1) if selected else re.search(r'value="([^"]*)"', options).group(1)
    form["source"] = re.search(r'name="source" id="source" maxlength="100" value="([^"]*)"', html).group(1)
    return form


def confirm(client, wave, form: dict, action: str = "import"):
    return client.post(f"/waves/{wave.id}/responses/import/review", data={**form, "action": action})


def stored_answers() -> list[tuple[int, tuple[int, ...]]]:
    rows = db.session.execute(select(Response.group_id, Response.answers)).all()
    return sorted((group_id, tuple(answers[i] for i in ITEMS)) for group_id, answers in rows)


def expected(groups, rows=ROWS) -> list[tuple[int, tuple[int, ...]]]:
    ids = {g.name: g.id for g in groups}
    return sorted((ids[team], tuple(answers)) for team, answers, _ in rows)


@pytest.mark.parametrize("tool", FILES)
def test_each_tools_file_is_read_mapped_previewed_and_imported(client, signed_in, tool, app):
    wave, groups, _ = signed_in
    build, filename, described = FILES[tool]
    data = build()

    page = upload(client, wave, data, filename)

    html = page.get_data(as_text=True)
    assert page.status_code == 200, html
    assert described in html
    assert 'id="identity-columns"' in html and "never read or stored" in html
    assert "Team A: 5 responses" in html and "Team B: 5 responses" in html
    assert count_responses() == 0  # nothing before the practitioner confirms
    done = confirm(client, wave, review_form(html))
    assert done.status_code == 303, done.get_data(as_text=True)
    assert stored_answers() == expected(groups)
    assert tally(wave.id, groups[0].id).n == tally(wave.id, groups[1].id).n == 5
    stored = " ".join(str(a) for (a,) in db.session.execute(select(Response.answers)).all())
    assert "@example.com" not in stored and "203.0.113" not in stored


def test_identity_columns_are_never_proposed_as_answers(app):
    with app.app_context():
        table = read_source(tool_files.qualtrics_csv(ROWS, "en"))
        from adkar.surveys.responses.file_import import proposed_mapping

        mapping, proposals = proposed_mapping(registry.get("adkar-pulse"), table, {1: "Team A", 2: "Team B"})
    identity = [name for name, p in proposals.items() if p.identity]
    assert identity[:3] == ["StartDate", "EndDate", "Status"]
    assert {"IPAddress", "ResponseId", "RecipientEmail", "LocationLatitude"} <= set(identity)
    assert all(mapping.targets[name] == "ignore" for name in identity)
    assert mapping.targets["Q2_1"] == "aw1" and mapping.targets["Q1"] == "group"


@pytest.mark.parametrize(
    ("encoding", "delimiter", "described"),
    [
        ("utf-16", ";", "Read as UTF-16, semicolon-separated"),
        ("utf-8-sig", "\t", "Read as UTF-8 (with BOM), tab-separated"),
        ("utf-8", "|", "Read as UTF-8, pipe-separated"),
        ("cp1252", ",", "Read as Windows-1252, comma-separated"),
    ],
)
def test_encodings_and_separators_are_detected_and_stated(app, encoding, delimiter, described):
    text = delimiter.join(["Gruppe", "aw1", "Kommentar"]) + "\r\n"
    text += delimiter.join(["Führung", "4", "Schön, gut"]) + "\r\n"
    table = read_source(text.replace("Schön, gut", '"Schön, gut"').encode(encoding))
    assert table.described.startswith(described)
    assert [c.name for c in table.columns] == ["Gruppe", "aw1", "Kommentar"]
    assert table.rows == [(2, ["Führung", "4", "Schön, gut"])]


@pytest.mark.parametrize(
    ("cell", "value"),
    [
        ("4", 4), ("4.0", 4), ("4,0", 4), ("A5", 5), ("Strongly agree", 5), ("Tout à fait d’accord", 5),
        ("Stimme voll zu", 5), ("stimme voll und ganz zu", 5), ("Teils, teils", 3), ("2 - Disagree", 2),
        ("Agree (4)", 4), ("1.000", None), ("1,000", None), ("4.5", None), ("6", None), ("A6", None), ("yes", None),
    ],
)  # fmt: skip
def test_answers_as_tools_write_them(pulse, cell, value):
    scale = Scale.of(pulse)
    assert scale.read(cell, "Q1") == value


def test_a_reversed_label_scale_is_detected_and_read_by_its_labels(pulse):
    scale = Scale.of(pulse)
    assert scale.read("1 - Strongly agree", "Q1") == 5
    assert scale.read("5 = Strongly disagree", "Q1") == 1
    assert scale.reversed_columns == {"Q1"}
    assert scale.read("5", "Q2", reverse=True) == 1  # the practitioner's word for bare numbers


def test_a_bad_file_names_each_row_and_column_as_written_and_stores_nothing(client, signed_in):
    wave, _groups, _ = signed_in
    rows = [*ROWS[:2], ("Vertrieb", [4, 4, 4, 4, 4], ""), *ROWS[3:]]
    data = tool_files.limesurvey_csv(rows).replace(b'"A3";"A2";"A1"', b'"A3";"A7";""', 1)
    data = data.replace(b'"A2";"A2";"A3"', b'"1.000";"A2";"A3"', 1)

    html = upload(client, wave, data, "results.csv").get_data(as_text=True)

    assert (
        "row 2, column “ADKAR[ab1]”: “A7” is not an answer on the agreement scale. Write a whole number"
        in html
    )
    assert "row 2, column “ADKAR[re1]”: Missing: every ADKAR statement needs an answer from 1 to 5." in html
    assert (
        "row 4, column “Gruppe”: “Vertrieb” is not a group of this wave: write one of Team A, Team B" in html
    )
    assert "row 5, column “ADKAR[aw1]”: “1.000” reads as a thousand in some languages" in html
    refused = confirm(client, wave, review_form(html))
    assert refused.status_code == 400
    assert count_responses() == 0
    assert db.session.scalar(select(ImportMapping.id)) is None


def test_every_group_or_none(client, signed_in):
    """One bad row of Team B keeps Team A's good rows out too."""
    wave, groups, _ = signed_in
    rows = [*(("Team A", [4, 4, 4, 4, 4], "") for _ in range(6)), ("Team B", [4, 4, 4, 4, 4], "")]
    head, tail = tool_files.google_csv(rows, "en").rsplit(b"Agree,", 1)
    data = head + b"Agreed," + tail
    html = upload(client, wave, data, "survey.csv").get_data(as_text=True)
    assert "row 8, column “How far do you agree? [In my team, the new way" in html
    assert confirm(client, wave, review_form(html)).status_code == 400
    assert count_responses() == 0 and tally(wave.id, groups[0].id).n == 0


def test_a_missing_item_or_group_column_is_explained(client, signed_in):
    wave, _groups, _ = signed_in
    html = upload(client, wave, tool_files.forms_xlsx(ROWS, "en"), "forms.xlsx").get_data(as_text=True)
    form = review_form(html)
    column = next(name for name, value in form.items() if value == "aw1")
    group = next(name for name, value in form.items() if value == "group")
    page = confirm(client, wave, {**form, column: "ignore", group: "ignore"}, "preview")
    text = page.get_data(as_text=True)
    assert "No column is matched to aw1 (“I understand why we are introducing the new system.”)" in text
    assert "Choose the group these responses belong to, or the column that names it." in text
    assert count_responses() == 0


def test_corrections_are_saved_per_source_and_proposed_again(client, signed_in):
    wave, _groups, _ = signed_in
    data = tool_files.google_csv(ROWS, "de")  # "Kommentar" matches no statement: the practitioner says
    html = upload(client, wave, data, "Umfrage.csv", source="Google Formular").get_data(as_text=True)
    form = review_form(html)
    comment = next(n for n in form if n.startswith("col-") and f'id="{n}"' in html and n == "col-8")
    assert form[comment] == "ignore"
    assert confirm(client, wave, {**form, comment: "comment"}).status_code == 303
    comments = sorted(filter(None, db.session.scalars(select(Response.comment))))
    assert comments == ["Mehr Schulung bitte"] * 2 + ["Schön, dass es losgeht"] * 2
    again = upload(client, wave, data, "Umfrage.csv", source="Google Formular").get_data(as_text=True)
    assert review_form(again)[comment] == "comment"
    assert "Proposed: as in the saved mapping" in again


@pytest.mark.parametrize("style", ["", "european"])
def test_adkars_own_export_imports_back(client, signed_in, factory, style):
    """The anonymous export of one wave, uploaded to another with the same groups, gives the same answers;
    the European CSV (semicolons, decimal commas) too."""
    wave, groups, owner = signed_in
    rows = [(g.name, [((i + j) % 5) + 1 for j in range(5)], "") for g in groups for i in range(6)]
    data = tool_files.google_csv(rows, "en")
    assert (
        confirm(
            client, wave, review_form(upload(client, wave, data, "a.csv").get_data(as_text=True))
        ).status_code
        == 303
    )
    exported = client.get(f"/waves/{wave.id}/responses.csv", query_string={"csv": style} if style else {})
    assert exported.status_code == 200
    if style:
        header, first = exported.data.decode("utf-8-sig").splitlines()[:2]
        assert header.startswith("Group;Submitted;aw1: I understand") and re.search(r";\d,\d+;", first)
    other, other_groups, _ = make_wave(factory, groups=2, owner=owner)

    html = upload(client, other, exported.data, exports.filename(other, "csv")).get_data(as_text=True)

    assert "Team A: 6 responses" in html and "Team B: 6 responses" in html
    assert confirm(client, other, review_form(html)).status_code == 303
    first = sorted(a for g, a in stored_answers() if g in {x.id for x in groups})
    second = sorted(a for g, a in stored_answers() if g in {x.id for x in other_groups})
    assert first == second and len(second) == 12


def test_an_upload_belongs_to_its_sender_and_wave(client, signed_in, auth, factory):
    wave, _groups, _ = signed_in
    form = review_form(
        upload(client, wave, tool_files.surveymonkey_csv(ROWS), "s.csv").get_data(as_text=True)
    )
    other, _, _ = make_wave(factory, groups=1, owner=signed_in[2])
    moved = confirm(client, other, form)
    assert moved.status_code == 303 and moved.headers["Location"].endswith(
        f"/waves/{other.id}/responses/import"
    )
    assert count_responses() == 0


def test_unreadable_files_say_how_to_fix_them(app):
    with pytest.raises(ValidationFailed, match="cannot be read as an Excel workbook"):
        read_source(b"PK\x03\x04 not a zip", "x.xlsx")
    with pytest.raises(ValidationFailed, match="header but no rows"):
        read_source(b"Team,aw1\r\n")
    with pytest.raises(ValidationFailed, match="empty"):
        read_source(b"\xef\xbb\xbf\r\n")


def test_an_identity_column_is_never_stored_whatever_the_form_says(client, signed_in):
    wave, _groups, _ = signed_in
    html = upload(client, wave, tool_files.forms_xlsx(ROWS, "en"), "forms.xlsx").get_data(as_text=True)
    assert 'name="col-3"' not in html  # "Email": no choice offered
    form = {**review_form(html), "col-3": "comment", "col-4": "comment"}  # a forged form
    assert confirm(client, wave, form).status_code == 303
    assert "anonymous" not in [c for (c,) in db.session.execute(select(Response.comment)).all()]
    assert count_responses() == 10


def test_a_blank_header_cell_keeps_the_first_row_an_answer_and_twin_names_get_their_letter(pulse):
    table = read_source(b"Team,,aw1,aw1\r\nTeam A,x,4,5\r\nTeam B,,3,3\r\n")
    assert table.header_rows == 1 and [n for n, _ in table.rows] == [2, 3]
    assert [c.name for c in table.columns] == ["Team", "", "aw1", "aw1 (D)"]


@given(
    st.lists(
        st.lists(
            st.text(st.characters(codec="cp1252", exclude_categories=("Cs", "Cc")), max_size=12),
            min_size=3,
            max_size=3,
        ),
        min_size=1,
        max_size=6,
    ),
    st.sampled_from([",", ";", "\t", "|"]),
    st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252"]),
)
@settings(max_examples=60, deadline=None)
def test_any_table_reads_back_whatever_its_encoding_and_separator(rows, delimiter, encoding):
    header = ["Gruppe", "Horodateur", "Commentaire"]
    body = [
        [f"x{cell}" for cell in row] for row in rows
    ]  # a letter first: no row looks blank or like a header
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=delimiter).writerows([header, *body])
    table = read_source(buffer.getvalue().encode(encoding))
    assert [c.name for c in table.columns] == header
    assert [cells for _, cells in table.rows] == [[c.strip() for c in row] for row in body]
    assert table.delimiter == delimiter


def test_a_person_may_prefer_european_csv_downloads(client, signed_in):
    wave, _groups, owner = signed_in
    form = review_form(
        upload(client, wave, tool_files.google_csv(ROWS, "en"), "a.csv").get_data(as_text=True)
    )
    assert confirm(client, wave, form).status_code == 303
    path = f"/waves/{wave.id}/responses.csv"
    assert client.get(path).data.decode("utf-8-sig").startswith("Group,Submitted,")
    saved = client.post("/account/csv-style", data={"european_csv": "1"})
    assert saved.status_code == 302
    assert prefers_european_csv(owner.id)
    assert client.get(path).data.decode("utf-8-sig").startswith("Group;Submitted;")
    assert client.get(path, query_string={"csv": "plain"}).data.decode("utf-8-sig").startswith("Group,")
    client.post("/account/csv-style", data={})
    assert client.get(path).data.decode("utf-8-sig").startswith("Group,Submitted,")


def test_an_upload_is_imported_once(client, signed_in, app):
    from adkar.surveys.responses import pending_uploads

    wave, _groups, _owner = signed_in
    form = review_form(
        upload(client, wave, tool_files.google_csv(ROWS, "en"), "a.csv").get_data(as_text=True)
    )
    with app.test_request_context():
        assert pending_uploads.claim(form["upload"]) is True
        assert pending_uploads.claim(form["upload"]) is False  # a second click loses the race
        pending_uploads.discard(form["upload"])
    form = review_form(
        upload(client, wave, tool_files.google_csv(ROWS, "en"), "a.csv").get_data(as_text=True)
    )
    assert confirm(client, wave, form).status_code == 303
    again = confirm(client, wave, form)
    assert again.status_code == 303 and count_responses() == 10
