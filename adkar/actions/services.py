"""Action plans and the resistance log: rules and transactions (forms and the API call these)."""

from __future__ import annotations

from datetime import date
from typing import Any, TypeVar

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
R = TypeVar("R", Action, ResistanceEntry)


def _fail(problems: list[Problem]) -> ValidationFailed:
    db.session.rollback()
    return ValidationFailed(problems)


def initiative_group(initiative: Initiative, group_id: Any) -> StakeholderGroup:
    """The initiative's group with this id; a `group_id` problem otherwise."""
    group = db.session.get(StakeholderGroup, group_id) if isinstance(group_id, int) else None
    if group is None or group.initiative_id != initiative.id:
        raise _fail([Problem("Choose a stakeholder group of this initiative.", field="group_id")])
    return group


def _audit(actor: User, event: str, record: Action | ResistanceEntry, *, detail: dict) -> None:
    """The audit line of a change to a group's action or resistance entry; `event` is "<kind>.<verb>"."""
    audit.record(
        user_id=actor.id,
        action=event,
        target_type=event.partition(".")[0],
        target_id=record.id,
        initiative_id=record.group.initiative_id,
        detail=detail,
    )


def _add(record: R, *, actor: User, event: str, detail: dict) -> R:
    """Store a new action or resistance entry with its audit line (which needs the id, known once flushed)."""
    db.session.add(record)
    db.session.flush()
    _audit(actor, event, record, detail=detail)
    db.session.commit()
    return record


def _update(record: R, values: dict[str, Any], *, actor: User, event: str, detail: dict) -> R:
    """Change an action or resistance entry to checked values, with its audit line."""
    for name, value in values.items():
        setattr(record, name, value)
    _audit(actor, event, record, detail=detail)
    db.session.commit()
    return record


def _delete(record: Action | ResistanceEntry, *, actor: User, event: str) -> None:
    """Delete an action or resistance entry, keeping in the audit trail what it said."""
    begin_write()
    _audit(actor, event, record, detail={"what": record.what})
    db.session.delete(record)
    db.session.commit()


def _of_groups(
    model: type[R], initiative_id: int, group_id: int | None, *, load: tuple, order_by: tuple
) -> list[R]:
    """An initiative's actions or resistance entries, found through their groups; one group's when given."""
    query = (
        select(model)
        .join(StakeholderGroup, StakeholderGroup.id == model.group_id)
        .where(StakeholderGroup.initiative_id == initiative_id)
        .options(*load)
        .order_by(*order_by)
    )
    if group_id is not None:
        query = query.where(model.group_id == group_id)
    return list(db.session.scalars(query))


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


def _checked_action(**fields: Any) -> dict[str, Any]:
    """An action's fields as stored (text trimmed) once every rule holds; all the problems otherwise."""
    problems = action_problems(**fields)
    if problems:
        raise _fail(problems)
    return {**fields, "what": fields["what"].strip(), "owner": fields["owner"].strip()}


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
    values = _checked_action(
        element=element, what=what, owner=owner, starts_on=starts_on, due_on=due_on, status=status
    )
    entry = _library_entry(library_entry_id)
    action = Action(group_id=group.id, library_entry_id=entry.id if entry else None, **values)
    detail = {"group": group.name, "element": element, "what": action.what, "status": status}
    return _add(action, actor=actor, event="action.create", detail=detail)


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
    values = _checked_action(
        element=element, what=what, owner=owner, starts_on=starts_on, due_on=due_on, status=status
    )
    detail = {"status": status, **({"status_was": action.status} if action.status != status else {})}
    return _update(action, values, actor=actor, event="action.update", detail=detail)


def delete_action(*, action: Action, actor: User) -> None:
    _delete(action, actor=actor, event="action.delete")


def initiative_actions(initiative_id: int, *, group_id: int | None = None) -> list[Action]:
    """Actions by group, then start date."""
    return _of_groups(
        Action,
        initiative_id,
        group_id,
        load=(selectinload(Action.group), selectinload(Action.library_entry)),
        order_by=(Action.group_id, Action.starts_on, Action.id),
    )


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


def _checked_resistance(group: StakeholderGroup, **fields: Any) -> dict[str, Any]:
    """An entry's fields as stored (text trimmed) once every rule holds; all the problems otherwise."""
    problems = resistance_problems(group=group, **fields)
    if problems:
        raise _fail(problems)
    return {**fields, "what": fields["what"].strip(), "response": fields["response"].strip()}


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
    values = _checked_resistance(
        group, what=what, reason=reason, people=people, response=response, status=status, logged_on=logged_on
    )
    entry = ResistanceEntry(group_id=group.id, **values)
    detail = {"group": group.name, "reason": reason, "people": people, "status": status}
    return _add(entry, actor=actor, event="resistance.create", detail=detail)


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
    values = _checked_resistance(
        entry.group,
        what=what,
        reason=reason,
        people=people,
        response=response,
        status=status,
        logged_on=logged_on,
    )
    detail = {"reason": reason, "people": people, "status": status}
    return _update(entry, values, actor=actor, event="resistance.update", detail=detail)


def delete_resistance(*, entry: ResistanceEntry, actor: User) -> None:
    _delete(entry, actor=actor, event="resistance.delete")


def initiative_resistance(initiative_id: int, *, group_id: int | None = None) -> list[ResistanceEntry]:
    """Entries by group, newest first within a group."""
    return _of_groups(
        ResistanceEntry,
        initiative_id,
        group_id,
        load=(selectinload(ResistanceEntry.group),),
        order_by=(ResistanceEntry.group_id, ResistanceEntry.logged_on.desc(), ResistanceEntry.id.desc()),
    )
