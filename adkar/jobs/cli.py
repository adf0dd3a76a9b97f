"""`flask --app adkar worker`: run jobs and the minute's periodic work until stopped (Ctrl-C, SIGTERM)."""

from __future__ import annotations

import logging

import click
from flask import current_app
from flask.cli import with_appcontext

from . import runner
from .queue import IMMEDIATE, queue


@click.command("worker")
@click.option("--threads", default=2, show_default=True, help="Jobs run at once in this process.")
@with_appcontext
def worker(threads: int) -> None:
    """Run background jobs: e-mail batches, schedules, alerts, webhooks. Start one per host or more."""
    if str(current_app.config.get("QUEUE_URL") or "") == IMMEDIATE:
        raise click.ClickException(
            "ADKAR_QUEUE_URL=immediate runs jobs in the web process; no worker needed."
        )
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    consumer = queue().huey.create_consumer(workers=threads, worker_type="thread", periodic=True)
    click.echo(f"adkar worker: {threads} threads on {type(queue().huey).__name__}; Ctrl-C stops.")
    runner.minute()  # at once: jobs a stopped worker left, or whose queue message was lost, go on now
    consumer.run()
