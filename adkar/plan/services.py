"""Change-plan rules: initiatives, their people, groups and milestones. Services own the transaction."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from sqlalchemy import func, select

from ..accounts.models import User
from ..audit import services as audit
from ..database import begin_write
from ..dates import MESSAGE as DATE_MESSAGE
from ..dates import date_problem
from ..elements import ELEMENTS
from ..extensions import db
from ..validation import Problem, ValidationFailed
from .models import APPROACHES, GateOverride, Initiative, InitiativeMember, Milestone, StakeholderGroup
from .roster.models import Participant
from .templates import suggested_milestones

DEFAULT_THRESHOLD = 0.8


def _fail(message: str, field: str | None = None) -> ValidationFailed:
    db.session.rollback()
    return ValidationFailed.one(message, field)


def _check_initiative_fields(name: str, approach: str, go_live: date) -> None:
    if not name.strip():
        raise _fail("Give the initiative a name.", "name")
    if approach not in APPROACHES:
        raise _fail(f"Choose an approach: {', '.join(APPROACHES)}.", "approach")
    _check_date(go_live, "go_live")


def _check_date(value: date, field: str) -> None:
    if (problem := date_problem(value, field)) is not None:
        db.session.rollback()
        raise ValidationFailed([problem])


def _check_planned_dues(planned: Sequence[dict], *, from_template: bool) -> None:
    """Template milestones are dated from go-live, so a go-live near the window's edge can push them out."""
    problems = []
    for index, item in enumerate(planned):
        if date_problem(item["due"], "due") is None:
            continue
        if from_template:
            message = (
                f"The template would date “{item['name']}” {item['due'].isoformat()}: {DATE_MESSAGE} "
                "Move go-live, or start without the template."
            )
            problems.append(Problem(message, field="go_live"))
        else:
            problems.append(Problem(DATE_MESSAGE, field="due", row=index))
    if problems:
        db.session.rollback()
        raise ValidationFailed(problems[:1] if from_template else problems)


def create_initiative(
    *,
    owner: User,
    name: str,
    approach: str,
    go_live: date,
    description: str = "",
    use_template: bool = False,
    milestones: Sequence[dict] | None = None,
) -> Initiative:
    """Create an initiative; with a template, its milestones come from the approach (or `milestones`)."""
    _check_initiative_fields(name, approach, go_live)
    planned = (
        milestones
        if milestones is not None
        else (suggested_milestones(approach, go_live) if use_template else [])
    )
    _check_planned_dues(planned, from_template=milestones is None)
    begin_write()
    initiative = Initiative(
        name=name.strip(),
        description=description.strip(),
        approach=approach,
        go_live=go_live,
        owner_id=owner.id,
    )
    db.session.add(initiative)
    db.session.flush()
    for item in planned:
        _check_milestone_fields(
            item["name"], item["target_element"], item.get("threshold", DEFAULT_THRESHOLD)
        )
        db.session.add(
            Milestone(
                initiative_id=initiative.id,
                name=item["name"].strip(),
                kind=item["kind"],
                due=item["due"],
                target_element=item["target_element"],
                threshold=item.get("threshold", DEFAULT_THRESHOLD),
            )
        )
    audit.record(
        user_id=owner.id,
        action="initiative.create",
        target_type="initiative",
        target_id=initiative.id,
        initiative_id=initiative.id,
        detail={"name": initiative.name, "template": bool(planned)},
    )
    db.session.commit()
    return initiative


def update_initiative(
    *, initiative: Initiative, actor: User, name: str, approach: str, go_live: date, description: str
) -> Initiative:
    _check_initiative_fields(name, approach, go_live)
    begin_write()
    initiative.name, initiative.approach = name.strip(), approach
    initiative.go_live, initiative.description = go_live, description.strip()
    audit.record(
        user_id=actor.id,
        action="initiative.update",
        target_type="initiative",
        target_id=initiative.id,
        initiative_id=initiative.id,
    )
    db.session.commit()
    return initiative


