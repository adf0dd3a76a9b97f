"""Survey waves: when a survey runs, for which groups, paired with which milestone. Services own the transaction.

A wave that holds responses is never deleted (its data feeds readiness and gates); it is closed early instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Literal

from sqlalchemy import delete, exists, func, select

from ...accounts.models import User
from ...audit import services as audit
from ...database import begin_write
from ...dates import date_problem
from ...elements import ELEMENT_LABELS
from ...extensions import db
from ...plan.models import Initiative, Milestone, StakeholderGroup
from ...timeutil import today as current_day
from ...validation import Problem, ValidationFailed
from ..definitions import registry
from ..models import HeldAnswer, Invitation, Response, Wave, WaveGroup
from ..responses import publication

WaveStatus = Literal["scheduled", "open", "closed"]

MAX_NAME = 200
MAX_PURPOSE = 2000
# Prosci advises measuring ADKAR at least four times over a project; pages say so next to the wave list.
RECOMMENDED_WAVES = 4
# A suggested wave opens three weeks and closes one week before its milestone: time to act on the result.
SUGGEST_OPEN_DAYS_BEFORE = 21
SUGGEST_CLOSE_DAYS_BEFORE = 7
PULSE_SURVEY = "adkar-pulse"
BASELINE_SURVEY = "adkar-assessment"


def wave_status(wave: Wave, today: date | None = None) -> WaveStatus:
    """Scheduled before opens_on, open from opens_on to closes_on (both days included), closed after."""
    day = today or current_day()
    if day < wave.opens_on:
        return "scheduled"
    if day > wave.closes_on:
        return "closed"
    return "open"


# --- validation ---------------------------------------------------------------------------------------


def wave_problems(
    *,
    initiative: Initiative,
    name: str,
    survey_key: str,
    opens_on: date | None,
    closes_on: date | None,
    group_ids: Sequence[int],
    milestone_id: int | None,
    purpose: str,
) -> list[Problem]:
    """Every rule a wave's fields must follow, shared by the form pages and the API."""
    problems: list[Problem] = []
    if not name.strip():
        problems.append(Problem("Give the wave a name.", field="name"))
    elif len(name.strip()) > MAX_NAME:
        problems.append(Problem(f"The name is longer than {MAX_NAME} characters.", field="name"))
    if registry.get(survey_key) is None:
        known = ", ".join(registry.definitions())
        problems.append(Problem(f"Unknown survey {survey_key!r}; choose one of {known}.", field="survey"))
    if opens_on is None:
        problems.append(Problem("Give the date the wave opens.", field="opens_on"))
    if closes_on is None:
        problems.append(Problem("Give the date the wave closes.", field="closes_on"))
    problems += [p for p in (date_problem(opens_on, "opens_on"), date_problem(closes_on, "closes_on")) if p]
    if opens_on and closes_on and closes_on < opens_on:
        problems.append(Problem("The wave cannot close before it opens.", field="closes_on"))
    if not group_ids:
        problems.append(Problem("Choose at least one stakeholder group.", field="group_ids"))
    else:
        own = set(
            db.session.scalars(
                select(StakeholderGroup.id).where(StakeholderGroup.initiative_id == initiative.id)
            )
        )
        strangers = sorted(set(group_ids) - own)
        if strangers:
            listed = ", ".join(str(g) for g in strangers)
            problems.append(Problem(f"Group(s) {listed} are not part of this initiative.", field="group_ids"))
    if milestone_id is not None:
        milestone = db.session.get(Milestone, milestone_id)
        if milestone is None or milestone.initiative_id != initiative.id:
            problems.append(Problem("That milestone is not part of this initiative.", field="milestone_id"))
    if len(purpose.strip()) > MAX_PURPOSE:
        problems.append(Problem(f"The purpose is longer than {MAX_PURPOSE:,} characters.", field="purpose"))
    return problems


def _raise(problems: list[Problem]) -> None:
    if problems:
        db.session.rollback()
        raise ValidationFailed(problems)


