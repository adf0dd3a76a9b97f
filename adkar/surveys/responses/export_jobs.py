"""Exports of large waves built on a worker: the request queues a job, the worker writes the file (the same
anonymous rows as a direct download, adkar.surveys.responses.exports), the person who asked downloads it from
the wave page for a day; then the file is deleted.

Waves with more responses than ADKAR_EXPORT_BACKGROUND_ROWS (20,000) are exported this way, so no request
holds a worker for the seconds a large XLSX takes. The worker streams the rows from a server-side cursor
straight into the file (exports.write_csv_file / write_xlsx_file), so its memory stays flat at any size.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

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
RENEW_EVERY_SECONDS = 20.0


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
    name = job_files.new_name(job_id, fmt)
    path = job_files.exports_dir() / name
    try:
        outcome = _stream_to_file(wave, definition, fmt, path, lease)
    except LeaseLost:
        return Done("Another worker took the export over.", failed=True)
    if isinstance(outcome, str):
        return Done(outcome, failed=True)
    rows = outcome
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


class LeaseLost(RuntimeError):
    """Another worker holds the job now: this one stops writing at once."""


def _stream_to_file(wave: Wave, definition, fmt: str, path: Path, lease: Lease) -> int | str:
    """Write the export row by row to `path` (via a `.part` file, renamed when whole); the rows written, or
    why there is no file. Responses changing meanwhile mean a fresh read, at most exports.ATTEMPTS times."""
    partial = path.with_name(path.name + ".part")
    heartbeat = _heartbeat(lease)
    write = exports.write_csv_file if fmt == "csv" else exports.write_xlsx_file
    for _attempt in range(exports.ATTEMPTS):
        export = exports.plan_export(wave, definition, k=min_group_size())
        if export.withheld:
            return export.withheld
        db.session.rollback()  # the plan is read; no transaction stays open through the long write
        try:
            with job_files.open_private(partial) as handle:
                rows = write(export, handle, heartbeat=heartbeat)
        except exports.ExportChanged:
            partial.unlink(missing_ok=True)
            continue
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        partial.rename(path)
        return rows
    return "The wave's responses kept changing while the export was read; prepare it again."


def _heartbeat(lease: Lease) -> Callable[[], None]:
    """Renew the job's lease at most every RENEW_EVERY while a long file is written."""
    last = time.monotonic()

    def beat() -> None:
        nonlocal last
        if time.monotonic() - last < RENEW_EVERY_SECONDS:
            return
        last = time.monotonic()
        if not lease.renew():
            raise LeaseLost()

    return beat


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
