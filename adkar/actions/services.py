"""Action plans and the resistance log: rules and transactions (forms and the API call these)."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..accounts.models import User
from ..audit import services as audit
from ..database import begin_write
from ..extensions import db
from ..plan.models import Initiative, StakeholderGroup
from ..validation import Problem, ValidationFailed
from .checks import choice_problem, collect, date_problem, element_problem, text_problem
from .models import (
    ACTION_STATUS_LABELS,
    RESISTANCE_REASON_LABELS,
    RESISTANCE_STATUS_LABELS,
    Action,
    LibraryEntry,
    ResistanceEntry,
)

WHAT_MAX, OWNER_MAX, RESPONSE_MAX = 500, 120, 5000


def _fail(problems: list[Problem]) -> ValidationFailed:
    db.session.rollback()
    return ValidationFailed(problems)


def initiative_group(initiative: Initiative, group_id: Any) -> StakeholderGroup:
    """The initiative's group with this id; a `group_id` problem otherwise."""
    group = db.session.get(StakeholderGroup, group_id) if isinstance(group_id, int) else None
    if group is None or group.initiative_id != initiative.id:
        raise _fail([Problem("Choose a stakeholder group of this initiative.", field="group_id")])
    return group


# --- actions ----------------------------------------------------------------------------------------------


def action_problems(
    *, element: Any, what: Any, owner: Any, starts_on: Any, due_on: Any, status: Any
) -> list[Problem]:
    problems = collect(
        element_problem(element),
        text_problem(what, "what", label="What will be done", max_length=WHAT_MAX),
        text_problem(owner, "owner", label="The owner", max_length=OWNER_MAX),
        date_problem(starts_on, "starts_on", label="The start date"),
        date_problem(due_on, "due_on", label="The due date"),
        choice_problem(status, "status", label="a status", choices=ACTION_STATUS_LABELS),
    )
    if isinstance(starts_on, date) and isinstance(due_on, date) and due_on < starts_on:
        problems.append(Problem("The due date cannot be before the start date.", field="due_on"))
    return problems


def _library_entry(entry_id: Any) -> LibraryEntry | None:
    if entry_id is None:
        return None
    entry = db.session.get(LibraryEntry, entry_id) if isinstance(entry_id, int) else None
    if entry is None:
        raise _fail([Problem("That library entry no longer exists.", field="library_entry_id")])
    return entry


def create_action(
    *,
    group: StakeholderGroup,
    actor: User,
    element: str,
    what: str,
    owner: str,
    starts_on: date,
    due_on: date,
    status: str = "planned",
    library_entry_id: int | None = None,
) -> Action:
    begin_write()
    problems = action_problems(
        element=element, what=what, owner=owner, starts_on=starts_on, due_on=due_on, status=status
    )
    if problems:
        raise _fail(problems)
    entry = _library_entry(library_entry_id)
    action = Action(
        group_id=group.id,
        element=element,
        what=what.strip(),
        owner=owner.strip(),
        starts_on=starts_on,
        due_on=due_on,
        status=status,
        library_entry_id=entry.id if entry else None,
    )
    db.session.add(action)
    db.session.flush()
    audit.record(
        user_id=actor.id,
        action="action.create",
        target_type="action",
        target_id=action.id,
        initiative_id=group.initiative_id,
        detail={"group": group.name, "element": element, "what": action.what, "status": status},
    )
    db.session.commit()
    return action


def update_action(
    *,
    action: Action,
    actor: User,
    element: str,
    what: str,
    owner: str,
    starts_on: date,
    due_on: date,
    status: str,
) -> Action:
    begin_write()
    problems = action_problems(
        element=element, what=what, owner=owner, starts_on=starts_on, due_on=due_on, status=status
    )
    if problems:
        raise _fail(problems)
    before = action.status
    action.element, action.what, action.owner = element, what.strip(), owner.strip()
    action.starts_on, action.due_on, action.status = starts_on, due_on, status
    audit.record(
        user_id=actor.id,
        action="action.update",
        target_type="action",
        target_id=action.id,
        initiative_id=action.group.initiative_id,
        detail={"status": status, **({"status_was": before} if before != status else {})},
    )
    db.session.commit()
    return action


def delete_action(*, action: Action, actor: User) -> None:
    begin_write()
    audit.record(
        user_id=actor.id,
        action="action.delete",
        target_type="action",
        target_id=action.id,
        initiative_id=action.group.initiative_id,
        detail={"what": action.what},
    )
    db.session.delete(action)
    db.session.commit()


