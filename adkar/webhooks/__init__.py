"""Outbound webhooks: signed (Standard Webhooks) notices of waves, gates, imports and jobs, retried with backoff."""

from flask import Blueprint, Flask

bp = Blueprint("webhooks", __name__)


def init_app(app: Flask) -> None:
    """Store a delivery for every announced event (adkar.events) that an enabled endpoint subscribes to."""
    from . import cli, subscriptions

    subscriptions.connect()
    cli.init_app(app)
