"""The action library: its seed file, its rules, and its pages (practitioners and admins edit it)."""

from __future__ import annotations

import pytest

from adkar.actions import library
from adkar.actions.models import LibraryEntry
from adkar.actions.seed import SEED_FILE, load_seed
from adkar.elements import ELEMENTS
from adkar.extensions import db
from adkar.validation import ValidationFailed

from .support import audit_actions, count, has_csrf_field, login, text


def test_the_shipped_seed_covers_every_element():
    entries = load_seed()
    assert {e["element"] for e in entries} == set(ELEMENTS)
    titles = {(e["element"], e["title"]) for e in entries}
    assert ("ability", "Floor-walkers during go-live") in titles
    assert ("knowledge", "Role-based training") in titles
    assert len(titles) == len(entries)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('[[agility]]\ntitle = "x"\n', "agility: not an ADKAR element"),
        ("[[awareness]]\ndescription = 'no title'\n", r"awareness\[0\].title"),
        ('[[desire]]\ntitle = "A"\n[[desire]]\ntitle = " a "\n', "appears twice"),
        ('[[desire]]\ntitle = "A"\nowner = "B"\n', "only 'title' and 'description'"),
        (f'[[desire]]\ntitle = "{"x" * 201}"\n', "1 to 200 characters"),
    ],
)
def test_a_bad_seed_file_names_the_key(tmp_path, content, message):
    path = tmp_path / "seed.toml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ValueError, match=message):
        load_seed(path)
    assert SEED_FILE.exists()


def test_restore_adds_only_what_is_missing_and_is_idempotent(app, cast):
    library.restore_suggestions(actor=None)  # PostgreSQL tests start with an empty table
    total = count(LibraryEntry)
    assert total == len(load_seed())
    entry = library.entries("ability")[0]
    library.delete_entry(entry=entry, actor=cast.owner)
    assert library.restore_suggestions(actor=cast.owner) == 1
    assert library.restore_suggestions(actor=cast.owner) == 0
    assert count(LibraryEntry) == total
    assert audit_actions()[-2:] == ["library.delete", "library.restore"]


def test_titles_are_unique_per_element_ignoring_case(app, cast):
    first = library.create_entry(actor=cast.owner, element="desire", title="Lunch and learn")
    with pytest.raises(ValidationFailed) as caught:
        library.create_entry(actor=cast.owner, element="desire", title="  LUNCH and learn ")
    assert caught.value.by_field() == {
        "title": ["The library already has “LUNCH and learn” for this element."]
    }
    other = library.create_entry(actor=cast.owner, element="knowledge", title="Lunch and learn")
    updated = library.update_entry(
        entry=first, actor=cast.owner, element="desire", title="lunch AND learn", description="Monthly."
    )
    assert (updated.title, updated.description) == ("lunch AND learn", "Monthly.")
    with pytest.raises(ValidationFailed):
        library.update_entry(
            entry=other, actor=cast.owner, element="desire", title="Lunch and learn", description=""
        )


def test_library_page_for_readers_and_writers(client, cast):
    library.restore_suggestions(actor=None)
    login(client, cast.sponsor)
    page = text(client.get("/action-library"))
    assert "Floor-walkers during go-live" in page
    assert "Add an action" not in page and "/edit" not in page
    assert client.get("/action-library/new").status_code == 403
    assert client.post("/action-library/new", data={"element": "desire", "title": "X"}).status_code == 403
    assert client.post("/action-library/restore").status_code == 403
    login(client, cast.owner)
    page = text(client.get("/action-library"))
    assert "Add an action" in page and has_csrf_field(page)


def test_practitioner_adds_edits_and_deletes_an_entry(client, cast):
    login(client, cast.owner)
    form = text(client.get("/action-library/new?element=reinforcement"))
    assert '<option selected value="reinforcement">' in form and has_csrf_field(form)
    response = client.post(
        "/action-library/new",
        data={"element": "reinforcement", "title": "Share success stories", "description": "Every month."},
    )
    assert response.status_code == 302
    entry = db.session.scalar(db.select(LibraryEntry).where(LibraryEntry.title == "Share success stories"))
    assert entry.element == "reinforcement"
    response = client.post(
        f"/action-library/{entry.id}/edit",
        data={"element": "ability", "title": "Share stories", "description": ""},
    )
    assert response.status_code == 302
    assert db.session.get(LibraryEntry, entry.id).title == "Share stories"
    assert client.post(f"/action-library/{entry.id}/delete").status_code == 302
    assert db.session.get(LibraryEntry, entry.id) is None
    assert audit_actions()[-3:] == ["library.create", "library.update", "library.delete"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"element": "desire", "title": ""}, "Give the action a title."),
        ({"element": "agility", "title": "X"}, "Not a valid choice."),
        ({"element": "desire", "title": "x" * 201}, "Field cannot be longer than 200 characters."),
    ],
)
def test_invalid_entries_are_refused_with_400_and_stored_nowhere(client, cast, data, message):
    login(client, cast.owner)
    before = count(LibraryEntry)
    response = client.post("/action-library/new", data=data)
    assert response.status_code == 400
    assert message in text(response)
    assert count(LibraryEntry) == before


def test_a_duplicate_title_shows_the_service_message(client, cast):
    library.create_entry(actor=cast.owner, element="desire", title="Town hall")
    login(client, cast.member)
    response = client.post("/action-library/new", data={"element": "desire", "title": "town hall"})
    assert response.status_code == 400
    assert "The library already has “town hall” for this element." in text(response)


def test_restore_button(client, cast):
    login(client, cast.admin)
    for entry in library.entries():
        library.delete_entry(entry=entry, actor=cast.admin)
    response = client.post("/action-library/restore", follow_redirects=True)
    assert f"{len(load_seed())} suggested actions are back in the library." in text(response)
    assert count(LibraryEntry) == len(load_seed())
