"""Evaluate every alert rule and mail what is due, each alert once per person.

`send_due_alerts(now=...)` is safe to call every few minutes: an alert is recorded in `alerts_sent` only
after its mail left, so one that failed is tried again on the next call, and one that left never is.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from ..accounts.models import User
from ..actions.models import ResistanceEntry
from ..changes.services import change_risks
from ..dashboard.context import load_milestones
from ..database import begin_write
from ..extensions import db
from ..governance.services import current_stage, sign_offs
from ..mail import Mail, MailError, RecipientRefused, connect
from ..plan.models import Initiative, StakeholderGroup
from ..readiness.figures import gate, initiative_report
from . import rules
from .compose import compose
from .digest import RECENT_DAYS, digest_alert, is_digest_day
from .models import AlertSent
from .preferences import enabled_kinds
from .recipients import active_users, readers_by_initiative

log = logging.getLogger(__name__)

RESISTANCE_LOOKBACK = timedelta(days=2)
"""Resistance logged this long ago is still told (the job may have been down); older entries never are,
so switching alerts on does not mail the whole log."""
CLOSED_STAGE = "closed"


def _utc(now: datetime) -> datetime:
    """The naive UTC the database stores (adkar.timeutil.utc_now)."""
    return now.astimezone(UTC).replace(tzinfo=None) if now.tzinfo is not None else now


def _resistance_since(initiative_id: int, since: datetime) -> list[ResistanceEntry]:
    return list(
        db.session.scalars(
            select(ResistanceEntry)
            .join(StakeholderGroup, StakeholderGroup.id == ResistanceEntry.group_id)
            .where(StakeholderGroup.initiative_id == initiative_id, ResistanceEntry.created_at >= since)
            .options(selectinload(ResistanceEntry.group))
            .order_by(ResistanceEntry.created_at, ResistanceEntry.id)
        )
    )


def initiative_alerts(initiative: Initiative, *, now: datetime) -> list[rules.Alert]:
    """Every alert the rules raise for one initiative at `now` (naive UTC), sent or not."""
    today = now.date()
    config = current_app.config
    report = initiative_report(initiative)
    milestones = load_milestones(initiative.id)
    gates = [gate(m, report) for m in milestones]
    names = {g.id: g.name for g in initiative.groups}
    alerts = rules.gate_alerts(initiative, milestones, gates, today=today, group_names=names)
    alerts += rules.participation_alerts(
        initiative,
        report.waves,
        report.trend,
        today=today,
        days=int(config.get("ALERT_PARTICIPATION_DAYS", rules.DEFAULT_PARTICIPATION_DAYS)),
        rate=float(config.get("ALERT_PARTICIPATION_RATE", rules.DEFAULT_PARTICIPATION_RATE)),
    )
    if milestones:
        alerts += rules.change_alerts(initiative, change_risks(initiative, gates))
    alerts += rules.resistance_alerts(initiative, _resistance_since(initiative.id, now - RESISTANCE_LOOKBACK))
    if is_digest_day(today):
        digest = digest_alert(
            initiative,
            report,
            milestones,
            gates,
            today=today,
            recent_resistance=len(_resistance_since(initiative.id, now - timedelta(days=RECENT_DAYS))),
            sign_offs=sign_offs(initiative.id),
        )
        if digest is not None:
            alerts.append(digest)
    return alerts


def due_mail(*, now: datetime) -> list[tuple[User, rules.Alert]]:
    """(reader, alert) pairs not sent yet, for readers who want that kind; initiatives that are closed
    raise none."""
    now = _utc(now)
    users = active_users()
    readers = readers_by_initiative(users)
    wanted = enabled_kinds(users)
    pending: list[tuple[User, rules.Alert]] = []
    initiatives = db.session.scalars(select(Initiative).where(Initiative.id.in_(list(readers))))
    for initiative in sorted(initiatives, key=lambda i: i.id):
        if current_stage(initiative.id) == CLOSED_STAGE:
            continue
        for alert in initiative_alerts(initiative, now=now):
            pending += [(u, alert) for u in readers[initiative.id] if alert.kind in wanted[u.id]]
    return _not_sent(pending)


def _not_sent(pending: list[tuple[User, rules.Alert]]) -> list[tuple[User, rules.Alert]]:
    keys = sorted({a.key for _, a in pending})
    sent: set[tuple[int, str, str]] = set()
    for chunk in range(0, len(keys), 500):
        rows = db.session.execute(
            select(AlertSent.user_id, AlertSent.kind, AlertSent.dedupe_key).where(
                AlertSent.dedupe_key.in_(keys[chunk : chunk + 500])
            )
        )
        sent |= {(int(u), str(k), str(d)) for u, k, d in rows}
    return [(u, a) for u, a in pending if (u.id, a.kind, a.key) not in sent]


def _record(user_id: int, alert: rules.Alert, now: datetime) -> None:
    """Note a mail that left; a run started alongside may have noted it first (the unique key says so)."""
    begin_write()
    db.session.add(AlertSent(user_id=user_id, kind=alert.kind, dedupe_key=alert.key, sent_at=now))
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        log.warning("alert %s %s was also sent by another run", alert.kind, alert.key)


def send_due_alerts(*, now: datetime) -> int:
    """Mail every alert due at `now` to each reader who wants it; returns how many mails left.

    Nothing connects to the mail server when nothing is due. A refused address is skipped (and tried again
    next time); a broken connection ends the batch, and what did not leave is tried again next time.
    """
    now = _utc(now)
    due = due_mail(now=now)
    if not due:
        db.session.rollback()
        return 0
    mails: Sequence[tuple[int, rules.Alert, Mail]] = [(u.id, a, compose(a, u)) for u, a in due]
    db.session.rollback()  # end the read transaction before talking to the mail server
    sent = 0
    try:
        with connect() as mailer:
            for user_id, alert, mail in mails:
                try:
                    mailer.send(mail)
                except RecipientRefused as exc:
                    log.warning("alert %s not sent: %s", alert.kind, exc)
                    continue
                _record(user_id, alert, now)
                sent += 1
    except MailError as exc:
        log.warning("alerts: %s (%d of %d sent)", exc, sent, len(mails))
    return sent
