"""Roster rules: who is on a group's roster, replaced whole or changed one person at a time.

Every change is all-or-nothing, audited with counts only (the trail never holds an address), and, when the
group's headcount follows its roster, sets the headcount to the roster's size in the same transaction.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from math import ceil
from typing import Any

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import func, select

from ...accounts.models import User
from ...audit import services as audit
from ...csvio import header_key
from ...database import begin_write
from ...extensions import db
from ...validation import Problem, ValidationFailed
from ..models import StakeholderGroup
from ..services import MAX_HEADCOUNT
from .models import DEFAULT_LANGUAGE, LANGUAGE_NAMES, LANGUAGES, NAME_MAX, Participant

MAX_PARTICIPANTS = 5000  # per group; also the most addresses one invitation batch takes
MAX_ATTRIBUTES, ATTRIBUTE_KEY_MAX, ATTRIBUTE_VALUE_MAX = 20, 60, 200
PAGE_SIZE = 50
RESERVED_KEYS = frozenset({"email", "name", "language"})
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class RosterRecipient:
    """Whom an invitation goes to, and in which language it is written."""

    email: str
    name: str
    language: str


@dataclass(frozen=True)
class RosterChange:
    """What a replacement did, in counts."""

    added: int
    updated: int
    removed: int
    unchanged: int

    @property
    def total(self) -> int:
        return self.added + self.updated + self.unchanged


@dataclass(frozen=True)
class RosterPage:
    participants: list[Participant]
    total: int
    page: int
    pages: int


# --- reading ------------------------------------------------------------------------------------------


def roster_recipients(group_id: int) -> list[RosterRecipient]:
    """Everyone on the group's roster, by address: what an invitation job sends to."""
    rows = db.session.execute(
        select(Participant.email, Participant.name, Participant.language)
        .where(Participant.group_id == group_id)
        .order_by(Participant.email)
    )
    return [RosterRecipient(email=email, name=name, language=language) for email, name, language in rows]


def roster_size(group_id: int) -> int:
    return db.session.scalar(select(func.count()).where(Participant.group_id == group_id)) or 0


def participants_of(group_id: int) -> list[Participant]:
    return list(
        db.session.scalars(
            select(Participant).where(Participant.group_id == group_id).order_by(Participant.email)
        )
    )


def roster_page(group_id: int, *, page: int = 1, per_page: int = PAGE_SIZE) -> RosterPage:
    """One page of the roster by address; a page past the end shows the last one."""
    total = roster_size(group_id)
    pages = max(1, ceil(total / per_page))
    page = min(max(1, page), pages)
    participants = db.session.scalars(
        select(Participant)
        .where(Participant.group_id == group_id)
        .order_by(Participant.email)
        .offset((page - 1) * per_page)
        .limit(per_page)
    ).all()
    return RosterPage(list(participants), total, page, pages)


def attribute_keys(participants: Iterable[Participant]) -> list[str]:
    """Every attribute name in use, in the order the roster first used them (its file's column order)."""
    keys: dict[str, None] = {}
    for participant in sorted(participants, key=lambda p: p.id):
        keys.update(dict.fromkeys(participant.attributes))
    return list(keys)


# --- checking one person ------------------------------------------------------------------------------


def normalise_email(raw: str) -> str:
    """The address as stored: checked by email_validator (internationalised addresses kept), lower-cased.
    Raises EmailNotValidError."""
    checked = validate_email(raw.strip(), check_deliverability=False)
    return checked.normalized.lower()


def language_code(text: str) -> str | None:
    """A language as rosters write it ('fr', 'FR', 'fr-CA', 'French', 'Français'; blank: English) as one of
    LANGUAGES, or None for a language the surveys do not offer."""
    key = text.strip().casefold()
    if not key:
        return DEFAULT_LANGUAGE
    code = key.replace("_", "-").split("-", 1)[0]
    if code in LANGUAGES:
        return code
    for language, names in LANGUAGE_NAMES.items():
        if key in {name.casefold() for name in names}:
            return language
    return None


def _problem(message: str, field: str, row: int | None, column: str | None = None) -> Problem:
    return Problem(message, field=field, row=row, column=column)


