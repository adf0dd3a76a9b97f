"""The roster page: listed in pages, uploaded whole or not at all, one person added or removed, the headcount
setting, downloads that are safe to open; and only the initiative's practitioners and admins get in."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from adkar.extensions import db
from adkar.plan.models import StakeholderGroup
from adkar.plan.roster import services
from adkar.plan.roster.models import Participant

from ..helpers import text
from .test_imports import xlsx


@pytest.fixture
def group(factory, cast) -> StakeholderGroup:
    return factory.group(cast.initiative, name="Service desk", headcount=40)


def emails(group_id: int) -> list[str]:
    db.session.expire_all()
    query = select(Participant.email).where(Participant.group_id == group_id).order_by(Participant.email)
    return list(db.session.scalars(query))


def upload(client, group_id: int, content: bytes, filename: str):
    return client.post(
        f"/groups/{group_id}/participants/import",
        data={"file": (io.BytesIO(content), filename)},
        content_type="multipart/form-data",
    )


def test_the_page_lists_the_roster_with_its_count(client, auth, cast, group):
    services.replace_roster(
        group=group,
        actor=cast.owner,
        rows=[
            {"email": "zoe@example.com", "name": "Zoé", "language": "fr", "attributes": {"site": "Lyon"}},
            {"email": "adam@example.com", "name": "Adam"},
        ],
    )
    auth.login(cast.member.email)
    page = text(client.get(f"/groups/{group.id}/participants"))
    assert '<dd id="roster-count">2 people</dd>' in page
    assert page.index("adam@example.com") < page.index("zoe@example.com")
    assert "Zoé" in page and "site: Lyon" in page and "(set by hand)" in page
    for link in ("participants.csv", "participants.xlsx", "participants/import"):
        assert f"/groups/{group.id}/{link}" in page
    plan = text(client.get(f"/initiatives/{cast.initiative.id}"))
    assert f'href="/groups/{group.id}/participants"' in plan


def test_the_page_is_paged(client, auth, cast, group):
    rows = [{"email": f"p{i:03}@example.com"} for i in range(services.PAGE_SIZE + 3)]
    services.replace_roster(group=group, actor=cast.owner, rows=rows)
    auth.login(cast.owner.email)
    first = text(client.get(f"/groups/{group.id}/participants"))
    assert "p000@example.com" in first and "p049@example.com" in first and "p050@example.com" not in first
    assert "Page 1 of 2" in first and f"/groups/{group.id}/participants?page=2" in first
    second = text(client.get(f"/groups/{group.id}/participants?page=2"))
    assert "p050@example.com" in second and "p052@example.com" in second and "p049@example.com" not in second
    assert "p052@example.com" in text(client.get(f"/groups/{group.id}/participants?page=99"))


def test_uploading_a_csv_replaces_the_roster(client, auth, cast, group):
    services.add_participant(group=group, actor=cast.owner, email="leaver@example.com")
    auth.login(cast.owner.email)
    content = b"email,name,language,site\nana@example.com,Ana,fr,Lyon\nBO@example.com,Bo,,\n"
    response = upload(client, group.id, content, "people.csv")
    assert response.status_code == 302 and response.headers["Location"].endswith(
        f"/groups/{group.id}/participants"
    )
    assert emails(group.id) == ["ana@example.com", "bo@example.com"]
    flashed = text(client.get(response.headers["Location"]))
    assert "now holds 2 people: 2 added, 0 changed, 1 removed" in flashed


def test_uploading_an_xlsx_replaces_the_roster(client, auth, cast, group):
    auth.login(cast.member.email)
    content = xlsx(("Email", "Name", "Location"), ("ana@example.com", "Ana", "Lyon"))
    assert upload(client, group.id, content, "people.xlsx").status_code == 302
    assert emails(group.id) == ["ana@example.com"]


def test_a_bad_file_shows_every_problem_and_keeps_the_roster(client, auth, cast, group):
    services.add_participant(group=group, actor=cast.owner, email="kept@example.com")
    auth.login(cast.owner.email)
    content = b"email,language\nok@example.com,en\nnot-an-address,fr\nOK@example.com,de\nx@example.com,es\n"
    response = upload(client, group.id, content, "people.csv")
    assert response.status_code == 400
    page = text(response)
    assert "The file was not imported" in page and "these 3 problems" in page
    assert "row 2, column email: “not-an-address” is not an e-mail address" in page
    assert "row 3, column email: “ok@example.com” appears twice (also row 1)." in page
    assert "row 4, column language: “es” is not a language the surveys offer (en, fr, de)." in page
    assert emails(group.id) == ["kept@example.com"]


def test_the_import_page_documents_the_format_and_its_example_imports(client, auth, cast, group):
    auth.login(cast.owner.email)
    page = text(client.get(f"/groups/{group.id}/participants/import"))
    assert "<code>email</code>" in page and "<code>language</code>" in page and "XLSX" in page
    example = client.get(f"/groups/{group.id}/participants/import/example.csv")
    assert example.status_code == 200 and example.mimetype == "text/csv"
    assert upload(client, group.id, example.data, "example.csv").status_code == 302
    assert len(emails(group.id)) == 3


def test_adding_and_removing_one_person(client, auth, cast, group):
    auth.login(cast.owner.email)
    added = client.post(
        f"/groups/{group.id}/participants/add",
        data={"email": "Ana@Example.com", "name": "Ana", "language": "de"},
    )
    assert added.status_code == 302
    assert emails(group.id) == ["ana@example.com"]
    again = client.post(
        f"/groups/{group.id}/participants/add", data={"email": "ana@example.com", "language": "en"}
    )
    assert again.status_code == 400 and "is on this group&#39;s roster already" in text(again)
    participant = db.session.scalars(select(Participant)).one()
    assert participant.language == "de"
    removed = client.post(f"/groups/{group.id}/participants/{participant.id}/remove")
    assert removed.status_code == 302 and emails(group.id) == []


def test_a_person_of_another_group_cannot_be_removed_through_this_one(client, auth, cast, group, factory):
    other = factory.group(cast.initiative, name="Team leads")
    person = services.add_participant(group=other, actor=cast.owner, email="lead@example.com")
    auth.login(cast.owner.email)
    assert client.post(f"/groups/{group.id}/participants/{person.id}/remove").status_code == 404
    assert emails(other.id) == ["lead@example.com"]


def test_the_headcount_setting(client, auth, cast, group):
    services.replace_roster(
        group=group, actor=cast.owner, rows=[{"email": "a@example.com"}, {"email": "b@example.com"}]
    )
    auth.login(cast.owner.email)
    on = client.post(f"/groups/{group.id}/participants/headcount", data={"follows": "y"})
    assert on.status_code == 302
    db.session.expire_all()
    assert db.session.get(StakeholderGroup, group.id).headcount == 2
    page = text(client.get(on.headers["Location"]))
    assert "follows its roster: 2" in page and "(follows the roster)" in page
    assert client.post(f"/groups/{group.id}/participants/headcount", data={}).status_code == 302
    db.session.expire_all()
    stored = db.session.get(StakeholderGroup, group.id)
    assert (stored.headcount_follows_roster, stored.headcount) == (False, 2)


def test_downloads_hold_the_roster_with_formulas_neutralised(client, auth, cast, group):
    services.replace_roster(
        group=group,
        actor=cast.owner,
        rows=[{"email": "a@example.com", "name": '=HYPERLINK("http://x")', "attributes": {"site": "+Lyon"}}],
    )
    auth.login(cast.owner.email)
    csv_file = client.get(f"/groups/{group.id}/participants.csv")
    assert csv_file.mimetype == "text/csv" and "attachment" in csv_file.headers["Content-Disposition"]
    lines = csv_file.data.decode("utf-8-sig").splitlines()
    assert lines == ["email,name,language,site", 'a@example.com,"\'=HYPERLINK(""http://x"")",en,\'+Lyon']
    book = load_workbook(io.BytesIO(client.get(f"/groups/{group.id}/participants.xlsx").data))
    sheet = book["Roster"]
    assert [[c.value for c in row] for row in sheet.iter_rows()] == [
        ["email", "name", "language", "site"],
        ["a@example.com", '\'=HYPERLINK("http://x")', "en", "'+Lyon"],
    ]
    assert sheet["B2"].data_type == "s"


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", ""),
        ("GET", ".csv"),
        ("GET", ".xlsx"),
        ("GET", "/import"),
        ("GET", "/import/example.csv"),
        ("POST", "/import"),
        ("POST", "/add"),
        ("POST", "/headcount"),
    ],
)
def test_sponsors_get_403_and_strangers_404(client, auth, cast, group, method, path):
    services.add_participant(group=group, actor=cast.owner, email="a@example.com")
    for person, status in ((cast.sponsor, 403), (cast.stranger, 404)):
        auth.login(person.email)
        data = {"email": "x@example.com", "follows": "y"} if method == "POST" else None
        response = client.open(f"/groups/{group.id}/participants{path}", method=method, data=data)
        assert response.status_code == status, (person.email, response.status_code)
        assert "a@example.com" not in text(response)
        auth.logout()
    assert emails(group.id) == ["a@example.com"]
    db.session.expire_all()
    assert db.session.get(StakeholderGroup, group.id).headcount_follows_roster is False


def test_admins_see_any_roster_and_sponsors_see_no_roster_link(client, auth, cast, group):
    auth.login(cast.admin.email)
    assert client.get(f"/groups/{group.id}/participants").status_code == 200
    auth.logout()
    auth.login(cast.sponsor.email)
    assert f"/groups/{group.id}/participants" not in text(client.get(f"/initiatives/{cast.initiative.id}"))