# --- create, update, delete -----------------------------------------------------------------------------


def create_wave(
    *,
    initiative: Initiative,
    actor: User,
    name: str,
    survey_key: str,
    opens_on: date,
    closes_on: date,
    group_ids: Sequence[int],
    milestone_id: int | None = None,
    purpose: str = "",
) -> Wave:
    """Create a wave and one WaveGroup row per group (its tallies start at zero)."""
    begin_write()
    group_ids = list(dict.fromkeys(group_ids))
    _raise(
        wave_problems(
            initiative=initiative,
            name=name,
            survey_key=survey_key,
            opens_on=opens_on,
            closes_on=closes_on,
            group_ids=group_ids,
            milestone_id=milestone_id,
            purpose=purpose,
        )
    )
    wave = Wave(
        initiative_id=initiative.id,
        name=name.strip(),
        survey_key=survey_key,
        opens_on=opens_on,
        closes_on=closes_on,
        milestone_id=milestone_id,
        purpose=purpose.strip(),
        wave_groups=[WaveGroup(group_id=group_id) for group_id in group_ids],
    )
    db.session.add(wave)
    db.session.flush()
    audit.record(
        user_id=actor.id,
        action="wave.create",
        target_type="wave",
        target_id=wave.id,
        initiative_id=initiative.id,
        detail={"name": wave.name, "survey": survey_key, "groups": group_ids},
    )
    db.session.commit()
    return wave


def has_responses(wave: Wave, group_id: int | None = None) -> bool:
    """Whether the wave (or one of its groups) received any answer, published or still held."""
    for table in (Response, HeldAnswer):
        query = select(table.wave_id).where(table.wave_id == wave.id)
        if group_id is not None:
            query = query.where(table.group_id == group_id)
        if db.session.scalar(select(exists(query))):
            return True
    return False


def update_wave(
    *,
    wave: Wave,
    actor: User,
    name: str,
    survey_key: str,
    opens_on: date,
    closes_on: date,
    group_ids: Sequence[int],
    milestone_id: int | None = None,
    purpose: str = "",
) -> Wave:
    """Change a wave. Once it holds responses its survey stays, and groups that answered stay in it.

    Removing a group that has not answered withdraws its personal links (they stop working).
    """
    begin_write()
    group_ids = list(dict.fromkeys(group_ids))
    problems = wave_problems(
        initiative=wave.initiative,
        name=name,
        survey_key=survey_key,
        opens_on=opens_on,
        closes_on=closes_on,
        group_ids=group_ids,
        milestone_id=milestone_id,
        purpose=purpose,
    )
    if survey_key != wave.survey_key and has_responses(wave):
        problems.append(
            Problem("The wave has responses already, so its survey cannot change.", field="survey")
        )
    removed = [wg for wg in wave.wave_groups if wg.group_id not in group_ids]
    answered = [wg.group.name for wg in removed if has_responses(wave, wg.group_id)]
    if answered:
        problems.append(
            Problem(
                f"{', '.join(answered)} answered this wave already and must stay in it.", field="group_ids"
            )
        )
    _raise(problems)
    for wave_group in removed:
        db.session.execute(
            delete(Invitation).where(
                Invitation.wave_id == wave.id, Invitation.group_id == wave_group.group_id
            )
        )
        wave.wave_groups.remove(wave_group)
    present = {wg.group_id for wg in wave.wave_groups}
    wave.wave_groups.extend(WaveGroup(group_id=g) for g in group_ids if g not in present)
    wave.name, wave.survey_key, wave.purpose = name.strip(), survey_key, purpose.strip()
    wave.opens_on, wave.closes_on, wave.milestone_id = opens_on, closes_on, milestone_id
    audit.record(
        user_id=actor.id,
        action="wave.update",
        target_type="wave",
        target_id=wave.id,
        initiative_id=wave.initiative_id,
        detail={"groups": group_ids, "removed": [wg.group_id for wg in removed]},
    )
    db.session.commit()
    return wave