def _clean_attributes(raw: Any, row: int | None) -> tuple[dict[str, str], list[Problem]]:
    if raw is None:
        return {}, []
    if not isinstance(raw, Mapping):
        return {}, [_problem("Attributes are names with text values.", "attributes", row)]
    clean: dict[str, str] = {}
    problems = []
    for name, value in raw.items():
        key = header_key(str(name))
        if not isinstance(value, str):
            problems.append(_problem("An attribute's value must be text.", "attributes", row, key))
            continue
        value = value.strip()
        if not value:
            continue
        if not key or len(key) > ATTRIBUTE_KEY_MAX:
            message = f"An attribute needs a name of 1 to {ATTRIBUTE_KEY_MAX} characters."
            problems.append(_problem(message, "attributes", row, key or None))
        elif key in RESERVED_KEYS:
            problems.append(
                _problem(f"“{key}” is a field of its own, not an attribute.", "attributes", row, key)
            )
        elif key in clean:
            problems.append(_problem("This attribute is given twice.", "attributes", row, key))
        elif len(value) > ATTRIBUTE_VALUE_MAX:
            message = f"The value is longer than {ATTRIBUTE_VALUE_MAX} characters."
            problems.append(_problem(message, "attributes", row, key))
        elif _CONTROL.search(value):
            problems.append(
                _problem("The value contains a line break or control character.", "attributes", row, key)
            )
        else:
            clean[key] = value
    if len(clean) > MAX_ATTRIBUTES:
        problems.append(_problem(f"At most {MAX_ATTRIBUTES} attributes per person.", "attributes", row))
    return clean, problems


def participant_problems(item: Mapping[str, Any], *, row: int | None = None) -> tuple[dict, list[Problem]]:
    """One person {"email", "name"?, "language"?, "attributes"?} cleaned, with every problem (by field)."""
    problems: list[Problem] = []
    raw_email = item.get("email")
    email = ""
    if not isinstance(raw_email, str) or not raw_email.strip():
        problems.append(_problem("An e-mail address is required.", "email", row))
    else:
        try:
            email = normalise_email(raw_email)
        except EmailNotValidError as exc:
            problems.append(_problem(f"“{raw_email.strip()}” is not an e-mail address: {exc}", "email", row))
    name = item.get("name") or ""
    if not isinstance(name, str):
        problems.append(_problem("The name must be text.", "name", row))
        name = ""
    name = name.strip()
    if len(name) > NAME_MAX:
        problems.append(_problem(f"The name is longer than {NAME_MAX} characters.", "name", row))
    elif _CONTROL.search(name):
        problems.append(_problem("The name contains a line break or control character.", "name", row))
    raw_language = item.get("language") or ""
    language = language_code(raw_language) if isinstance(raw_language, str) else None
    if language is None:
        offered = ", ".join(LANGUAGES)
        message = f"“{raw_language}” is not a language the surveys offer ({offered})."
        problems.append(_problem(message, "language", row))
    attributes, found = _clean_attributes(item.get("attributes"), row)
    problems += found
    clean = {"email": email, "name": name, "language": language, "attributes": attributes}
    return clean, problems


def _fail(problems: list[Problem]) -> ValidationFailed:
    db.session.rollback()
    return ValidationFailed(problems)


# --- changing the roster ------------------------------------------------------------------------------


def _follow(group: StakeholderGroup, size: int) -> None:
    """A group whose headcount follows its roster counts the roster's people; an empty roster leaves the
    headcount as it was (a group always has at least one person)."""
    if group.headcount_follows_roster and 1 <= size <= MAX_HEADCOUNT:
        group.headcount = size


def _audit(actor: User, action: str, group: StakeholderGroup, detail: dict) -> None:
    audit.record(
        user_id=actor.id,
        action=action,
        target_type="group",
        target_id=group.id,
        initiative_id=group.initiative_id,
        detail=detail,
    )


