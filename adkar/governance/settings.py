"""An initiative's entry criteria, from the defaults: switch one off (with a justification) or on again, or set
the sign-off roles a stage requires. Every change is audited; a bad one is refused and stores nothing."""

from __future__ import annotations

from sqlalchemy import select

from ..accounts.models import User
from ..audit import services as audit
from ..database import begin_write
from ..extensions import db
from ..plan.models import Initiative
from ..validation import Problem, ValidationFailed
from .criteria import ROLES_KEY, SWITCHABLE, Settings
from .models import APPROVER_ROLES, STAGES, CriterionSetting

JUSTIFICATION_MIN, JUSTIFICATION_MAX = 20, 2000
ROLE_STAGES = STAGES[1:]


def settings(initiative_id: int) -> Settings:
    rows = db.session.scalars(select(CriterionSetting).where(CriterionSetting.initiative_id == initiative_id))
    off, roles = {}, {}
    for row in rows:
        if row.key == ROLES_KEY and row.roles is not None:
            roles[row.stage] = tuple(r for r in APPROVER_ROLES if r in row.roles)
        elif not row.enabled:
            off[(row.stage, row.key)] = row.justification
    return Settings(off=off, roles=roles)


def customised(initiative_id: int) -> list[CriterionSetting]:
    """What departs from the defaults, in stage order, for the governance page."""
    rows = db.session.scalars(select(CriterionSetting).where(CriterionSetting.initiative_id == initiative_id))
    live = [r for r in rows if (r.key == ROLES_KEY and r.roles is not None) or not r.enabled]
    return sorted(live, key=lambda r: (STAGES.index(r.stage), r.key))


def _justification(text: object) -> tuple[str, Problem | None]:
    clean = text.strip() if isinstance(text, str) else ""
    if len(clean) < JUSTIFICATION_MIN:
        return clean, Problem(
            f"Explain in a sentence or two (at least {JUSTIFICATION_MIN} characters) why this initiative "
            "departs from the default.",
            field="justification",
        )
    if len(clean) > JUSTIFICATION_MAX:
        return clean, Problem(f"At most {JUSTIFICATION_MAX:,} characters.", field="justification")
    return clean, None


def _row(initiative_id: int, stage: str, key: str) -> CriterionSetting:
    row = db.session.scalar(
        select(CriterionSetting).where(
            CriterionSetting.initiative_id == initiative_id,
            CriterionSetting.stage == stage,
            CriterionSetting.key == key,
        )
    )
    if row is None:
        row = CriterionSetting(
            initiative_id=initiative_id, stage=stage, key=key, enabled=True, justification=""
        )
        db.session.add(row)
    return row


def switch(
    *, initiative: Initiative, stage: object, key: object, enabled: object, justification: object, actor: User
) -> None:
    """Switch a default criterion off (a justification of 20 characters or more) or back on."""
    problems: list[Problem] = []
    if (stage, key) not in SWITCHABLE:
        problems.append(Problem("Choose a criterion that can be switched off.", field="criterion"))
    if not isinstance(enabled, bool):
        problems.append(Problem("Choose on or off.", field="enabled"))
    text, bad = _justification(justification)
    if bad is not None and enabled is False:
        problems.append(bad)
    if problems:
        db.session.rollback()
        raise ValidationFailed(problems)
    begin_write()
    row = _row(initiative.id, str(stage), str(key))
    row.enabled, row.justification, row.updated_by = bool(enabled), text, actor.id
    audit.record(
        user_id=actor.id,
        action="criterion.switch_on" if enabled else "criterion.switch_off",
        target_type="initiative",
        target_id=initiative.id,
        initiative_id=initiative.id,
        detail={"stage": stage, "criterion": SWITCHABLE[(str(stage), str(key))], "justification": text},
    )
    db.session.commit()


def set_roles(
    *, initiative: Initiative, stage: object, roles: object, justification: object, actor: User
) -> None:
    """The sign-off roles entering `stage` requires for this initiative; None restores the default."""
    problems: list[Problem] = []
    if stage not in ROLE_STAGES:
        problems.append(Problem(f"Choose a stage: {', '.join(ROLE_STAGES)}.", field="stage"))
    chosen: list[str] | None = None
    if roles is not None:
        if not isinstance(roles, list | tuple) or any(r not in APPROVER_ROLES for r in roles):
            problems.append(Problem(f"Choose roles among: {', '.join(APPROVER_ROLES)}.", field="roles"))
        else:
            chosen = [r for r in APPROVER_ROLES if r in roles]
    text, bad = _justification(justification)
    if bad is not None and roles is not None:
        problems.append(bad)
    if problems:
        db.session.rollback()
        raise ValidationFailed(problems)
    begin_write()
    row = _row(initiative.id, str(stage), ROLES_KEY)
    row.roles, row.justification, row.updated_by = chosen, text, actor.id
    audit.record(
        user_id=actor.id,
        action="criterion.roles",
        target_type="initiative",
        target_id=initiative.id,
        initiative_id=initiative.id,
        detail={"stage": stage, "roles": chosen, "justification": text},
    )
    db.session.commit()
