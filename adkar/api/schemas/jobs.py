"""Declarations of background jobs (an e-mail batch and its progress)."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from ...jobs.models import STATUSES
from ..fields import OneOf
from .base import Answer
from .common import Count, Id, Moment, Url


class JobCounts(Answer):
    """Items of the job: sent (done), pending (not yet, or waiting to be tried again), failed (final)."""

    total: Count
    sent: Count
    pending: Count
    failed: Count


class Job(Answer):
    """A background job. `waiting` means what is left is due later (a retry after a mail server fault, or a
    wave's opening day); `done` and `failed` are final."""

    id: Id
    kind: str
    status: Annotated[str, OneOf(STATUSES)]
    counts: JobCounts
    message: str
    created_at: Moment
    finished_at: Moment | None
    next_run_at: Moment | None = Field(description="When a waiting job runs again.")
    url: Url