def delete_initiative(*, initiative: Initiative, actor: User) -> None:
    begin_write()
    audit.record(
        user_id=actor.id,
        action="initiative.delete",
        target_type="initiative",
        target_id=initiative.id,
        detail={"name": initiative.name},
    )
    db.session.delete(initiative)
    db.session.commit()


def add_member(*, initiative: Initiative, actor: User, email: str, role: str) -> InitiativeMember:
    """Give a practitioner (co-runs the plan) or a sponsor (reads the dashboard) access."""
    begin_write()
    user = db.session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None:
        raise _fail(f"No user has the email {email.strip()}. An admin can create the account first.", "email")
    if role == "practitioner" and user.role not in ("practitioner", "admin"):
        raise _fail(f"{user.email} is a {user.role}; only practitioners can co-run a plan.", "role")
    if role not in ("practitioner", "sponsor"):
        raise _fail("Choose practitioner or sponsor.", "role")
    if user.id == initiative.owner_id:
        raise _fail(f"{user.email} owns this initiative already.", "email")
    member = db.session.get(InitiativeMember, (initiative.id, user.id))
    if member is None:
        member = InitiativeMember(initiative_id=initiative.id, user_id=user.id, role=role)
        db.session.add(member)
    else:
        member.role = role
    audit.record(
        user_id=actor.id,
        action="member.add",
        target_type="user",
        target_id=user.id,
        initiative_id=initiative.id,
        detail={"role": role},
    )
    db.session.commit()
    return member


def remove_member(*, initiative: Initiative, actor: User, user_id: int) -> bool:
    begin_write()
    member = db.session.get(InitiativeMember, (initiative.id, user_id))
    if member is None:
        db.session.rollback()
        return False
    db.session.delete(member)
    audit.record(
        user_id=actor.id,
        action="member.remove",
        target_type="user",
        target_id=user_id,
        initiative_id=initiative.id,
    )
    db.session.commit()
    return True


# --- stakeholder groups -------------------------------------------------------------------------------

MAX_HEADCOUNT = 10_000_000
NAME_MAX, DESCRIPTION_MAX = 120, 2000  # a group's name and description, in characters


def group_problems(
    name: object, headcount: object, description: object = "", *, row: int | None = None
) -> list[Problem]:
    """Shape rules for one group, shared by forms, CSV import and the API."""
    problems = []
    if not str(name or "").strip():
        problems.append(
            Problem("The name is required.", field="name", column="name" if row else None, row=row)
        )
    elif len(str(name).strip()) > NAME_MAX:
        problems.append(Problem(f"The name is longer than {NAME_MAX} characters.", field="name", row=row))
    if isinstance(headcount, bool) or not isinstance(headcount, int):
        problems.append(Problem("The headcount must be a whole number.", field="headcount", row=row))
    elif not 1 <= headcount <= MAX_HEADCOUNT:
        problems.append(
            Problem(f"The headcount must be between 1 and {MAX_HEADCOUNT:,}.", field="headcount", row=row)
        )
    if len(str(description or "").strip()) > DESCRIPTION_MAX:
        problems.append(
            Problem(
                f"The description is longer than {DESCRIPTION_MAX:,} characters.",
                field="description",
                row=row,
                column="description" if row else None,
            )
        )
    return problems


def _existing_group_names(initiative: Initiative, *, excluding: int | None = None) -> set[str]:
    query = select(func.lower(StakeholderGroup.name)).where(StakeholderGroup.initiative_id == initiative.id)
    if excluding is not None:
        query = query.where(StakeholderGroup.id != excluding)
    return set(db.session.scalars(query))


