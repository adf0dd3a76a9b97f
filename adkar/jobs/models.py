"""One row per background job: what it is, who asked, how far it got, and which worker holds it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import Model
from ..timeutil import utc_now

STATUSES = ("queued", "running", "waiting", "done", "failed")
FINISHED = ("done", "failed")


class Job(Model):
    """`total`, `succeeded` and `failed` count the job's items (e-mails, rows); pending is what is left.

    `waiting` means every item left is due later (a retry's backoff); `lease_until` is how long the
    worker that holds the job may keep it without renewing; after that the sweep hands it to another.
    """

    __tablename__ = "jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(60))
    status: Mapped[str] = mapped_column(String(20), default="queued", index=True)
    initiative_id: Mapped[int | None] = mapped_column(
        ForeignKey("initiatives.id", ondelete="CASCADE"), index=True
    )
    wave_id: Mapped[int | None] = mapped_column(ForeignKey("waves.id", ondelete="CASCADE"), index=True)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    total: Mapped[int] = mapped_column(default=0)
    succeeded: Mapped[int] = mapped_column(default=0)
    failed: Mapped[int] = mapped_column(default=0)
    message: Mapped[str] = mapped_column(Text, default="")
    attempts: Mapped[int] = mapped_column(default=0)
    lease_until: Mapped[datetime | None]
    lease_owner: Mapped[str | None] = mapped_column(String(32))
    next_run_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]

    @property
    def pending(self) -> int:
        return max(self.total - self.succeeded - self.failed, 0)

    @property
    def finished(self) -> bool:
        return self.status in FINISHED
