"""Exports of large waves built on a worker: the request queues a job, the worker writes the file (the same
anonymous rows as a direct download, adkar.surveys.responses.exports), the person who asked downloads it from
the wave page for a day; then the file is deleted.

Waves with more responses than ADKAR_EXPORT_BACKGROUND_ROWS (20,000) are exported this way, so no request
holds a worker for the seconds a large XLSX takes. The worker streams the rows from a server-side cursor
straight into the file (exports.write_csv_file / write_xlsx_file), so its memory stays flat at any size.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
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
from ...jobs.registry import Done, Lease, WaitUntil, every_minute, handles
from ...timeutil import utc_now
from ..definitions import registry
from ..models import Wave
from . import exports
from .job_files import exports_dir, open_private

EXPORT_KIND = "responses.export"
DEFAULT_BACKGROUND_ROWS = 20_000
KEPT = timedelta(hours=24)
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
    name = f"{job_id}-{secrets.token_hex(12)}.{fmt}"
    path = exports_dir() / name
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
    job.params = {**job.params, "file": name, "rows": rows, "filename": exports.filename(wave, fmt)}
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
    until = (utc_now() + KEPT).strftime("%Y-%m-%d %H:%M")
    return Done(f"{rows:,} rows ready to download until {until} UTC.")


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
            with open_private(partial) as handle:
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


def export_file(job: Job) -> Path | None:
    name = (job.params or {}).get("file")
    if job.kind != EXPORT_KIND or job.status != "done" or not name:
        return None
    path = exports_dir() / str(name)
    return path if path.is_file() else None


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


@every_minute("export-cleanup")
def remove_expired(now: datetime) -> int:
    """Delete export files older than a day; the job stays, saying the file is gone."""
    removed = 0
    expired = db.session.scalars(
        select(Job).where(Job.kind == EXPORT_KIND, Job.status == "done", Job.finished_at < now - KEPT)
    ).all()
    for job in expired:
        name = (job.params or {}).get("file")
        if not name:
            continue
        (exports_dir() / str(name)).unlink(missing_ok=True)
        begin_write()
        job.params = {**job.params, "file": None}
        job.message = "The file was deleted a day after it was made; prepare the export again."
        db.session.commit()
        removed += 1
    db.session.rollback()
    return removed + _remove_stale_parts(now)


def _remove_stale_parts(now: datetime) -> int:
    """Half-written files a killed worker left (`<name>.part`), once they are a day old."""
    removed = 0
    cutoff = (now - KEPT).replace(tzinfo=UTC).timestamp()  # `now` is naive UTC (timeutil.utc_now)
    for part in exports_dir().glob("*.part"):
        if part.stat().st_mtime < cutoff:
            part.unlink(missing_ok=True)
            removed += 1
    return removed
