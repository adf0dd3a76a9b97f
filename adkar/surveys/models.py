"""Survey waves, the groups they go to (with running tallies), invitations and anonymous responses.

Responses and tokens live in separate tables with no link between them: a response holds the wave,
the group, the answers and the date only.
"""

from __future__ import annotations

import secrets
from datetime import date, datetime

from sqlalchemy import (
    JSON,
    ForeignKey,
    LargeBinary,
    PrimaryKeyConstraint,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model
from ..timeutil import utc_now


def new_response_id() -> str:
    """Random, not sequential: the order of ids must not reveal the order of answers."""
    return secrets.token_hex(16)


class Wave(Model):
    __tablename__ = "waves"

    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = mapped_column(ForeignKey("initiatives.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    survey_key: Mapped[str] = mapped_column(String(80))
    opens_on: Mapped[date]
    closes_on: Mapped[date]
    milestone_id: Mapped[int | None] = mapped_column(ForeignKey("milestones.id", ondelete="SET NULL"))
    purpose: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utc_now)

    initiative = relationship("Initiative")
    milestone = relationship("Milestone")
    wave_groups: Mapped[list[WaveGroup]] = relationship(
        back_populates="wave", cascade="all, delete-orphan", order_by="WaveGroup.group_id"
    )
    reminder_schedule: Mapped[ReminderSchedule | None] = relationship(cascade="all, delete-orphan")

    @property
    def reminder_days(self) -> list[int]:
        return list(self.reminder_schedule.days) if self.reminder_schedule else []

    @property
    def reminders_done(self) -> list[int]:
        return list(self.reminder_schedule.done) if self.reminder_schedule else []


class ReminderSchedule(Model):
    """Automatic reminders of a wave: the days after opening (opening day = 0) on which e-mailed
    non-responders are reminded, and the days already done (adkar.surveys.invitations.schedule)."""

    __tablename__ = "reminder_schedules"

    wave_id: Mapped[int] = mapped_column(ForeignKey("waves.id", ondelete="CASCADE"), primary_key=True)
    days: Mapped[list] = mapped_column(JSON, default=list)
    done: Mapped[list] = mapped_column(JSON, default=list)


class PulseSeries(Model):
    """A recurring pulse: a wave of `survey_key` to the same groups every `every_days` days, open for
    `open_days`, from `starts_on` until `ends_on` (e.g. the end of hypercare); the worker creates each wave
    the day before it opens (adkar.surveys.waves.series). `next_opens_on` is the next wave's opening day."""

    __tablename__ = "pulse_series"

    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = mapped_column(ForeignKey("initiatives.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    survey_key: Mapped[str] = mapped_column(String(80))
    group_ids: Mapped[list] = mapped_column(JSON)
    every_days: Mapped[int]
    open_days: Mapped[int]
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    reminder_days: Mapped[list] = mapped_column(JSON, default=list)
    # Invite each group's roster when a wave is created (mail leaves on its opening day), with links to
    # base_url (the address the series was planned at, unless ADKAR_PUBLIC_URL is set).
    invite_roster: Mapped[bool] = mapped_column(default=False)
    base_url: Mapped[str] = mapped_column(String(300), default="")
    next_opens_on: Mapped[date | None]
    waves_created: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utc_now)


class WaveGroup(Model):
    """A group included in a wave, with the counts readiness needs, kept up to date on every write.

    Reading readiness then costs one row per group, whatever the number of responses.
    """

    __tablename__ = "wave_groups"

    wave_id: Mapped[int] = mapped_column(ForeignKey("waves.id", ondelete="CASCADE"), primary_key=True)
    group_id: Mapped[int] = mapped_column(
        ForeignKey("stakeholder_groups.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    invited: Mapped[int] = mapped_column(default=0)
    open_link_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    n: Mapped[int] = mapped_column(default=0)
    sum_awareness: Mapped[float] = mapped_column(default=0.0)
    sum_desire: Mapped[float] = mapped_column(default=0.0)
    sum_knowledge: Mapped[float] = mapped_column(default=0.0)
    sum_ability: Mapped[float] = mapped_column(default=0.0)
    sum_reinforcement: Mapped[float] = mapped_column(default=0.0)
    fav_awareness: Mapped[int] = mapped_column(default=0)
    fav_desire: Mapped[int] = mapped_column(default=0)
    fav_knowledge: Mapped[int] = mapped_column(default=0)
    fav_ability: Mapped[int] = mapped_column(default=0)
    fav_reinforcement: Mapped[int] = mapped_column(default=0)
    bar_awareness: Mapped[int] = mapped_column(default=0)
    bar_desire: Mapped[int] = mapped_column(default=0)
    bar_knowledge: Mapped[int] = mapped_column(default=0)
    bar_ability: Mapped[int] = mapped_column(default=0)
    bar_reinforcement: Mapped[int] = mapped_column(default=0)
    bar_none: Mapped[int] = mapped_column(default=0)

    wave: Mapped[Wave] = relationship(back_populates="wave_groups")
    group = relationship("StakeholderGroup")


class Invitation(Model):
    """A personal single-use link; only the token's hash is kept."""

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    wave_id: Mapped[int] = mapped_column(ForeignKey("waves.id", ondelete="CASCADE"), index=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("stakeholder_groups.id", ondelete="CASCADE"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    email: Mapped[str | None] = mapped_column(String(254))
    used: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    last_sent_at: Mapped[datetime | None]


class MailDelivery(Model):
    """One e-mail of an invitation or reminder job, to one person: the delivery state that makes a batch
    lose nobody and send nobody two copies (adkar.surveys.invitations.delivery).

    pending -> sending -> sent | retry (due again at next_attempt_at) | failed (final, `error` says why)
    | skipped (the address unsubscribed). `invitation_id` is the link the e-mail carries, for a reminder the
    link it renews. `unsubscribe_hash` is the hash of the one-click unsubscribe token in its headers.
    """

    __tablename__ = "mail_deliveries"

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"), index=True)
    wave_id: Mapped[int] = mapped_column(ForeignKey("waves.id", ondelete="CASCADE"), index=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("stakeholder_groups.id", ondelete="CASCADE"))
    invitation_id: Mapped[int | None] = mapped_column(ForeignKey("invitations.id", ondelete="SET NULL"))
    reminder: Mapped[bool] = mapped_column(default=False)
    email: Mapped[str] = mapped_column(String(254))
    name: Mapped[str] = mapped_column(String(200), default="")
    language: Mapped[str] = mapped_column(String(12), default="en")
    status: Mapped[str] = mapped_column(String(10), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime | None]
    error: Mapped[str | None] = mapped_column(String(300))
    sent_at: Mapped[datetime | None]
    unsubscribe_hash: Mapped[str | None] = mapped_column(String(64), unique=True)


class MailOptOut(Model):
    """An address that asked for no more survey e-mail (List-Unsubscribe); kept as a hash of the address."""

    __tablename__ = "mail_opt_outs"

    address_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)


class SubmissionReceipt(Model):
    """One row per consumed token or open-link form nonce; the primary key forbids a second answer."""

    __tablename__ = "submission_receipts"

    key_hash: Mapped[str] = mapped_column(String(64), primary_key=True)


class HeldAnswer(Model):
    """An answer set received but not yet published, sealed (adkar.surveys.responses.sealing) until its group has k
    of its kind (adkar.surveys.responses.publication). Spending a link and holding its answers happen in one
    transaction; only what is published later is readable, in shuffled batches of at least k.

    `source` is "personal", "open" or "import": each kind is published in batches of its own, so imported
    or open-link answers can never make a few real respondents visible. Nothing here is in the clear but
    where the answers go: the ciphertext, padded to one size per survey, says nothing about them.
    """

    __tablename__ = "held_answers"
    __table_args__ = (
        PrimaryKeyConstraint("wave_id", "group_id", "source", "id", name="pk_held_answers"),
        {"sqlite_with_rowid": False},
    )

    id: Mapped[str] = mapped_column(String(32), default=new_response_id)
    wave_id: Mapped[int] = mapped_column(ForeignKey("waves.id", ondelete="CASCADE"))
    group_id: Mapped[int] = mapped_column(ForeignKey("stakeholder_groups.id", ondelete="CASCADE"))
    source: Mapped[str] = mapped_column(String(8))
    sealed: Mapped[bytes] = mapped_column(LargeBinary)


class Response(Model):
    """An anonymous answer set, with the per-element scores aggregation scans.

    Stored in (wave, group, random id) order: every read is by wave and group, a wave's responses sit
    together (an import touches a few pages, not one per row), and on SQLite, without a rowid, nothing in
    the file records the order in which people answered.
    """

    __tablename__ = "responses"
    __table_args__ = (
        PrimaryKeyConstraint("wave_id", "group_id", "id", name="pk_responses"),
        {"sqlite_with_rowid": False},
    )

    id: Mapped[str] = mapped_column(String(32), default=new_response_id)
    wave_id: Mapped[int] = mapped_column(ForeignKey("waves.id", ondelete="CASCADE"))
    group_id: Mapped[int] = mapped_column(ForeignKey("stakeholder_groups.id", ondelete="CASCADE"))
    submitted_on: Mapped[date]
    answers: Mapped[dict] = mapped_column(JSON)
    score_awareness: Mapped[float]
    score_desire: Mapped[float]
    score_knowledge: Mapped[float]
    score_ability: Mapped[float]
    score_reinforcement: Mapped[float]
    # Index into ELEMENTS of the barrier point; len(ELEMENTS) means "none".
    barrier: Mapped[int] = mapped_column(SmallInteger)
    comment: Mapped[str | None] = mapped_column(Text)


class ImportMapping(Model):
    """A practitioner's confirmed column mapping for one source (e.g. "Forms pulse, Finance"), kept per
    initiative and survey so the next file from that source is mapped the same way: column name as the file
    writes it -> item id, "group" or "ignore"."""

    __tablename__ = "import_mappings"
    __table_args__ = (UniqueConstraint("initiative_id", "survey_key", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = mapped_column(ForeignKey("initiatives.id", ondelete="CASCADE"), index=True)
    survey_key: Mapped[str] = mapped_column(String(80))
    name: Mapped[str] = mapped_column(String(100))
    targets: Mapped[dict] = mapped_column(JSON)
    reverse: Mapped[list] = mapped_column(JSON, default=list)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(default=utc_now)
