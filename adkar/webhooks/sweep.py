"""Events that follow from dates and figures rather than from a request: waves opening and closing, gates
changing status or becoming projected to miss. Run every minute (`sweep_events`); each is announced once.

Everything is computed first, in a read transaction (payloads included); the marks are then updated in one
short write transaction with conditional statements, so two sweeps at once announce each event once: the
loser's conditional updates match nothing, or its insert of a mark fails and it rolls back, announcing nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import and_, exists, or_, select, update
from sqlalchemy.exc import IntegrityError

from ..database import begin_write
from ..events import announce
from ..extensions import db
from ..plan.models import Initiative, Milestone
from ..readiness.figures import gate, initiative_report
from ..surveys.models import Wave
from ..timeutil import utc_now
from . import payloads
from .models import GateMark, WaveMark, WebhookEndpoint

# A wave that closed longer ago than this when first seen (the sweep was off, or webhooks are new) is
# marked without an event: old news is noise. A wave first seen after it closed is never announced opened.
CLOSED_CATCH_UP = timedelta(days=7)

Event = tuple[str, dict[str, Any]]


@dataclass(frozen=True)
class _WaveNews:
    wave_id: int
    initiative_id: int
    has_mark: bool
    mark_opened: bool
    mark_closed: bool
    opened: Event | None  # announced when this sweep marks the opening
    closed: Event | None


@dataclass(frozen=True)
class _GateNews:
    milestone_id: int
    initiative_id: int
    previous: tuple[str, bool] | None  # (status, projected to miss) as last seen
    current: tuple[str, bool]
    events: list[Event]


def sweep_events(*, today: date) -> int:
    """Announce what has come due by `today`; returns how many events were announced (whether or not an
    endpoint subscribes to them). Owns its transactions: call it with nothing pending in the session. Does
    nothing while no endpoint is enabled (gates are then compared with what was seen when one last was)."""
    if not db.session.scalar(select(exists().where(WebhookEndpoint.enabled.is_(True)))):
        db.session.rollback()
        return 0
    waves, gates = _wave_news(today), _gate_news(today)
    db.session.rollback()  # end the read transaction: the writes start with BEGIN IMMEDIATE
    begin_write()
    try:
        events = _mark_waves(waves) + _mark_gates(gates)
        db.session.flush()
    except IntegrityError:  # another sweep inserted the same mark first, and announced the events
        db.session.rollback()
        return 0
    for event_type, data, initiative_id in events:
        announce(event_type, data, initiative_id=initiative_id)
    db.session.commit()
    return len(events)


def _changed(result) -> bool:
    return bool(getattr(result, "rowcount", 0))


# --- waves --------------------------------------------------------------------------------------------


def _wave_news(today: date) -> list[_WaveNews]:
    opened_due = and_(Wave.opens_on <= today, or_(WaveMark.wave_id.is_(None), WaveMark.opened_at.is_(None)))
    closed_due = and_(Wave.closes_on < today, or_(WaveMark.wave_id.is_(None), WaveMark.closed_at.is_(None)))
    rows = db.session.execute(
        select(Wave, WaveMark)
        .outerjoin(WaveMark, WaveMark.wave_id == Wave.id)
        .where(or_(opened_due, closed_due))
        .order_by(Wave.opens_on, Wave.id)
    ).all()
    news = []
    for wave, mark in rows:
        mark_opened = wave.opens_on <= today and (mark is None or mark.opened_at is None)
        mark_closed = wave.closes_on < today and (mark is None or mark.closed_at is None)
        say_opened = mark_opened and today <= wave.closes_on
        say_closed = mark_closed and wave.closes_on >= today - CLOSED_CATCH_UP
        news.append(
            _WaveNews(
                wave_id=wave.id,
                initiative_id=wave.initiative_id,
                has_mark=mark is not None,
                mark_opened=mark_opened,
                mark_closed=mark_closed,
                opened=("wave.opened", payloads.wave_opened(wave)) if say_opened else None,
                closed=("wave.closed", payloads.wave_closed(wave)) if say_closed else None,
            )
        )
    return news


def _claim_wave(wave_id: int, column, now) -> bool:
    return _changed(
        db.session.execute(
            update(WaveMark).where(WaveMark.wave_id == wave_id, column.is_(None)).values({column: now})
        )
    )


def _mark_waves(news: list[_WaveNews]) -> list[tuple[str, dict[str, Any], int | None]]:
    now = utc_now()
    events: list[tuple[str, dict[str, Any], int | None]] = []
    for item in news:
        if not item.has_mark:
            opened_at, closed_at = (now if item.mark_opened else None), (now if item.mark_closed else None)
            db.session.add(WaveMark(wave_id=item.wave_id, opened_at=opened_at, closed_at=closed_at))
            db.session.flush()  # a concurrent sweep's mark makes this fail, before anything is announced
            won_opened, won_closed = item.mark_opened, item.mark_closed
        else:
            won_opened = item.mark_opened and _claim_wave(item.wave_id, WaveMark.opened_at, now)
            won_closed = item.mark_closed and _claim_wave(item.wave_id, WaveMark.closed_at, now)
        if won_opened and item.opened:
            events.append((*item.opened, item.initiative_id))
        if won_closed and item.closed:
            events.append((*item.closed, item.initiative_id))
    return events


# --- gates --------------------------------------------------------------------------------------------


def _projected_to_miss(milestone: Milestone, result: dict[str, Any], today: date) -> bool:
    """Still ahead, not ready, not passed by an override, and some group's projection falls short."""
    if milestone.due < today or result["status"] == "ready" or result["overridden"]:
        return False
    return any(g["projected"] is not None and g["projected"] < result["threshold"] for g in result["groups"])