def create_groups(*, initiative: Initiative, actor: User, rows: Iterable[dict]) -> list[StakeholderGroup]:
    """Create several groups all-or-nothing; rows are {"name", "headcount", "description"?} (1-based `row`)."""
    begin_write()
    taken = _existing_group_names(initiative)
    problems: list[Problem] = []
    groups = []
    for number, item in enumerate(rows, start=1):
        row = item.get("row", number)
        found = group_problems(item.get("name"), item.get("headcount"), item.get("description"), row=row)
        name = str(item.get("name") or "").strip()
        description = str(item.get("description") or "").strip()
        if not found and name.lower() in taken:
            found.append(
                Problem(f"A group named {name!r} exists already.", field="name", row=row, column="name")
            )
        problems += found
        if not found:
            taken.add(name.lower())
            groups.append(
                StakeholderGroup(
                    initiative_id=initiative.id,
                    name=name,
                    headcount=item["headcount"],
                    description=description,
                    headcount_follows_roster=bool(item.get("headcount_follows_roster", False)),
                )
            )
    if problems:
        db.session.rollback()
        raise ValidationFailed(problems)
    db.session.add_all(groups)
    db.session.flush()
    audit.record(
        user_id=actor.id,
        action="group.create",
        target_type="group",
        target_id=str(groups[0].id) if len(groups) == 1 else None,
        initiative_id=initiative.id,
        detail={"ids": [g.id for g in groups], "names": [g.name for g in groups]},
    )
    db.session.commit()
    return groups


def create_group(
    *,
    initiative: Initiative,
    actor: User,
    name: str,
    headcount: int,
    description: str = "",
    headcount_follows_roster: bool = False,
) -> StakeholderGroup:
    """One group. A new group has no roster yet: its headcount follows one from the first roster on."""
    row = {
        "name": name,
        "headcount": headcount,
        "description": description,
        "headcount_follows_roster": headcount_follows_roster,
    }
    try:
        return create_groups(initiative=initiative, actor=actor, rows=[row])[0]
    except ValidationFailed as exc:
        for problem in exc.problems:
            problem.row = problem.column = None
        raise


def _roster_size(group_id: int) -> int:
    return db.session.scalar(select(func.count()).where(Participant.group_id == group_id)) or 0


def update_group(
    *,
    group: StakeholderGroup,
    actor: User,
    name: str,
    headcount: int,
    description: str,
    headcount_follows_roster: bool | None = None,
) -> StakeholderGroup:
    """Change a group (None: the follow setting as it is). While its headcount follows a roster that has
    people, the headcount is the roster's size: another number than the stored one or that is refused."""
    begin_write()
    follows = group.headcount_follows_roster if headcount_follows_roster is None else headcount_follows_roster
    problems = group_problems(name, headcount, description)
    if not problems and name.strip().lower() in _existing_group_names(group.initiative, excluding=group.id):
        problems.append(Problem(f"A group named {name.strip()!r} exists already.", field="name"))
    size = _roster_size(group.id) if follows else 0
    if not problems and size and headcount not in (group.headcount, size):
        message = (
            f"The headcount follows the group's roster ({size:,} people). Change the roster, or stop the "
            "headcount following it, to set another number."
        )
        problems.append(Problem(message, field="headcount"))
    if problems:
        db.session.rollback()
        raise ValidationFailed(problems)
    group.name, group.headcount, group.description = name.strip(), size or headcount, description.strip()
    group.headcount_follows_roster = follows
    audit.record(
        user_id=actor.id,
        action="group.update",
        target_type="group",
        target_id=group.id,
        initiative_id=group.initiative_id,
    )
    db.session.commit()
    return group


def delete_group(*, group: StakeholderGroup, actor: User) -> None:
    begin_write()
    audit.record(
        user_id=actor.id,
        action="group.delete",
        target_type="group",
        target_id=group.id,
        initiative_id=group.initiative_id,
        detail={"name": group.name},
    )
    db.session.delete(group)
    db.session.commit()


# --- milestones ---------------------------------------------------------------------------------------


def _check_milestone_fields(name: str, target_element: str, threshold: float) -> None:
    if not name.strip():
        raise _fail("Give the milestone a name.", "name")
    if target_element not in ELEMENTS:
        raise _fail(f"Choose a target element: {', '.join(ELEMENTS)}.", "target_element")
    if not 0 < threshold <= 1:
        raise _fail("The threshold is a share between 0 and 1 (e.g. 0.8 for 80%).", "threshold")


