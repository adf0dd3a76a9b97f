"""Reports of large initiatives built on a worker: the request queues a job, the worker renders the same
offline HTML file as a direct download (adkar.dashboard.report), the person who asked downloads it from the
dashboard for a day (adkar.surveys.responses.job_files).

An initiative whose groups times waves exceed ADKAR_REPORT_BACKGROUND_CELLS (1,000) is reported this way:
its dashboard takes seconds to compute and the file carries a chart per group, so no request holds a web
worker for it.
"""

from __future__ import annotations

from flask import current_app
from sqlalchemy import func, select

from ..accounts.models import User
from ..database import begin_write
from ..extensions import db
from ..jobs import services as jobs
from ..jobs.models import Job
from ..jobs.registry import Done, Lease, WaitUntil, handles
from ..plan.models import Initiative, StakeholderGroup
from ..surveys.models import Wave
from ..surveys.responses import job_files
from ..timeutil import today, utc_now
from . import report

REPORT_KIND = "dashboard.report"
DEFAULT_BACKGROUND_CELLS = 1_000


def background_cells() -> int:
    return int(current_app.config.get("REPORT_BACKGROUND_CELLS") or DEFAULT_BACKGROUND_CELLS)


def report_cells(initiative: Initiative) -> int:
    """Groups times waves: what the dashboard's heatmaps and the report's charts grow with."""
    groups = db.session.scalar(
        select(func.count())
        .select_from(StakeholderGroup)
        .where(StakeholderGroup.initiative_id == initiative.id)
    )
    waves = db.session.scalar(
        select(func.count()).select_from(Wave).where(Wave.initiative_id == initiative.id)
    )
    return int(groups or 0) * int(waves or 0)


def in_background(cells: int) -> bool:
    """Whether a report of `cells` groups times waves is built on a worker."""
    return cells > background_cells()


def queue_report(*, initiative: Initiative, actor: User) -> int:
    begin_write()
    job = jobs.create(kind=REPORT_KIND, total=1, initiative_id=initiative.id, created_by=actor.id)
    job_id = job.id
    db.session.commit()
    jobs.start(job_id)
    return job_id


@handles(REPORT_KIND)
def run_report(job_id: int, lease: Lease) -> Done | WaitUntil:
    job = db.session.get(Job, job_id)
    initiative = db.session.get(Initiative, job.initiative_id) if job and job.initiative_id else None
    if job is None or initiative is None:
        return Done("The initiative is gone.", failed=True)
    body = report.render(initiative).encode("utf-8")
    name = job_files.store_result(job_id, "html", body)
    filename = report.filename(initiative, today())
    begin_write()
    job = db.session.get(Job, job_id)
    assert job is not None
    job.params = {
        **job.params,
        "download": name,
        "filename": filename,
        "mimetype": "text/html",
        "access": "read",  # what every reader of the initiative sees on the dashboard
        "bytes": len(body),
    }
    jobs.add_counts(job_id, succeeded=1)
    db.session.commit()
    return Done(f"The report is ready to download until {job_files.kept_until(utc_now())} UTC.")


def recent_reports(initiative: Initiative, user: User, *, limit: int = 5) -> list[Job]:
    """The user's own reports of this initiative, newest first (a report is for the person who asked)."""
    return list(
        db.session.scalars(
            select(Job)
            .where(Job.initiative_id == initiative.id, Job.kind == REPORT_KIND, Job.created_by == user.id)
            .order_by(Job.id.desc())
            .limit(limit)
        )
    )