def _gate_events(
    milestone: Milestone,
    result: dict,
    names: dict[int, str],
    previous: tuple[str, bool] | None,
    missing: bool,
) -> list[Event]:
    events: list[Event] = []
    # The first sight of a gate is its baseline: a status change needs a status to change from.
    if previous is not None and previous[0] != result["status"]:
        data = payloads.gate_data(milestone, result, names, previous_status=previous[0])
        events.append(("gate.status_changed", data))
    if missing and (previous is None or not previous[1]):
        events.append(("gate.projected_to_miss", payloads.gate_data(milestone, result, names)))
    return events


def _gate_news(today: date) -> list[_GateNews]:
    """Every milestone whose gate differs from its mark, computed as the dashboard's gate board does."""
    marks = {m.milestone_id: (m.status, m.projected_to_miss) for m in db.session.scalars(select(GateMark))}
    initiatives = db.session.scalars(
        select(Initiative)
        .where(exists().where(Milestone.initiative_id == Initiative.id))
        .order_by(Initiative.id)
    ).all()
    news = []
    for initiative in initiatives:
        report = initiative_report(initiative)
        names = {g.id: g.name for g in initiative.groups}
        for milestone in initiative.milestones:
            result = gate(milestone, report)
            current = (str(result["status"]), _projected_to_miss(milestone, result, today))
            previous = marks.get(milestone.id)
            if previous != current:
                events = _gate_events(milestone, result, names, previous, current[1])
                news.append(_GateNews(milestone.id, initiative.id, previous, current, events))
    return news


def _mark_gates(news: list[_GateNews]) -> list[tuple[str, dict[str, Any], int | None]]:
    now = utc_now()
    events: list[tuple[str, dict[str, Any], int | None]] = []
    for item in news:
        status, missing = item.current
        if item.previous is None:
            db.session.add(
                GateMark(
                    milestone_id=item.milestone_id, status=status, projected_to_miss=missing, checked_at=now
                )
            )
            db.session.flush()
        elif not _changed(
            db.session.execute(
                update(GateMark)
                .where(
                    GateMark.milestone_id == item.milestone_id,
                    GateMark.status == item.previous[0],
                    GateMark.projected_to_miss == item.previous[1],
                )
                .values(status=status, projected_to_miss=missing, checked_at=now)
            )
        ):
            continue  # another sweep recorded this change
        events += [(event_type, data, item.initiative_id) for event_type, data in item.events]
    return events
