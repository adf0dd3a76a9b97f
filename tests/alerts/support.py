"""Building the situations each alert rule reads, through the app's own services."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from email.message import EmailMessage

from sqlalchemy import func, select

from adkar.alerts.models import AlertSent
from adkar.extensions import db
from adkar.surveys.invitations.services import issue_links
from adkar.surveys.models import Wave
from adkar.timeutil import utc_now
from tests.actions.support import Cast, wave

REACHED = (5, 5, 5, 5, 5)  # clears every element up to ability
STOPPED = (5, 5, 5, 2, 2)  # stops at ability


def weekday_now() -> datetime:
    """Now, or tomorrow when today is a Monday: a moment without the weekly digest."""
    now = utc_now()
    return now + timedelta(days=1) if now.weekday() == 0 else now


def next_monday(after: date) -> date:
    return after + timedelta(days=(7 - after.weekday()) % 7 or 7)


def declining_field(cast: Cast, day: date) -> None:
    """Two closed waves: the desk ready (5 of 5) in both, the field at 1 of 5 then 2 of 5 ten days later.

    The field's projection rises 0.2 in 10 days, 0.02 a day: at day+5 it reads 0.4 + 0.02 * 15 = 0.7."""
    wave(
        cast.initiative,
        cast.owner,
        {cast.desk: [REACHED] * 5, cast.field: [REACHED] + [STOPPED] * 4},
        name="Baseline",
        opens_on=day - timedelta(days=30),
        closes_on=day - timedelta(days=20),
    )
    wave(
        cast.initiative,
        cast.owner,
        {cast.desk: [REACHED] * 5, cast.field: [REACHED] * 2 + [STOPPED] * 3},
        name="Pulse 1",
        opens_on=day - timedelta(days=15),
        closes_on=day - timedelta(days=10),
    )


def open_wave(
    cast: Cast, day: date, *, closes_in: int, desk_invited: int = 20, field_invited: int = 10
) -> int:
    """An open wave closing in `closes_in` days: 5 published answers in each group, links issued."""
    wave_id = wave(
        cast.initiative,
        cast.owner,
        {cast.desk: [REACHED] * 5, cast.field: [REACHED] * 5},
        name=f"Pulse closing in {closes_in}",
        opens_on=day - timedelta(days=3),
        closes_on=day + timedelta(days=closes_in),
    )
    created = db.session.get(Wave, wave_id)
    assert created is not None
    for group, count in ((cast.desk, desk_invited), (cast.field, field_invited)):
        if count:
            issue_links(wave=created, group_id=group.id, count=count, actor=cast.owner)
    return wave_id


def sent_rows() -> int:
    return int(db.session.scalar(select(func.count()).select_from(AlertSent)) or 0)


def subjects(messages: list[EmailMessage]) -> list[str]:
    return sorted(str(m["Subject"]).strip() for m in messages)


def text_of(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def html_of(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("html",)).get_content()
