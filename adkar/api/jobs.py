"""API endpoint: a background job's progress (an e-mail batch: sent, pending, failed)."""

from __future__ import annotations

from flask import abort, url_for

from ..jobs import services as jobs
from ..jobs.models import Job
from . import bp
from .crud import api_record
from .http import json_response
from .openapi import operation
from .schemas import jobs as schema
from .serialise import iso_datetime

TAG = "jobs"


def _initiative_of(job: Job) -> int:
    if job.initiative_id is None:
        abort(404)
    return job.initiative_id


def job_json(job: Job) -> dict:
    progress = jobs.progress(job)
    return {
        "id": progress.id,
        "kind": progress.kind,
        "status": progress.status,
        "counts": {
            "total": progress.total,
            "sent": progress.succeeded,
            "pending": progress.pending,
            "failed": progress.failed,
        },
        "message": progress.message,
        "created_at": iso_datetime(progress.created_at),
        "finished_at": iso_datetime(progress.finished_at) if progress.finished_at else None,
        "next_run_at": iso_datetime(progress.next_run_at) if progress.next_run_at else None,
        "url": url_for("api.get_job", job_id=progress.id),
    }


@bp.get("/jobs/<id:job_id>")
@operation(summary="A background job's status and counts", tag=TAG, responses={200: schema.Job})
def get_job(job_id: int):
    return json_response(job_json(api_record(Job, job_id, initiative_of=_initiative_of)))
