"""Reading a wave's e-mail jobs for its page and the API: counts per state and who could not be reached.

Addresses appear here only for deliveries that failed or were skipped, so the practitioner can fix them;
nothing here says who answered.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from ...extensions import db
from ...jobs import services as jobs
from ...jobs.models import Job
from ..models import MailDelivery, Wave
from .sending import EMAIL_KIND, REMINDER_KIND

SHOWN_PROBLEMS = 20


@dataclass(frozen=True)
class MailJob:
    progress: jobs.Progress
    reminder: bool
    by_status: dict[str, int]
    problems: list[tuple[str, str]]  # (address, why), failed or skipped

    def as_dict(self) -> dict:
        return {
            **self.progress.as_dict(),
            "reminder": self.reminder,
            "by_status": self.by_status,
            "problems": [{"email": e, "error": why} for e, why in self.problems],
        }


def mail_job(job: Job) -> MailJob:
    by_status = {
        status: int(n)
        for status, n in db.session.execute(
            select(MailDelivery.status, func.count(MailDelivery.id))
            .where(MailDelivery.job_id == job.id)
            .group_by(MailDelivery.status)
        )
    }
    problems = [
        (email, error or status)
        for email, status, error in db.session.execute(
            select(MailDelivery.email, MailDelivery.status, MailDelivery.error)
            .where(MailDelivery.job_id == job.id, MailDelivery.status.in_(("failed", "skipped")))
            .order_by(MailDelivery.email)
            .limit(SHOWN_PROBLEMS)
        )
    ]
    return MailJob(
        progress=jobs.progress(job),
        reminder=job.kind == REMINDER_KIND,
        by_status=by_status,
        problems=problems,
    )


def wave_jobs(wave: Wave, *, limit: int = 5) -> list[MailJob]:
    return [
        mail_job(job)
        for job in jobs.recent_for_wave(wave.id, limit=limit)
        if job.kind in (EMAIL_KIND, REMINDER_KIND)
    ]
