"""The action library: suggested actions per ADKAR element, kept as data that practitioners edit."""

from __future__ import annotations

from sqlalchemy import select

from ..accounts.models import User
from ..audit import services as audit
from ..database import begin_write
from ..elements import ELEMENTS
from ..extensions import db
from ..validation import Problem, ValidationFailed
from .checks import collect, element_problem, text_problem
from .models import LibraryEntry
from .seed import DESCRIPTION_MAX, TITLE_MAX, load_seed


def entries(element: str | None = None) -> list[LibraryEntry]:
    """Entries in ADKAR order, then by title; only one element's when given."""
    query = select(LibraryEntry)
    if element is not None:
        query = query.where(LibraryEntry.element == element)
    found = db.session.scalars(query).all()
    return sorted(found, key=lambda e: (ELEMENTS.index(e.element), e.title.casefold(), e.id))


def entries_by_element() -> dict[str, list[LibraryEntry]]:
    grouped: dict[str, list[LibraryEntry]] = {e: [] for e in ELEMENTS}
    for entry in entries():
        grouped[entry.element].append(entry)
    return grouped


def _check(element: str, title: str, description: str, *, excluding: int | None = None) -> None:
    problems = collect(
        element_problem(element),
        text_problem(title, "title", label="The title", max_length=TITLE_MAX),
        text_problem(
            description, "description", label="The description", max_length=DESCRIPTION_MAX, required=False
        ),
    )
    if not problems:
        query = select(LibraryEntry.id, LibraryEntry.title).where(LibraryEntry.element == element)
        taken = {t.casefold() for i, t in db.session.execute(query) if i != excluding}
        if title.strip().casefold() in taken:
            message = f"The library already has “{title.strip()}” for this element."
            problems = [Problem(message, field="title")]
    if problems:
        db.session.rollback()
        raise ValidationFailed(problems)


def create_entry(*, actor: User, element: str, title: str, description: str = "") -> LibraryEntry:
    begin_write()
    _check(element, title, description)
    entry = LibraryEntry(element=element, title=title.strip(), description=description.strip())
    db.session.add(entry)
    db.session.flush()
    audit.record(
        user_id=actor.id,
        action="library.create",
        target_type="library_entry",
        target_id=entry.id,
        detail={"element": element, "title": entry.title},
    )
    db.session.commit()
    return entry


def update_entry(
    *, entry: LibraryEntry, actor: User, element: str, title: str, description: str
) -> LibraryEntry:
    begin_write()
    _check(element, title, description, excluding=entry.id)
    entry.element, entry.title, entry.description = element, title.strip(), description.strip()
    audit.record(
        user_id=actor.id,
        action="library.update",
        target_type="library_entry",
        target_id=entry.id,
        detail={"element": element, "title": entry.title},
    )
    db.session.commit()
    return entry


def delete_entry(*, entry: LibraryEntry, actor: User) -> None:
    """Actions drawn from the entry keep their text; they only lose the link to it."""
    begin_write()
    audit.record(
        user_id=actor.id,
        action="library.delete",
        target_type="library_entry",
        target_id=entry.id,
        detail={"element": entry.element, "title": entry.title},
    )
    db.session.delete(entry)
    db.session.commit()


def restore_suggestions(*, actor: User | None) -> int:
    """Add back the shipped suggestions that are missing (by element and title); returns how many."""
    begin_write()
    present = {
        (e, t.casefold()) for e, t in db.session.execute(select(LibraryEntry.element, LibraryEntry.title))
    }
    missing = [s for s in load_seed() if (s["element"], s["title"].casefold()) not in present]
    db.session.add_all(LibraryEntry(**s) for s in missing)
    if missing:
        audit.record(
            user_id=actor.id if actor else None,
            action="library.restore",
            target_type="library_entry",
            detail={"added": [s["title"] for s in missing]},
        )
    db.session.commit()
    return len(missing)
