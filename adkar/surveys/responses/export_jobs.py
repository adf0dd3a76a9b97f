"""Exports of large waves built on a worker: the request queues a job, the worker writes the file (the same
anonymous rows as a direct download, adkar.surveys.responses.exports), the person who asked downloads it from
the wave page for a day; then the file is deleted.

Waves with more responses than ADKAR_EXPORT_BACKGROUND_ROWS (20,000) are exported this way, so no request
holds a worker for the seconds a large XLSX takes.
"""

from __future__ import annotations

from flask import current_app
from sqlalchemy import select

from ...accounts.models import User
from ...audit import services as audit
from ...config import min_group_size
from ...database import begin_write
from ...extensions import db
from ...jobs import services as jobs
from ...jobs.models import Job
from ...jobs.registry import Done, Lease, WaitUntil, handles
from ...timeutil import utc_now
from ..definitions import registry
from ..models import Wave
from . import exports, job_files

EXPORT_KIND = "responses.export"
DEFAULT_BACKGROUND_ROWS = 20_000
FORMATS = ("csv", "xlsx")


def background_rows() -> int:
    return int(current_app.config.get("EXPORT_BACKGROUND_ROWS") or DEFAULT_BACKGROUND_ROWS)


def in_background(wave: Wave) -> bool:
    return exports.wave_total(wave) > background_rows()


def queue_export(*, wave: Wave, fmt: str, actor: User) -> int:
    if fmt not in FORMATS:
        raise ValueError(fmt)
    begin_write()
    job = jobs.create(
        kind=EXPORT_KIND,
        total=1,
        params={"format": fmt},
        initiative_id=wave.initiative_id,
        wave_id=wave.id,
        created_by=actor.id,
    )
    job_id = job.id
    db.session.commit()
    jobs.start(job_id)
    return job_id


@handles(EXPORT_KIND)
def run_export(job_id: int, lease: Lease) -> Done | WaitUntil:
    job = db.session.get(Job, job_id)
    wave = db.session.get(Wave, job.wave_id) if job and job.wave_id else None
    definition = registry.get(wave.survey_key) if wave else None
    if job is None or wave is None or definition is None:
        return Done("The wave or its survey is gone.", failed=True)
    fmt = str(job.params.get("format"))
    export = exports.build_export(wave, definition, k=min_group_size())
    if export.withheld:
        return Done(export.withheld, failed=True)
    body = exports.to_csv(export) if fmt == "csv" else exports.to_xlsx(export)
    name = job_files.store_result(job_id, fmt, body)
    rows = len(export.rows)
    begin_write()
    job = db.session.get(Job, job_id)
    assert job is not None
    job.params = {
        **job.params,
        "download": name,
        "rows": rows,
        "filename": exports.filename(wave, fmt),
        "mimetype": "text/csv" if fmt == "csv" else exports.XLSX_MEDIA_TYPE,
        "access": "write",
    }
    jobs.add_counts(job_id, succeeded=1)
    audit.record(
        user_id=job.created_by,
        action="responses.export",
        target_type="wave",
        target_id=wave.id,
        initiative_id=wave.initiative_id,
        detail={"format": fmt, "rows": rows, "background": True},
    )
    db.session.commit()
    return Done(f"{rows:,} rows ready to download until {job_files.kept_until(utc_now())} UTC.")


def recent_exports(wave: Wave, user: User, *, limit: int = 5) -> list[Job]:
    """The user's own exports of this wave, newest first (an export is for the person who asked)."""
    return list(
        db.session.scalars(
            select(Job)
            .where(Job.wave_id == wave.id, Job.kind == EXPORT_KIND, Job.created_by == user.id)
            .order_by(Job.id.desc())
            .limit(limit)
        )
    )
