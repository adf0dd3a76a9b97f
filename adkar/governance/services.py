"""Moving an initiative through its stages and deciding sign-offs: every rule checked here, every step audited."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import cast

from sqlalchemy import CursorResult, select, update

from ..access import access_level
from ..accounts.models import User
from ..audit import services as audit
from ..changes.services import records_by_milestone
from ..database import begin_write
from ..extensions import db
from ..jobs import services as jobs
from ..kpis.measurements import kpi_views
from ..plan.models import Initiative, Milestone
from ..readiness.figures import gate, initiative_report
from ..timeutil import utc_now
from ..validation import Problem, ValidationFailed
from . import criteria, mail_jobs
from .criteria import Criterion, Facts, GoLiveFact, KpiFact, SignOffFact
from .models import (
    APPROVED,
    APPROVER_ROLE_LABELS,
    APPROVER_ROLES,
    DECISIONS,
    FIRST_STAGE,
    PENDING,
    REJECTED,
    STAGE_LABELS,
    STAGES,
    SignOff,
    SignOffLink,
    StageEntry,
)
from .settings import settings as criterion_settings

NOTE_MAX = 2000  # a stage note or a sign-off comment, in characters
GO_LIVE_KIND = "go-live"


class StageRefused(ValidationFailed):
    """The initiative cannot enter that stage now: `problems` lists every unmet criterion (HTTP 409)."""


class NotTheApprover(Exception):
    """Only the person named on a sign-off may decide it (HTTP 403)."""


@dataclass(frozen=True)
class Checklist:
    """Where the initiative stands: its stage, the next one, and what entering the next one needs."""

    stage: str
    next_stage: str | None
    criteria: list[Criterion]

    @property
    def ready(self) -> bool:
        return self.next_stage is not None and all(c.met for c in self.criteria)


def current_stage(initiative_id: int) -> str:
    entry = db.session.scalar(
        select(StageEntry.stage)
        .where(StageEntry.initiative_id == initiative_id)
        .order_by(StageEntry.entered_at.desc(), StageEntry.id.desc())
        .limit(1)
    )
    return entry or FIRST_STAGE


def history(initiative_id: int) -> list[StageEntry]:
    return list(
        db.session.scalars(
            select(StageEntry)
            .where(StageEntry.initiative_id == initiative_id)
            .order_by(StageEntry.entered_at, StageEntry.id)
        )
    )


def sign_offs(initiative_id: int) -> list[SignOff]:
    order = {stage: i for i, stage in enumerate(STAGES)}
    rows = db.session.scalars(
        select(SignOff).where(SignOff.initiative_id == initiative_id).order_by(SignOff.id)
    )
    return sorted(rows, key=lambda s: (order[s.stage], s.id))


def _go_live(initiative: Initiative) -> Milestone | None:
    planned = [m for m in initiative.milestones if m.kind == GO_LIVE_KIND]
    return planned[-1] if planned else None  # milestones are ordered by due date: the last go-live counts


def facts(initiative: Initiative, *, with_gate: bool = True) -> Facts:
    """What the criteria read; the go-live gate is computed only when asked (it reads every wave)."""
    milestone = _go_live(initiative)
    go_live = None
    if milestone is not None:
        status, overridden = "no_data", False
        if with_gate:
            result = gate(milestone, initiative_report(initiative))
            status, overridden = result["status"], bool(result["overridden"])
        record = records_by_milestone(initiative.id).get(milestone.id)
        go_live = GoLiveFact(milestone.name, status, overridden, record.state if record else None)
    return Facts(
        groups=len(initiative.groups),
        milestones=len(initiative.milestones),
        go_live=go_live,
        sign_offs=[
            SignOffFact(s.stage, s.role, s.approver.display_name, s.decision)
            for s in sign_offs(initiative.id)
        ],
        kpis=[
            KpiFact(v.kpi.name, v.status, explained=bool(v.kpi.explanation.strip()), legacy=v.kpi.legacy)
            for v in kpi_views(initiative.id)
        ],
        settings=criterion_settings(initiative.id),
    )


def checklist(initiative: Initiative) -> Checklist:
    stage = current_stage(initiative.id)
    upcoming = criteria.next_stage(stage)
    if upcoming is None:
        return Checklist(stage, None, [])
    evaluated = criteria.criteria(upcoming, facts(initiative, with_gate=upcoming == "implemented"))
    return Checklist(stage, upcoming, evaluated)


def _clean_note(note: object, field: str) -> str:
    text = note.strip() if isinstance(note, str) else ""
    if len(text) > NOTE_MAX:
        raise ValidationFailed.one(f"At most {NOTE_MAX:,} characters ({len(text):,} given).", field)
    return text


def advance(*, initiative: Initiative, to: object, actor: User, note: object = "") -> StageEntry:
    """Enter the next stage, or refuse with every unmet criterion (StageRefused) and store nothing."""
    if to not in STAGES:
        db.session.rollback()
        raise ValidationFailed.one(f"Choose a stage: {', '.join(STAGES)}.", "to")
    text = _clean_note(note, "note")
    stage = current_stage(initiative.id)
    upcoming = criteria.next_stage(stage)
    if to != upcoming:
        db.session.rollback()
        where = f"is {STAGE_LABELS[stage]}"
        then = f"the next stage is {STAGE_LABELS[upcoming]}" if upcoming else "it has no further stage"
        raise StageRefused([Problem(f"The initiative {where}; {then}.", field="to")])
    missing = criteria.unmet(str(to), facts(initiative, with_gate=to == "implemented"))
    if missing:
        db.session.rollback()
        raise StageRefused([Problem(f"{c.label}: {c.found}.", field="to") for c in missing])
    begin_write()
    entry = StageEntry(initiative_id=initiative.id, stage=str(to), user_id=actor.id, note=text)
    db.session.add(entry)
    audit.record(
        user_id=actor.id,
        action="stage.advance",
        target_type="initiative",
        target_id=initiative.id,
        initiative_id=initiative.id,
        detail={"from": stage, "to": to, "note": text},
    )
    db.session.commit()
    return entry


def approver_choices(initiative: Initiative) -> list[User]:
    """People who may be named: active users who can read the initiative (owner, members, admins)."""
    users = db.session.scalars(select(User).where(User.active.is_(True)).order_by(User.name, User.email))
    return [u for u in users if access_level(u, initiative) is not None]


def name_sign_off(
    *, initiative: Initiative, stage: object, role: object, approver_id: object, actor: User
) -> SignOff:
    """Name who signs off on the initiative entering `stage`, and in which role."""
    problems: list[Problem] = []
    current = STAGES.index(current_stage(initiative.id))
    if stage not in STAGES[1:]:
        problems.append(Problem(f"Choose a stage: {', '.join(STAGES[1:])}.", field="stage"))
    elif STAGES.index(str(stage)) <= current:
        problems.append(
            Problem(f"The initiative has already entered {STAGE_LABELS[str(stage)]}.", field="stage")
        )
    if role not in APPROVER_ROLES:
        problems.append(Problem(f"Choose a role: {', '.join(APPROVER_ROLES)}.", field="role"))
    approver = db.session.get(User, approver_id) if isinstance(approver_id, int) else None
    if approver is None or not approver.active or access_level(approver, initiative) is None:
        problems.append(Problem("Choose someone who can read this initiative.", field="approver_id"))
    if not problems and approver is not None:
        duplicate = db.session.scalar(
            select(SignOff.id).where(
                SignOff.initiative_id == initiative.id,
                SignOff.stage == stage,
                SignOff.role == role,
                SignOff.approver_id == approver.id,
                SignOff.decision != REJECTED,
            )
        )
        if duplicate is not None:
            problems.append(
                Problem("This person is already named in this role for this stage.", field="approver_id")
            )
    if problems or approver is None:
        db.session.rollback()
        raise ValidationFailed(problems)
    begin_write()
    sign_off = SignOff(initiative_id=initiative.id, stage=str(stage), role=str(role), approver_id=approver.id)
    db.session.add(sign_off)
    db.session.flush()
    audit.record(
        user_id=actor.id,
        action="sign_off.name",
        target_type="sign_off",
        target_id=sign_off.id,
        initiative_id=initiative.id,
        detail={"stage": stage, "role": role, "approver": approver.display_name},
    )
    job_id = mail_jobs.queue_mail(sign_off).id
    db.session.commit()
    jobs.start(job_id)  # the approver's e-mail leaves from a worker, never from this request
    return sign_off


def decide(
    *, sign_off: SignOff, actor: User, decision: object, comment: object = "", link: SignOffLink | None = None
) -> SignOff:
    """The named approver approves or rejects (a rejection says why); a decision, once made, stands.

    Decided from an e-mailed `link`, the link is used up in the same commit and the audit trail says so."""
    if actor.id != sign_off.approver_id:
        db.session.rollback()
        raise NotTheApprover()
    problems: list[Problem] = []
    if sign_off.decision != PENDING:
        problems.append(Problem(f"This sign-off was already {sign_off.decision}.", field="decision"))
    if STAGES.index(sign_off.stage) <= STAGES.index(current_stage(sign_off.initiative_id)):
        problems.append(Problem("The initiative has already entered this stage.", field="decision"))
    if link is not None and (link.sign_off_id != sign_off.id or link.used_at is not None):
        problems.append(Problem("This link was already used.", field="decision"))
    elif link is not None and utc_now() >= link.expires_at:
        problems.append(Problem("This link has expired; decide on the governance page.", field="decision"))
    if decision not in DECISIONS:
        problems.append(Problem("Choose approve or reject.", field="decision"))
    try:
        text = _clean_note(comment, "comment")
    except ValidationFailed as exc:
        problems += exc.problems
        text = ""
    if decision == REJECTED and not text:
        problems.append(Problem("Say why you reject it, so the team knows what to change.", field="comment"))
    if problems:
        db.session.rollback()
        raise ValidationFailed(problems)
    begin_write()
    now = utc_now()
    if link is not None and not _use_up(link, now):
        db.session.rollback()
        raise ValidationFailed.one("This link was already used.", "decision")
    sign_off.decision, sign_off.comment, sign_off.decided_at = str(decision), text, now
    audit.record(
        user_id=actor.id,
        action=f"sign_off.{'approve' if decision == APPROVED else 'reject'}",
        target_type="sign_off",
        target_id=sign_off.id,
        initiative_id=sign_off.initiative_id,
        detail={
            "stage": sign_off.stage,
            "role": sign_off.role,
            "comment": text,
            "via": "e-mail link" if link is not None else "app",
        },
    )
    db.session.commit()
    return sign_off


def _use_up(link: SignOffLink, now: datetime) -> bool:
    """Mark the link used unless another request did first: one UPDATE, so a link decides once."""
    result = db.session.execute(
        update(SignOffLink)
        .where(SignOffLink.id == link.id, SignOffLink.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    return cast(CursorResult, result).rowcount == 1


def remove_sign_off(*, sign_off: SignOff, actor: User) -> None:
    """Withdraw a sign-off that is still pending or was rejected; an approval is part of the record."""
    if sign_off.decision == APPROVED:
        db.session.rollback()
        raise ValidationFailed.one("An approval stays on the record; it cannot be removed.", "sign_off")
    begin_write()
    audit.record(
        user_id=actor.id,
        action="sign_off.remove",
        target_type="sign_off",
        target_id=sign_off.id,
        initiative_id=sign_off.initiative_id,
        detail={"stage": sign_off.stage, "role": APPROVER_ROLE_LABELS[sign_off.role]},
    )
    db.session.delete(sign_off)
    db.session.commit()