def close_wave(*, wave: Wave, actor: User) -> Wave:
    """Close early: the wave's last day becomes today, so its links stop working from tomorrow."""
    begin_write()
    day = current_day()
    if wave.closes_on > day:
        wave.closes_on = day
        wave.opens_on = min(wave.opens_on, day)
        audit.record(
            user_id=actor.id,
            action="wave.close",
            target_type="wave",
            target_id=wave.id,
            initiative_id=wave.initiative_id,
        )
    db.session.commit()
    return wave


def delete_wave(*, wave: Wave, actor: User) -> Literal["deleted", "closed"]:
    """Delete a wave without responses; one with responses is closed early instead (its data stays)."""
    begin_write()
    if has_responses(wave):
        db.session.rollback()
        close_wave(wave=wave, actor=actor)
        return "closed"
    audit.record(
        user_id=actor.id,
        action="wave.delete",
        target_type="wave",
        target_id=wave.id,
        initiative_id=wave.initiative_id,
        detail={"name": wave.name},
    )
    db.session.execute(delete(Invitation).where(Invitation.wave_id == wave.id))
    db.session.delete(wave)
    db.session.commit()
    return "deleted"


# --- reading --------------------------------------------------------------------------------------------


def initiative_waves(initiative: Initiative) -> list[Wave]:
    return list(
        db.session.scalars(
            select(Wave).where(Wave.initiative_id == initiative.id).order_by(Wave.opens_on, Wave.id)
        )
    )


@dataclass(frozen=True)
class GroupProgress:
    """Invitations and answers of a group. `published` answers are in the figures; `held` ones wait,
    sealed, until their group has k of their kind (adkar.surveys.responses.publication): counts, never answers."""

    group_id: int
    name: str
    invited: int
    published: int
    held: int = 0

    @property
    def responded(self) -> int:
        return self.published + self.held

    @property
    def response_rate(self) -> float | None:
        """responded / invited; None when nobody was invited (imports do not count as invitations)."""
        return self.responded / self.invited if self.invited else None

    def as_dict(self) -> dict:
        return {
            "group_id": self.group_id,
            "name": self.name,
            "invited": self.invited,
            "responded": self.responded,
            "published": self.published,
            "held": self.held,
            "response_rate": self.response_rate,
        }


def wave_progress(wave: Wave) -> list[GroupProgress]:
    """Invited, published and held per group, from the tally rows and the held answers' counts."""
    rows = db.session.execute(
        select(WaveGroup.group_id, StakeholderGroup.name, WaveGroup.invited, WaveGroup.n)
        .join(StakeholderGroup, StakeholderGroup.id == WaveGroup.group_id)
        .where(WaveGroup.wave_id == wave.id)
        .order_by(StakeholderGroup.id)
    )
    held = publication.held_by_group(db.session.connection(), wave.id)
    return [
        GroupProgress(group_id=g, name=name, invited=i, published=n, held=held.get(g, 0))
        for g, name, i, n in rows
    ]


def total_progress(groups: Sequence[GroupProgress]) -> GroupProgress:
    return GroupProgress(
        group_id=0,
        name="All groups",
        invited=sum(g.invited for g in groups),
        published=sum(g.published for g in groups),
        held=sum(g.held for g in groups),
    )


def response_rates(wave_ids: Sequence[int]) -> dict[int, GroupProgress]:
    """Wave totals for many waves in two queries (the plan page lists them all)."""
    if not wave_ids:
        return {}
    rows = db.session.execute(
        select(WaveGroup.wave_id, func.sum(WaveGroup.invited), func.sum(WaveGroup.n))
        .where(WaveGroup.wave_id.in_(wave_ids))
        .group_by(WaveGroup.wave_id)
    )
    held = publication.held_by_wave(db.session.connection(), wave_ids)
    return {
        wave_id: GroupProgress(
            group_id=0,
            name="All groups",
            invited=int(i or 0),
            published=int(n or 0),
            held=held.get(wave_id, 0),
        )
        for wave_id, i, n in rows
    }


