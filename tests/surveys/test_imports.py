"""Importing responses from a CSV file: all or nothing, every problem with its row and column."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from adkar.audit.models import AuditEvent
from adkar.extensions import db
from adkar.plan.models import InitiativeMember
from adkar.surveys.definitions import registry
from adkar.surveys.models import Response
from adkar.surveys.responses import imports
from adkar.validation import ValidationFailed

from .wavedata import count_held, count_responses, invite, make_wave, tally

HEADER = "aw1,de1,kn1,ab1,re1,comment"


def upload(client, wave, group, text: str, filename: str = "responses.csv"):
    data = {"group_id": str(group.id), "file": (io.BytesIO(text.encode("utf-8")), filename)}
    return client.post(f"/waves/{wave.id}/responses/import", data=data, content_type="multipart/form-data")


@pytest.fixture
def signed_in(client, auth, factory):
    """A wave of two groups whose owner is signed in."""
    wave, groups, owner = make_wave(factory, groups=2)
    auth.login(owner.email)
    return wave, groups, owner


def test_import_page_lists_the_columns(client, signed_in):
    wave, groups, _ = signed_in
    html = client.get(f"/waves/{wave.id}/responses/import").get_data(as_text=True)
    for column in ("aw1", "de1", "kn1", "ab1", "re1", "comment"):
        assert f"<code>{column}</code>" in html
    assert "I understand why we are introducing the new system." in html
    assert f'<option value="{groups[0].id}">Team A</option>' in html
    template = client.get(f"/waves/{wave.id}/responses/template.csv")
    assert template.data.decode("utf-8-sig").strip() == HEADER


def test_good_csv_is_imported_and_counts_in_n_not_invited(client, signed_in):
    wave, groups, owner = signed_in
    invite(wave, groups[0])
    text = (
        "\ufeff"
        + HEADER
        + '\r\n5,4,3,2,1,Paper form\r\n4,4,4,4,4,\r\n\r\n2,5,5,5,5,"Line one\nline two"\r\n'
        + "4,4,4,4,4,\r\n3,3,3,3,3,\r\n"
    )

    response = upload(client, wave, groups[0], text)

    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/waves/{wave.id}/responses/import")
    assert "Imported 5 responses into Team A." in client.get(response.headers["Location"]).get_data(
        as_text=True
    )
    counts = tally(wave.id, groups[0].id)
    assert (counts.n, counts.invited, counts.bar_knowledge, counts.bar_awareness, counts.bar_none) == (
        5,
        1,
        1,
        2,
        2,
    )
    assert count_held(wave.id) == 0  # at least k: published at once
    rows = db.session.scalars(select(Response).order_by(Response.score_awareness)).all()
    assert [r.comment for r in rows] == ["Line one\nline two", None, None, None, "Paper form"]
    assert rows[4].answers == {"aw1": 5, "de1": 4, "kn1": 3, "ab1": 2, "re1": 1}
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "responses.import")).one()
    assert event.user_id == owner.id and event.detail["count"] == 5 and event.detail["source"] == "csv"


def test_a_csv_of_fewer_than_k_is_held_until_the_groups_imports_reach_k(client, signed_in):
    wave, groups, _ = signed_in
    response = upload(client, wave, groups[0], HEADER + "\n5,4,3,2,1,Paper form\n4,4,4,4,4,\n2,5,5,5,5,\n")
    assert response.status_code == 302
    assert (count_responses(wave.id), count_held(wave.id), tally(wave.id, groups[0].id).n) == (0, 3, 0)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert (
        "Imported 3 responses into Team A. 3 imported answers of Team A are held until the group has 5"
        in page
    )
    assert "No responses are published yet: 3 answers are waiting until a group has 5 of one kind" in page
    upload(client, wave, groups[1], HEADER + "\n" + "4,4,4,4,4,\n" * 4)  # another group's imports wait apart
    assert (count_responses(wave.id), count_held(wave.id)) == (0, 7)
    response = upload(client, wave, groups[0], HEADER + "\n3,3,3,3,3,\n4,4,4,4,4,\n")
    assert (count_responses(wave.id), count_held(wave.id)) == (5, 4)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Imported 2 responses into Team A." in page and "of Team A are held" not in page
    assert "of Team B is held" not in page and "4 imported answers of Team B are held" in page
    counts = tally(wave.id, groups[0].id)
    assert (counts.n, counts.bar_knowledge, counts.bar_awareness, counts.bar_none) == (5, 1, 2, 2)
    assert tally(wave.id, groups[1].id).n == 0
    comments = db.session.scalars(select(Response.comment).order_by(Response.score_awareness)).all()
    assert comments == [None, None, None, None, "Paper form"]


def test_semicolon_csv_without_the_optional_column(client, signed_in):
    wave, groups, _ = signed_in
    response = upload(client, wave, groups[1], "re1;ab1;kn1;de1;aw1\n" + "1;2;3;4;5\n" * 5)
    assert response.status_code == 302
    stored = db.session.scalars(select(Response)).all()
    assert len(stored) == 5 and count_held(wave.id) == 0
    assert all(r.answers == {"aw1": 5, "de1": 4, "kn1": 3, "ab1": 2, "re1": 1} for r in stored)
    assert all(r.comment is None for r in stored)


def test_bad_csv_lists_every_problem_and_stores_nothing(client, signed_in):
    wave, groups, _ = signed_in
    text = HEADER + "\n5,4,3,2,1,fine\n6,4,,2,1,\n4,x,4,4,4," + "a" * 2001 + "\n"

    response = upload(client, wave, groups[0], text)

    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Nothing was stored." in html
    assert "row 2, column aw1: Must be a whole number from 1 to 5." in html
    assert "row 2, column kn1: Missing: every ADKAR statement needs an answer from 1 to 5." in html
    assert "row 3, column de1: Must be a whole number from 1 to 5." in html
    assert "row 3, column comment: Longer than 2,000 characters." in html
    assert count_responses() == 0
    assert tally(wave.id, groups[0].id).n == 0


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("aw1,de1,kn1,ab1\n4,4,4,4\n", "column re1: This required column is missing from the header row."),
        (HEADER + ",score\n4,4,4,4,4,,5\n", "column score: This column is not expected here"),
        (HEADER + "\n", "The file has a header row but no data rows."),
        ("", "The file is empty."),
    ],
)
def test_bad_headers_and_empty_files(client, signed_in, text, message):
    wave, groups, _ = signed_in
    response = upload(client, wave, groups[0], text)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert count_responses() == 0


def test_missing_file_or_foreign_group_is_refused(client, signed_in, factory):
    wave, groups, _ = signed_in
    _other, other_groups, _ = make_wave(factory)
    no_file = client.post(f"/waves/{wave.id}/responses/import", data={"group_id": str(groups[0].id)})
    assert no_file.status_code == 400 and "Choose a CSV file to upload." in no_file.get_data(as_text=True)
    foreign = upload(client, wave, other_groups[0], HEADER + "\n4,4,4,4,4,\n")
    assert foreign.status_code == 400
    assert count_responses() == 0


def test_only_writers_of_the_initiative_may_import(client, auth, factory):
    wave, groups, _ = make_wave(factory)
    sponsor, stranger = factory.user("sponsor"), factory.user("practitioner")
    db.session.add(InitiativeMember(initiative_id=wave.initiative_id, user_id=sponsor.id, role="sponsor"))
    db.session.commit()
    path = f"/waves/{wave.id}/responses/import"

    assert client.get(path).status_code == 302  # to the sign-in page
    auth.login(sponsor.email)
    assert client.get(path).status_code == 403
    assert upload(client, wave, groups[0], HEADER + "\n4,4,4,4,4,\n").status_code == 403
    auth.logout()
    auth.login(stranger.email)
    assert client.get(path).status_code == 404
    assert client.get("/waves/999999/responses/import").status_code == 404
    assert count_responses() == 0


def test_check_rows_caps_the_number_of_rows(app):
    with app.app_context():
        defn = registry.get("adkar-pulse")
        records = [(i, {"aw1": 4}) for i in range(imports.MAX_ROWS + 1)]
        with pytest.raises(ValidationFailed, match="At most 10,000"):
            imports.check_rows(defn, records)


def test_problem_list_is_capped(app):
    with app.app_context():
        defn = registry.get("adkar-pulse")
        with pytest.raises(ValidationFailed) as info:
            imports.check_rows(defn, [(i, {}) for i in range(1, 200)])
        problems = info.value.problems
        assert len(problems) == imports.MAX_PROBLEMS + 1
        assert problems[-1].message == f"… and {199 * 5 - imports.MAX_PROBLEMS:,} more problems not listed."
