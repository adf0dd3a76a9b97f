"""Shared steps of the webhook tests: an endpoint for the receiver, deliveries as the database holds them."""

from __future__ import annotations

from sqlalchemy import select

from adkar.extensions import db
from adkar.webhooks import services
from adkar.webhooks.models import WebhookDelivery, WebhookEndpoint


def endpoint_for(receiver, admin, **fields) -> WebhookEndpoint:
    endpoint, secret = services.create_endpoint(actor=admin, url=receiver.url, **fields)
    receiver.secret = secret
    return endpoint


def deliveries(event_type: str | None = None) -> list[WebhookDelivery]:
    db.session.rollback()  # a fresh snapshot
    query = select(WebhookDelivery).order_by(WebhookDelivery.id)
    if event_type:
        query = query.where(WebhookDelivery.event_type == event_type)
    return list(db.session.scalars(query))