def _groups_of(initiative: Initiative, group_ids: Iterable[int]) -> list[StakeholderGroup]:
    wanted = list(dict.fromkeys(group_ids))
    if not wanted:
        return []
    groups = db.session.scalars(
        select(StakeholderGroup).where(
            StakeholderGroup.initiative_id == initiative.id, StakeholderGroup.id.in_(wanted)
        )
    ).all()
    missing = set(wanted) - {g.id for g in groups}
    if missing:
        raise _fail(
            f"These groups are not part of this initiative: {', '.join(map(str, sorted(missing)))}.",
            "group_ids",
        )
    return sorted(groups, key=lambda g: g.id)


def create_milestone(
    *,
    initiative: Initiative,
    actor: User,
    name: str,
    kind: str,
    due: date,
    target_element: str,
    threshold: float = DEFAULT_THRESHOLD,
    group_ids: Iterable[int] = (),
) -> Milestone:
    _check_milestone_fields(name, target_element, threshold)
    _check_date(due, "due")
    begin_write()
    milestone = Milestone(
        initiative_id=initiative.id,
        name=name.strip(),
        kind=kind,
        due=due,
        target_element=target_element,
        threshold=threshold,
        groups=_groups_of(initiative, group_ids),
    )
    db.session.add(milestone)
    db.session.flush()
    audit.record(
        user_id=actor.id,
        action="milestone.create",
        target_type="milestone",
        target_id=milestone.id,
        initiative_id=initiative.id,
        detail={"name": milestone.name, "due": due.isoformat(), "target_element": target_element},
    )
    db.session.commit()
    return milestone


def update_milestone(
    *,
    milestone: Milestone,
    actor: User,
    name: str,
    kind: str,
    due: date,
    target_element: str,
    threshold: float,
    group_ids: Iterable[int],
) -> Milestone:
    _check_milestone_fields(name, target_element, threshold)
    _check_date(due, "due")
    begin_write()
    milestone.groups = _groups_of(milestone.initiative, group_ids)
    milestone.name, milestone.kind, milestone.due = name.strip(), kind, due
    milestone.target_element, milestone.threshold = target_element, threshold
    audit.record(
        user_id=actor.id,
        action="milestone.update",
        target_type="milestone",
        target_id=milestone.id,
        initiative_id=milestone.initiative_id,
        detail={"due": due.isoformat(), "target_element": target_element, "threshold": threshold},
    )
    db.session.commit()
    return milestone


def delete_milestone(*, milestone: Milestone, actor: User) -> None:
    begin_write()
    audit.record(
        user_id=actor.id,
        action="milestone.delete",
        target_type="milestone",
        target_id=milestone.id,
        initiative_id=milestone.initiative_id,
        detail={"name": milestone.name},
    )
    db.session.delete(milestone)
    db.session.commit()


def override_gate(
    *, milestone: Milestone, actor: User, computed_status: str, justification: str
) -> GateOverride:
    """Pass a gate that is not ready; only with a written justification, kept with name and time."""
    if computed_status == "ready":
        raise _fail("This gate is ready; there is nothing to override.", "justification")
    if len(justification.strip()) < 20:
        raise _fail(
            "Explain in a sentence or two (at least 20 characters) why the gate can pass.", "justification"
        )
    begin_write()
    override = GateOverride(
        milestone_id=milestone.id,
        user_id=actor.id,
        computed_status=computed_status,
        justification=justification.strip(),
    )
    db.session.add(override)
    audit.record(
        user_id=actor.id,
        action="gate.override",
        target_type="milestone",
        target_id=milestone.id,
        initiative_id=milestone.initiative_id,
        detail={"computed_status": computed_status, "justification": justification.strip()},
    )
    db.session.commit()
    return override