def replace_roster(
    *, group: StakeholderGroup, rows: Iterable[Mapping[str, Any]], actor: User, source: str = "api"
) -> RosterChange:
    """Make the roster exactly `rows` (each a person, with an optional `row` for messages), all or nothing.

    People already on the roster (by address) keep their record and take the new name, language and
    attributes; people not in `rows` leave it. Duplicate addresses (after normalising) are refused.
    """
    rows = list(rows)
    begin_write()
    problems: list[Problem] = []
    if len(rows) > MAX_PARTICIPANTS:
        problems.append(
            Problem(f"A roster holds at most {MAX_PARTICIPANTS:,} people; this one has {len(rows):,}.")
        )
    people: dict[str, dict] = {}
    first_row: dict[str, int] = {}
    for number, item in enumerate(rows, start=1):
        row = item.get("row", number)
        clean, found = participant_problems(item, row=row)
        email = clean["email"]
        if email and email in first_row:
            message = f"“{email}” appears twice (also row {first_row[email]})."
            found.append(_problem(message, "email", row))
        elif email:
            first_row[email] = row
        problems += found
        if not found:
            people[email] = clean
    if problems:
        raise _fail(problems)
    existing = {
        p.email: p for p in db.session.scalars(select(Participant).where(Participant.group_id == group.id))
    }
    added = updated = unchanged = 0
    for email, clean in people.items():
        participant = existing.pop(email, None)
        if participant is None:
            db.session.add(Participant(group_id=group.id, **clean))
            added += 1
        elif (participant.name, participant.language, participant.attributes) != (
            clean["name"],
            clean["language"],
            clean["attributes"],
        ):
            participant.name, participant.language = clean["name"], clean["language"]
            participant.attributes = clean["attributes"]
            updated += 1
        else:
            unchanged += 1
    for participant in existing.values():
        db.session.delete(participant)
    change = RosterChange(added=added, updated=updated, removed=len(existing), unchanged=unchanged)
    before = group.headcount
    _follow(group, change.total)
    detail = {"source": source, "participants": change.total, "added": added, "updated": updated}
    detail["removed"] = change.removed
    if group.headcount != before:
        detail["headcount"] = group.headcount
    _audit(actor, "roster.replace", group, detail)
    db.session.commit()
    return change


def add_participant(
    *,
    group: StakeholderGroup,
    actor: User,
    email: str,
    name: str = "",
    language: str = DEFAULT_LANGUAGE,
    attributes: Mapping[str, str] | None = None,
) -> Participant:
    """Put one person on the roster; an address already on it is refused."""
    begin_write()
    clean, problems = participant_problems(
        {"email": email, "name": name, "language": language, "attributes": attributes}
    )
    if not problems:
        taken = db.session.scalar(
            select(Participant.id).where(
                Participant.group_id == group.id, Participant.email == clean["email"]
            )
        )
        if taken is not None:
            problems.append(Problem(f"“{clean['email']}” is on this group's roster already.", field="email"))
        elif roster_size(group.id) >= MAX_PARTICIPANTS:
            problems.append(Problem(f"A roster holds at most {MAX_PARTICIPANTS:,} people.", field="email"))
    if problems:
        raise _fail(problems)
    participant = Participant(group_id=group.id, **clean)
    db.session.add(participant)
    db.session.flush()
    size = roster_size(group.id)
    _follow(group, size)
    _audit(actor, "roster.add", group, {"participants": size})
    db.session.commit()
    return participant


def remove_participant(*, participant: Participant, actor: User) -> None:
    begin_write()
    group = db.session.get(StakeholderGroup, participant.group_id)
    assert group is not None  # the foreign key cascades: a participant always has its group
    db.session.delete(participant)
    db.session.flush()
    size = roster_size(group.id)
    _follow(group, size)
    _audit(actor, "roster.remove", group, {"participants": size})
    db.session.commit()


def set_headcount_follows_roster(*, group: StakeholderGroup, actor: User, follows: bool) -> StakeholderGroup:
    """Turn "headcount follows roster" on (the headcount becomes the roster's size now) or off (it stays)."""
    begin_write()
    group.headcount_follows_roster = follows
    _follow(group, roster_size(group.id))
    _audit(actor, "roster.follow", group, {"follows": follows, "headcount": group.headcount})
    db.session.commit()
    return group
