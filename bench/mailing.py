"""E-mail at scale (issue 17): 10,000 invitations queued by one request, a worker sending against a bare
smtplib loop to the same local SMTP sink, and worker memory that does not grow with the batch.

- Queueing: POST /api/v1/waves/{id}/invitations with 10,000 recipients to the gunicorn app; goal < 2 s.
- Sending: the worker's handler (adkar.jobs.runner.run) on a job of SENT deliveries, in this process, against
  a floor of one smtplib connection sending messages of the same shape; goal >= 0.5x the floor's rate.
- Memory: the handler's peak Python allocation (tracemalloc) for a batch 4x larger stays within 1.5x.
"""

from __future__ import annotations

import json
import smtplib
import socket
import time
import tracemalloc
from collections.abc import Iterator
from contextlib import contextmanager
from email.message import EmailMessage

from aiosmtpd.controller import Controller

from adkar import create_app
from adkar.extensions import db
from adkar.jobs import runner
from adkar.jobs.models import Job
from adkar.surveys.invitations import sending
from adkar.surveys.models import Wave

from . import figures
from .context import Context
from .httpclient import Client, expect
from .progress import say
from .server import Server

QUEUED = 10_000
SENT = 2_000
SMALL, LARGE = 500, 2_000
QUEUE_GOAL_SECONDS = 2.0
RATE_GOAL = 0.5
MEMORY_GOAL = 1.5


class _Sink:
    """An SMTP server that accepts and counts (aiosmtpd), the same for the floor and the app."""

    def __init__(self) -> None:
        self.received = 0

    async def handle_DATA(self, server, session, envelope):
        self.received += 1
        return "250 OK"


@contextmanager
def smtp_sink() -> Iterator[tuple[_Sink, int]]:
    sink = _Sink()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield sink, port
    finally:
        controller.stop()


def _floor_rate(port: int, count: int, size: int) -> float:
    """Messages a second from a bare smtplib loop: one connection, a prepared text + HTML message each."""
    with smtplib.SMTP("127.0.0.1", port, timeout=30) as smtp:
        started = time.perf_counter()
        for i in range(count):
            message = EmailMessage()
            message["From"] = "adkar@bench.test"
            message["To"] = f"floor{i}@example.com"
            message["Subject"] = "Survey"
            message.set_content("x" * (size // 2))
            message.add_alternative("<p>" + "x" * (size // 2) + "</p>", subtype="html")
            smtp.send_message(message)
        return count / (time.perf_counter() - started)


def _queue_in_process(app, wave_id: int, group_id: int, user_id: int, count: int, tag: str) -> int:
    from adkar.accounts.models import User

    with app.test_request_context("/"), app.app_context():
        wave = db.session.get(Wave, wave_id)
        actor = db.session.get(User, user_id)
        queued = sending.queue_invitations(
            wave=wave,
            group_id=group_id,
            recipients=[sending.Recipient(f"{tag}{i}@example.com", f"Person {i}") for i in range(count)],
            actor=actor,
        )
        assert queued.job_id is not None
        return queued.job_id


def _run_job(app, job_id: int) -> float:
    with app.app_context():
        started = time.perf_counter()
        runner.run(job_id)
        seconds = time.perf_counter() - started
        job = db.session.get(Job, job_id)
        assert job is not None and job.status == "done" and job.failed == 0, (job.status, job.message)
        db.session.remove()
    return seconds


def _peak_bytes(app, job_id: int) -> int:
    tracemalloc.start()
    try:
        _run_job(app, job_id)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def run(ctx: Context, server: Server) -> None:
    wave_id = ctx.plan.submit_wave.id
    group_id = ctx.plan.scale_groups[0].id
    say(ctx.engine, f"e-mail: queueing {QUEUED:,} invitations in one request")
    recipients = [{"email": f"queued{i}@example.com", "name": f"Person {i}"} for i in range(QUEUED)]
    body = json.dumps({"group_id": group_id, "send": "email", "recipients": recipients}).encode()
    headers = {"Authorization": f"Bearer {ctx.plan.api_token}", "Content-Type": "application/json"}
    client = Client(server.port, headers=headers)
    started = time.perf_counter()
    expect(client.request("POST", f"/api/v1/waves/{wave_id}/invitations", body), 202, what="POST invitations")
    queue_seconds = time.perf_counter() - started
    client.close()
    ctx.add(
        figures.at_most(
            f"Queue {QUEUED:,} e-mail invitations (one API request)",
            ctx.engine,
            queue_seconds,
            1.0,
            "s",
            QUEUE_GOAL_SECONDS,
            note="validation, one delivery row each, the job; nothing is sent in the request",
        )
    )

    with smtp_sink() as (_sink, port):
        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": ctx.target.url,
                "SECRET_KEY": ctx.secret_key,
                "QUEUE_URL": f"sqlite:///{ctx.workdir / 'bench-queue.sqlite3'}",
                "SMTP_HOST": "127.0.0.1",
                "SMTP_PORT": port,
                "PUBLIC_URL": "https://adkar.bench.test",
            }
        )
        say(ctx.engine, f"e-mail: sending {SENT:,} from the worker's handler and from a bare smtplib loop")
        job_id = _queue_in_process(app, wave_id, group_id, ctx.plan.user_id, SENT, "rate")
        app_rate = SENT / _run_job(app, job_id)
        floor_rate = _floor_rate(port, SENT, size=3000)
        ctx.add(
            figures.at_least(
                f"Send {SENT:,} invitations (worker handler)",
                ctx.engine,
                app_rate,
                floor_rate,
                "msg/s",
                RATE_GOAL,
                note="floor: one smtplib connection sending prepared messages to the same sink",
            )
        )
        say(ctx.engine, f"e-mail: worker memory for {SMALL:,} and {LARGE:,} messages")
        small = _peak_bytes(app, _queue_in_process(app, wave_id, group_id, ctx.plan.user_id, SMALL, "small"))
        large = _peak_bytes(app, _queue_in_process(app, wave_id, group_id, ctx.plan.user_id, LARGE, "large"))
        ctx.add(
            figures.at_most(
                f"Worker peak memory, {LARGE:,} vs {SMALL:,} messages",
                ctx.engine,
                large / 1024,
                small / 1024,
                "KiB",
                MEMORY_GOAL,
                note="tracemalloc peak while the job runs; flat means it does not grow with the batch",
            )
        )
        with app.app_context():
            db.engine.dispose()