# --- suggestions ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class WaveSuggestion:
    """A wave the plan would benefit from: one per upcoming milestone that has no wave yet."""

    milestone_id: int
    milestone_name: str
    milestone_due: date
    name: str
    survey_key: str
    opens_on: date
    closes_on: date
    purpose: str
    group_ids: tuple[int, ...] = field(default=())

    def query_args(self) -> dict[str, str]:
        """Pre-fill values for the new-wave page (/initiatives/<id>/waves/new?...)."""
        return {
            "name": self.name,
            "survey": self.survey_key,
            "opens_on": self.opens_on.isoformat(),
            "closes_on": self.closes_on.isoformat(),
            "milestone": str(self.milestone_id),
            "purpose": self.purpose,
        }


def _default_survey(first_wave: bool) -> str:
    keys = list(registry.definitions())
    preferred = (BASELINE_SURVEY, PULSE_SURVEY) if first_wave else (PULSE_SURVEY,)
    return next((key for key in preferred if key in keys), keys[0])


def default_survey(initiative: Initiative) -> str:
    """The full assessment for an initiative's first wave (a baseline), the short pulse after that."""
    return _default_survey(not db.session.scalar(select(exists().where(Wave.initiative_id == initiative.id))))


def suggested_waves(initiative: Initiative, *, today: date | None = None) -> list[WaveSuggestion]:
    """One suggestion per milestone still ahead without a wave, opening ~3 weeks and closing ~1 week before.

    The first wave of an initiative is suggested as the full assessment (a baseline), later ones as pulses.
    """
    day = today or current_day()
    paired = set(
        db.session.scalars(
            select(Wave.milestone_id).where(
                Wave.initiative_id == initiative.id, Wave.milestone_id.is_not(None)
            )
        )
    )
    has_waves = db.session.scalar(select(exists().where(Wave.initiative_id == initiative.id)))
    all_groups = tuple(g.id for g in initiative.groups)
    suggestions: list[WaveSuggestion] = []
    for milestone in initiative.milestones:
        if milestone.id in paired or milestone.due < day:
            continue
        opens_on = max(milestone.due - timedelta(days=SUGGEST_OPEN_DAYS_BEFORE), day)
        closes_on = milestone.due - timedelta(days=SUGGEST_CLOSE_DAYS_BEFORE)
        if closes_on < opens_on:
            closes_on = milestone.due
        element = ELEMENT_LABELS.get(milestone.target_element, milestone.target_element)
        suggestions.append(
            WaveSuggestion(
                milestone_id=milestone.id,
                milestone_name=milestone.name,
                milestone_due=milestone.due,
                name=f"Readiness before {milestone.name}"[:MAX_NAME],
                survey_key=_default_survey(first_wave=not has_waves and not suggestions),
                opens_on=opens_on,
                closes_on=closes_on,
                purpose=(
                    f"Check that people have reached {element} before {milestone.name} "
                    f"({milestone.due.isoformat()}), with time to act on the result."
                ),
                group_ids=tuple(g.id for g in milestone.groups) or all_groups,
            )
        )
    return suggestions


def create_suggested_wave(*, initiative: Initiative, actor: User, milestone_id: int) -> Wave:
    """The one-click "create this wave" of the plan page."""
    suggestion = next((s for s in suggested_waves(initiative) if s.milestone_id == milestone_id), None)
    if suggestion is None:
        raise ValidationFailed.one("That milestone already has a wave, or it is past.", "milestone_id")
    return create_wave(
        initiative=initiative,
        actor=actor,
        name=suggestion.name,
        survey_key=suggestion.survey_key,
        opens_on=suggestion.opens_on,
        closes_on=suggestion.closes_on,
        group_ids=suggestion.group_ids,
        milestone_id=suggestion.milestone_id,
        purpose=suggestion.purpose,
    )
