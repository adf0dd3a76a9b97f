"""The app's Huey queue: an embedded SQLite file by default, Redis for several worker hosts.

ADKAR_QUEUE_URL: empty for `instance/queue.sqlite3` (make run, one host), `redis://host:6379/0` for
several hosts, `immediate` to run each job at once in the caller's thread (the test suite's default).
The queue only says "job N is due"; adkar.jobs.runner reads the job from the database.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app
from huey import Huey, RedisHuey, SqliteHuey, crontab
from huey.storage import SqliteStorage

IMMEDIATE = "immediate"


@dataclass
class Queue:
    huey: Huey
    run_task: Any
    wake_task: Any

    def enqueue(self, job_id: int, *, delay: float | None = None) -> None:
        if delay and delay > 0:
            self.run_task.schedule(args=(job_id,), delay=delay)
        else:
            self.run_task(job_id)

    def wake(self, name: str, *args: int | str) -> None:
        """Hand a registered wake-up (adkar.jobs.registry.wakes) its arguments; `immediate` runs it now."""
        self.wake_task(name, *args)


class _SqliteQueueStorage(SqliteStorage):
    """Huey's SQLite store in WAL mode with synchronous=NORMAL: a commit no longer waits for an fsync (4 ms
    on the benchmark machine, paid by the request that queues), and the file survives a crash intact. A
    message lost with a power cut costs a minute: the database, not the queue, says what is due."""

    def _create_connection(self):
        connection = super()._create_connection()
        connection.execute("pragma synchronous=NORMAL")
        return connection


def _make_huey(app: Flask) -> Huey:
    url = str(app.config.get("QUEUE_URL") or "").strip()
    name = str(app.config.get("QUEUE_NAME") or "adkar")
    if url == IMMEDIATE:
        return Huey(name, results=False, immediate=True)
    if url.startswith(("redis://", "rediss://", "unix://")):
        return RedisHuey(name, results=False, url=url)
    if url.startswith("sqlite:///"):
        filename = url.removeprefix("sqlite:///")
    elif url:
        raise ValueError(
            f"ADKAR_QUEUE_URL must be empty, redis://..., sqlite:///path or immediate, not {url!r}."
        )
    else:
        filename = os.path.join(app.instance_path, "queue.sqlite3")
    return SqliteHuey(name, results=False, filename=filename, storage_class=_SqliteQueueStorage)


def init_app(app: Flask) -> None:
    from . import runner

    huey = _make_huey(app)

    def run_job(job_id: int) -> None:
        with app.app_context():
            runner.run(job_id)

    def wake(name: str, *args: int | str) -> None:
        with app.app_context():
            runner.wake(name, *args)

    def every_minute() -> None:
        with app.app_context():
            runner.minute()

    run_task = huey.task(name="adkar.run_job")(run_job)
    wake_task = huey.task(name="adkar.wake")(wake)
    huey.periodic_task(crontab(minute="*"), name="adkar.every_minute")(every_minute)
    app.extensions["adkar.queue"] = Queue(huey=huey, run_task=run_task, wake_task=wake_task)


def queue() -> Queue:
    return current_app.extensions["adkar.queue"]
