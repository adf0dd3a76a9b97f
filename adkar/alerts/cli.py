"""`flask alerts send`: evaluate the alert rules and mail what is due, once (the job queue does it on a timer)."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from ..timeutil import utc_now

alerts_cli = AppGroup("alerts", help="E-mail alerts and weekly digests.")


@alerts_cli.command("send")
def send() -> None:
    """Mail every alert that is due now to the people who want it."""
    from .services import send_due_alerts

    sent = send_due_alerts(now=utc_now())
    click.echo(f"Sent {sent} alert{'s' if sent != 1 else ''}.")


def init_app(app: Flask) -> None:
    app.cli.add_command(alerts_cli)
