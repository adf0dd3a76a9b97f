"""Creating jobs and reading their progress; the request that creates one commits, then enqueues it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update

from ..extensions import db
from .models import Job
from .queue import queue


def create(
    *,
    kind: str,
    total: int,
    params: dict | None = None,
    initiative_id: int | None = None,
    wave_id: int | None = None,
    created_by: int | None = None,
) -> Job:
    """A queued job in the caller's write transaction; call `start` once it is committed."""
    job = Job(
        kind=kind,
        total=total,
        params=params or {},
        initiative_id=initiative_id,
        wave_id=wave_id,
        created_by=created_by,
    )
    db.session.add(job)
    db.session.flush()
    return job


def start(job_id: int) -> None:
    """Hand a committed job to the queue (in `immediate` mode it runs now, in this thread)."""
    queue().enqueue(job_id)


def add_counts(job_id: int, *, succeeded: int = 0, failed: int = 0, total: int = 0) -> None:
    if succeeded or failed or total:
        db.session.execute(
            update(Job)
            .where(Job.id == job_id)
            .values(succeeded=Job.succeeded + succeeded, failed=Job.failed + failed, total=Job.total + total)
        )


@dataclass(frozen=True)
class Progress:
    """What the wave page and GET /api/v1/jobs/{id} show."""

    id: int
    kind: str
    status: str
    total: int
    succeeded: int
    failed: int
    pending: int
    message: str
    created_at: datetime
    finished_at: datetime | None
    next_run_at: datetime | None

    def as_dict(self) -> dict:
        return {
            "id": self.id,
            "kind": self.kind,
            "status": self.status,
            "counts": {
                "total": self.total,
                "sent": self.succeeded,
                "pending": self.pending,
                "failed": self.failed,
            },
            "message": self.message,
            "created_at": self.created_at.isoformat() + "Z",
            "finished_at": self.finished_at.isoformat() + "Z" if self.finished_at else None,
            "next_run_at": self.next_run_at.isoformat() + "Z" if self.next_run_at else None,
        }


def progress(job: Job) -> Progress:
    return Progress(
        id=job.id,
        kind=job.kind,
        status=job.status,
        total=job.total,
        succeeded=job.succeeded,
        failed=job.failed,
        pending=job.pending,
        message=job.message,
        created_at=job.created_at,
        finished_at=job.finished_at,
        next_run_at=job.next_run_at,
    )


def recent_for_wave(wave_id: int, *, limit: int = 5) -> list[Job]:
    return list(
        db.session.scalars(select(Job).where(Job.wave_id == wave_id).order_by(Job.id.desc()).limit(limit))
    )