def initiative_actions(initiative_id: int, *, group_id: int | None = None) -> list[Action]:
    """Actions by group, then start date."""
    query = (
        select(Action)
        .join(StakeholderGroup, StakeholderGroup.id == Action.group_id)
        .where(StakeholderGroup.initiative_id == initiative_id)
        .options(selectinload(Action.group), selectinload(Action.library_entry))
        .order_by(Action.group_id, Action.starts_on, Action.id)
    )
    if group_id is not None:
        query = query.where(Action.group_id == group_id)
    return list(db.session.scalars(query))


# --- resistance log ---------------------------------------------------------------------------------------


def resistance_problems(
    *,
    group: StakeholderGroup,
    what: Any,
    reason: Any,
    people: Any,
    response: Any,
    status: Any,
    logged_on: Any,
) -> list[Problem]:
    problems = collect(
        text_problem(what, "what", label="What is resisted", max_length=WHAT_MAX),
        choice_problem(reason, "reason", label="a reason", choices=RESISTANCE_REASON_LABELS),
        text_problem(response, "response", label="The response", max_length=RESPONSE_MAX, required=False),
        choice_problem(status, "status", label="a status", choices=RESISTANCE_STATUS_LABELS),
        date_problem(logged_on, "logged_on", label="The date"),
    )
    if isinstance(people, bool) or not isinstance(people, int):
        problems.append(Problem("How many people: enter a whole number.", field="people"))
    elif not 1 <= people <= group.headcount:
        problems.append(
            Problem(
                f"How many people: between 1 and the group's headcount ({group.headcount:,}).", field="people"
            )
        )
    return problems


def create_resistance(
    *,
    group: StakeholderGroup,
    actor: User,
    what: str,
    reason: str,
    people: int,
    response: str = "",
    status: str = "open",
    logged_on: date,
) -> ResistanceEntry:
    begin_write()
    problems = resistance_problems(
        group=group,
        what=what,
        reason=reason,
        people=people,
        response=response,
        status=status,
        logged_on=logged_on,
    )
    if problems:
        raise _fail(problems)
    entry = ResistanceEntry(
        group_id=group.id,
        what=what.strip(),
        reason=reason,
        people=people,
        response=response.strip(),
        status=status,
        logged_on=logged_on,
    )
    db.session.add(entry)
    db.session.flush()
    audit.record(
        user_id=actor.id,
        action="resistance.create",
        target_type="resistance",
        target_id=entry.id,
        initiative_id=group.initiative_id,
        detail={"group": group.name, "reason": reason, "people": people, "status": status},
    )
    db.session.commit()
    return entry


def update_resistance(
    *,
    entry: ResistanceEntry,
    actor: User,
    what: str,
    reason: str,
    people: int,
    response: str,
    status: str,
    logged_on: date,
) -> ResistanceEntry:
    begin_write()
    problems = resistance_problems(
        group=entry.group,
        what=what,
        reason=reason,
        people=people,
        response=response,
        status=status,
        logged_on=logged_on,
    )
    if problems:
        raise _fail(problems)
    entry.what, entry.reason, entry.people = what.strip(), reason, people
    entry.response, entry.status, entry.logged_on = response.strip(), status, logged_on
    audit.record(
        user_id=actor.id,
        action="resistance.update",
        target_type="resistance",
        target_id=entry.id,
        initiative_id=entry.group.initiative_id,
        detail={"reason": reason, "people": people, "status": status},
    )
    db.session.commit()
    return entry


def delete_resistance(*, entry: ResistanceEntry, actor: User) -> None:
    begin_write()
    audit.record(
        user_id=actor.id,
        action="resistance.delete",
        target_type="resistance",
        target_id=entry.id,
        initiative_id=entry.group.initiative_id,
        detail={"what": entry.what},
    )
    db.session.delete(entry)
    db.session.commit()


def initiative_resistance(initiative_id: int, *, group_id: int | None = None) -> list[ResistanceEntry]:
    """Entries by group, newest first within a group."""
    query = (
        select(ResistanceEntry)
        .join(StakeholderGroup, StakeholderGroup.id == ResistanceEntry.group_id)
        .where(StakeholderGroup.initiative_id == initiative_id)
        .options(selectinload(ResistanceEntry.group))
        .order_by(ResistanceEntry.group_id, ResistanceEntry.logged_on.desc(), ResistanceEntry.id.desc())
    )
    if group_id is not None:
        query = query.where(ResistanceEntry.group_id == group_id)
    return list(db.session.scalars(query))
