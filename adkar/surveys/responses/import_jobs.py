"""Large response imports run on a worker: the upload is kept in a private file until the worker has checked
and stored it (all or nothing, as a direct import), then deleted; the import page shows the outcome and every
problem by row and column.

Files over ADKAR_IMPORT_BACKGROUND_BYTES (1 MB, about 2,000 rows with comments) go this way, so no request holds
a web worker for the seconds a 10,000-row file takes to check and publish.
"""

from __future__ import annotations

import secrets

from flask import current_app
from sqlalchemy import select

from ...accounts.models import User
from ...database import begin_write
from ...extensions import db
from ...jobs import services as jobs
from ...jobs.models import Job
from ...jobs.registry import Done, Lease, WaitUntil, handles
from ...validation import ValidationFailed
from ..definitions import registry
from ..models import Wave
from . import imports
from .file_import import FileMapping, import_file
from .job_files import uploads_dir, write_private
from .source_files import read_source

IMPORT_KIND = "responses.import"
DEFAULT_BACKGROUND_BYTES = 1_000_000
SHOWN_PROBLEMS = 100


def background_bytes() -> int:
    return int(current_app.config.get("IMPORT_BACKGROUND_BYTES") or DEFAULT_BACKGROUND_BYTES)


def queue_import(
    *,
    wave: Wave,
    group_id: int | None,
    data: bytes,
    actor: User,
    mapping: FileMapping | None = None,
    filename: str = "",
) -> int:
    """Keep the upload (mode 0600) and queue its import; problems with the group are refused at once.
    With a `mapping` the file is one of a survey tool's (source_files), read by the confirmed mapping."""
    if group_id is not None and (problems := imports.group_problems(wave, group_id)):
        raise ValidationFailed(problems)
    name = f"{secrets.token_hex(16)}.csv"
    write_private(uploads_dir() / name, data)
    params: dict = {"file": name, "group_id": group_id, "bytes": len(data)}
    if mapping is not None:
        params |= {"mapping": mapping.as_dict(), "filename": filename[-200:]}
    begin_write()
    job = jobs.create(
        kind=IMPORT_KIND,
        total=0,
        params=params,
        initiative_id=wave.initiative_id,
        wave_id=wave.id,
        created_by=actor.id,
    )
    job_id = job.id
    db.session.commit()
    jobs.start(job_id)
    return job_id


@handles(IMPORT_KIND)
def run_import(job_id: int, lease: Lease) -> Done | WaitUntil:
    job = db.session.get(Job, job_id)
    if job is None:
        return Done("The job is gone.", failed=True)
    path = uploads_dir() / str(job.params.get("file"))
    wave = db.session.get(Wave, job.wave_id) if job.wave_id else None
    definition = registry.get(wave.survey_key) if wave else None
    try:
        if wave is None or definition is None or not path.is_file() or job.created_by is None:
            return Done(
                "The wave, its survey, the uploaded file or the person who sent it is gone.", failed=True
            )
        group_id = job.params.get("group_id")
        try:
            if "mapping" in job.params:
                table = read_source(path.read_bytes(), str(job.params.get("filename") or ""))
                begin_write()  # the page shows how many rows are being checked while the worker checks them
                jobs.add_counts(job_id, total=len(table.rows))
                db.session.commit()
                count = import_file(
                    wave=wave,
                    defn=definition,
                    table=table,
                    mapping=FileMapping.from_dict(job.params["mapping"]),
                    actor_id=job.created_by,
                    source=table.kind,
                )
            else:
                rows = imports.rows_from_csv(definition, path.read_bytes())
                count = imports.import_rows(
                    wave=wave, group_id=int(group_id or 0), rows=rows, actor_id=job.created_by, source="csv"
                )
        except ValidationFailed as exc:
            db.session.rollback()
            _record_problems(job_id, exc)
            shown = len(exc.problems)
            return Done(
                f"Nothing was imported: {shown:,} problem{'s' if shown != 1 else ''} in the file.",
                failed=True,
            )
        begin_write()
        jobs.add_counts(job_id, total=0 if "mapping" in job.params else count, succeeded=count)
        db.session.commit()
        held = imports.held_imports(wave, int(group_id)) if group_id else 0
        note = f" {held:,} held until the group has k imported answers." if held else ""
        return Done(f"Imported {count:,} response{'s' if count != 1 else ''}.{note}")
    finally:
        path.unlink(missing_ok=True)  # the upload never outlives its import


def _record_problems(job_id: int, exc: ValidationFailed) -> None:
    begin_write()
    job = db.session.get(Job, job_id)
    assert job is not None
    job.params = {
        **job.params,
        "problems": [p.as_dict() for p in exc.problems[:SHOWN_PROBLEMS]],
        "more_problems": max(0, len(exc.problems) - SHOWN_PROBLEMS),
    }
    db.session.commit()


def recent_imports(wave: Wave, user: User, *, limit: int = 5) -> list[Job]:
    return list(
        db.session.scalars(
            select(Job)
            .where(Job.wave_id == wave.id, Job.kind == IMPORT_KIND, Job.created_by == user.id)
            .order_by(Job.id.desc())
            .limit(limit)
        )
    )
