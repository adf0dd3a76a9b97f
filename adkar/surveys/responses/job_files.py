"""Where background imports, exports and reports keep their files: ADKAR_EXPORTS_DIR (else `exports/` in the
instance folder), readable by the app's user only, written once under unguessable names.

A finished job that made a file for download names it in its params (`download`, with `filename` and `mimetype` for the
download, and `access`: "write" for response data, "read" for what every reader of the initiative sees). The
file is for the person who asked and is deleted a day after it was made; the job stays, saying so.
"""

from __future__ import annotations

import os
import secrets
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import BinaryIO

from flask import current_app
from sqlalchemy import select

from ...database import begin_write
from ...extensions import db
from ...jobs.models import Job
from ...jobs.registry import every_minute

KEPT = timedelta(hours=24)


def exports_dir() -> Path:
    configured = current_app.config.get("EXPORTS_DIR")
    folder = Path(configured) if configured else Path(current_app.instance_path) / "exports"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def uploads_dir() -> Path:
    """Uploads waiting for their import; each is deleted when its job ends."""
    folder = exports_dir() / "uploads"
    folder.mkdir(mode=0o700, exist_ok=True)
    return folder


def write_private(path: Path, data: bytes) -> None:
    """A new file (never an existing one), mode 0600."""
    with open_private(path) as handle:
        handle.write(data)


def open_private(path: Path) -> BinaryIO:
    """A new file (never an existing one), mode 0600, open for writing, for exports streamed row by row."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    return os.fdopen(descriptor, "wb")


def new_name(job_id: int, suffix: str) -> str:
    """An unguessable name for a job's file, to keep in the job's params."""
    return f"{job_id}-{secrets.token_hex(12)}.{suffix}"


def store_result(job_id: int, suffix: str, data: bytes) -> str:
    """Write a job's file under a new name; returns the name to keep in the job's params."""
    name = new_name(job_id, suffix)
    write_private(exports_dir() / name, data)
    return name


def job_file(job: Job) -> Path | None:
    """The file a finished job made, while it is kept."""
    name = (job.params or {}).get("download")
    if job.status != "done" or not name:
        return None
    path = exports_dir() / str(name)
    return path if path.is_file() else None


def kept_until(finished_at: datetime) -> str:
    return (finished_at + KEPT).strftime("%Y-%m-%d %H:%M")


@every_minute("job-file-cleanup")
def remove_expired(now: datetime) -> int:
    """Delete the files of jobs that finished more than a day ago; the job stays, saying the file is gone."""
    removed = 0
    finished = db.session.scalars(
        select(Job).where(Job.status == "done", Job.finished_at < now - KEPT).order_by(Job.id)
    ).all()
    for job in finished:
        name = (job.params or {}).get("download")
        if not name:
            continue
        (exports_dir() / str(name)).unlink(missing_ok=True)
        begin_write()
        job.params = {**job.params, "download": None}
        job.message = "The file was deleted a day after it was made; prepare it again."
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
