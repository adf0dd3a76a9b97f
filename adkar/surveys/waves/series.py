"""Recurring pulses: "every 3 weeks until the end of hypercare" creates its waves on schedule.

The worker's minute sweep (`create_due_waves`) creates each wave of a series the day before it opens, with the
series' groups, survey and reminder days; the practitioner then invites (or the roster is invited). A series
that missed days while no worker ran creates only the wave that is current, never a backlog of past ones.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta

from sqlalchemy import select

from ...accounts.models import User
from ...audit import services as audit
from ...database import begin_write
from ...extensions import db
from ...jobs.registry import every_minute
from ...plan.models import Initiative
from ...validation import Problem, ValidationFailed
from ..definitions import registry
from ..models import PulseSeries, Wave
from . import services as waves

MIN_EVERY, MAX_EVERY = 7, 182
MAX_WAVES = 52
LEAD = timedelta(days=1)  # a wave is created this long before it opens, so invitations can wait for it


def series_problems(
    *,
    initiative: Initiative,
    name: str,
    survey_key: str,
    group_ids: Sequence[int],
    every_days: int | None,
    open_days: int | None,
    starts_on: date | None,
    ends_on: date | None,
) -> list[Problem]:
    problems: list[Problem] = []
    if not name.strip() or len(name.strip()) > waves.MAX_NAME - 10:
        problems.append(
            Problem(f"Give the series a name of at most {waves.MAX_NAME - 10} characters.", "name")
        )
    if registry.get(survey_key) is None:
        problems.append(Problem("Choose one of the surveys.", "survey"))
    own = {g.id for g in initiative.groups}
    if not group_ids or not set(group_ids) <= own:
        problems.append(Problem("Choose at least one of the initiative's groups.", "groups"))
    if every_days is None or not MIN_EVERY <= every_days <= MAX_EVERY:
        problems.append(Problem(f"Repeat every {MIN_EVERY} to {MAX_EVERY} days.", "every_days"))
    if open_days is None or open_days < 1 or (every_days and open_days > every_days):
        problems.append(
            Problem("Each wave stays open at least a day, and no longer than the interval.", "open_days")
        )
    if starts_on is None or ends_on is None:
        problems.append(Problem("Give the first opening day and the last day.", "starts_on"))
    elif ends_on < starts_on:
        problems.append(Problem("The last day cannot be before the first opening day.", "ends_on"))
    elif every_days and (ends_on - starts_on).days // every_days + 1 > MAX_WAVES:
        problems.append(
            Problem(f"At most {MAX_WAVES} waves in one series; shorten it or space them out.", "ends_on")
        )
    return problems


def create_series(
    *,
    initiative: Initiative,
    actor: User,
    name: str,
    survey_key: str,
    group_ids: Sequence[int],
    every_days: int,
    open_days: int,
    starts_on: date | None,
    ends_on: date | None,
    reminder_days: Sequence[int] = (),
    invite_roster: bool = False,
    base_url: str = "",
) -> PulseSeries:
    group_ids = list(dict.fromkeys(group_ids))
    problems = series_problems(
        initiative=initiative,
        name=name,
        survey_key=survey_key,
        group_ids=group_ids,
        every_days=every_days,
        open_days=open_days,
        starts_on=starts_on,
        ends_on=ends_on,
    )
    bad_days = [d for d in reminder_days if not 1 <= d < open_days]
    if bad_days:
        problems.append(Problem(f"Reminder days fall within a wave: 1 to {open_days - 1}.", "reminder_days"))
    if problems or starts_on is None or ends_on is None:
        raise ValidationFailed(problems)
    begin_write()
    series = PulseSeries(
        initiative_id=initiative.id,
        name=name.strip(),
        survey_key=survey_key,
        group_ids=group_ids,
        every_days=every_days,
        open_days=open_days,
        starts_on=starts_on,
        ends_on=ends_on,
        reminder_days=sorted(set(reminder_days)),
        invite_roster=invite_roster,
        base_url=base_url[:300],
        next_opens_on=starts_on,
        created_by=actor.id,
    )
    db.session.add(series)
    db.session.flush()
    audit.record(
        user_id=actor.id,
        action="pulse_series.create",
        target_type="pulse_series",
        target_id=series.id,
        initiative_id=initiative.id,
        detail={
            "name": series.name,
            "every_days": every_days,
            "starts_on": starts_on.isoformat(),
            "ends_on": ends_on.isoformat(),
        },
    )
    db.session.commit()
    return series


def stop_series(*, series: PulseSeries, actor: User) -> None:
    """No more waves; the ones already created stay."""
    begin_write()
    series.active = False
    audit.record(
        user_id=actor.id,
        action="pulse_series.stop",
        target_type="pulse_series",
        target_id=series.id,
        initiative_id=series.initiative_id,
        detail={"waves_created": series.waves_created},
    )
    db.session.commit()


def initiative_series(initiative_id: int) -> list[PulseSeries]:
    return list(
        db.session.scalars(
            select(PulseSeries).where(PulseSeries.initiative_id == initiative_id).order_by(PulseSeries.id)
        )
    )


def _current_opening(series: PulseSeries, today: date) -> date | None:
    """The opening day of the wave to create now: the next one if it opens tomorrow or sooner; past ones
    that were missed are skipped to the latest still open."""
    opening = series.next_opens_on
    if opening is None:
        return None
    while opening + timedelta(days=series.open_days - 1) < today:  # that wave would already be over
        opening += timedelta(days=series.every_days)
    if opening > series.ends_on:
        return opening  # past the end: the caller finishes the series
    if opening - LEAD > today:
        return None  # not yet
    return opening


@every_minute("pulse-series")
def create_due_waves(now: datetime) -> list[int]:
    """Create the waves of every active series that open tomorrow or are open now; their ids."""
    today = now.date()
    created: list[int] = []
    for series in db.session.scalars(select(PulseSeries).where(PulseSeries.active.is_(True))).all():
        opening = _current_opening(series, today)
        if opening is None:
            continue
        if opening > series.ends_on:
            begin_write()
            series.active, series.next_opens_on = False, None
            db.session.commit()
            continue
        initiative = db.session.get(Initiative, series.initiative_id)
        owner = initiative.owner if initiative else None
        if initiative is None or owner is None:
            continue
        closes = min(opening + timedelta(days=series.open_days - 1), series.ends_on)
        number = series.waves_created + 1
        wave = waves.create_wave(
            initiative=initiative,
            actor=owner,
            name=f"{series.name} #{number}",
            survey_key=series.survey_key,
            opens_on=opening,
            closes_on=closes,
            group_ids=[g for g in series.group_ids if g in {x.id for x in initiative.groups}],
            purpose=f"Recurring pulse: every {series.every_days} days until {series.ends_on.isoformat()}.",
        )
        _schedule_reminders(wave, series)
        if series.invite_roster:
            _invite_rosters(wave, series, owner)
        begin_write()
        fresh = db.session.get(PulseSeries, series.id)
        assert fresh is not None
        fresh.waves_created = number
        fresh.next_opens_on = opening + timedelta(days=series.every_days)
        db.session.commit()
        created.append(wave.id)
    db.session.rollback()
    return created


def _schedule_reminders(wave: Wave, series: PulseSeries) -> None:
    from ..invitations.schedule import set_reminder_days

    days = [d for d in series.reminder_days if d <= (wave.closes_on - wave.opens_on).days]
    if days:
        set_reminder_days(wave=wave, days=days, actor=wave.initiative.owner)


def _invite_rosters(wave: Wave, series: PulseSeries, owner: User) -> None:
    """Each group's roster, queued to leave on the wave's opening day."""
    from ..invitations import sending

    for wave_group in wave.wave_groups:
        people = sending.roster_of(wave_group.group_id)
        if people:
            sending.queue_invitations(
                wave=wave,
                group_id=wave_group.group_id,
                recipients=people,
                actor=owner,
                send_when="open",
                base=series.base_url or None,
            )
