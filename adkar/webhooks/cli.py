"""`flask webhooks deliver`: one sweep and one round of deliveries, for cron set-ups without the job queue;
`flask webhooks reencrypt`: move every signing secret to the current SECRET_KEY after rotating it."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup
from sqlalchemy import select

from ..database import begin_write
from ..encryption import reencrypt
from ..extensions import db
from ..timeutil import today, utc_now
from .delivery import deliver_due
from .models import WebhookEndpoint
from .signing import PURPOSE
from .sweep import sweep_events

group = AppGroup("webhooks", help="Outbound webhooks.")


@group.command("deliver")
@click.option("--limit", default=100, show_default=True, help="At most this many deliveries.")
def deliver(limit: int) -> None:
    """Announce what came due (waves, gates), then send every due delivery once."""
    announced = sweep_events(today=today())
    attempted = deliver_due(now=utc_now(), limit=limit)
    click.echo(f"Announced {announced} events; attempted {attempted} deliveries.")


@group.command("reencrypt")
def reencrypt_secrets() -> None:
    """Re-encrypt signing secrets under SECRET_KEY (old keys stay in SECRET_KEY_FALLBACKS until this ran)."""
    begin_write()
    endpoints = db.session.scalars(select(WebhookEndpoint)).all()
    for endpoint in endpoints:
        endpoint.secret_encrypted = reencrypt(endpoint.secret_encrypted, purpose=PURPOSE)
    db.session.commit()
    click.echo(f"Re-encrypted {len(endpoints)} signing secrets.")


def init_app(app: Flask) -> None:
    app.cli.add_command(group)
