"""Endpoints (create, change, enable, rotate the secret, delete), test events and retries: every rule checked
here, every change audited without the secret."""

from __future__ import annotations

from collections.abc import Sequence

from flask import current_app
from sqlalchemy import select

from ..accounts.models import User
from ..audit import services as audit
from ..database import begin_write
from ..extensions import db
from ..plan.models import Initiative
from ..timeutil import utc_now
from ..validation import Problem, ValidationFailed
from .event_types import EVENT_TYPES, TEST_EVENT
from .models import DESCRIPTION_MAX, FAILED, PENDING, URL_MAX, WebhookDelivery, WebhookEndpoint
from .signing import new_secret, seal_secret
from .subscriptions import body, new_event_id, queue
from .targets import url_problem

LOG_SIZE = 100  # deliveries shown per endpoint, newest first


def _clean(*, url: object, description: object, event_types: object, initiative_id: object) -> dict:
    problems: list[Problem] = []
    text = url.strip() if isinstance(url, str) else ""
    if not text:
        problems.append(Problem("Give the URL that receives the events.", field="url"))
    elif len(text) > URL_MAX:
        problems.append(Problem(f"At most {URL_MAX:,} characters.", field="url"))
    elif problem := url_problem(text, current_app.config):
        problems.append(Problem(problem, field="url"))
    note = description.strip() if isinstance(description, str) else ""
    if len(note) > DESCRIPTION_MAX:
        problems.append(Problem(f"At most {DESCRIPTION_MAX} characters.", field="description"))
    chosen = (
        list(event_types) if isinstance(event_types, Sequence) and not isinstance(event_types, str) else None
    )
    if chosen is None or any(t not in EVENT_TYPES for t in chosen):
        problems.append(Problem(f"Choose among: {', '.join(EVENT_TYPES)}.", field="event_types"))
        chosen = []
    if initiative_id is not None and (
        not isinstance(initiative_id, int) or db.session.get(Initiative, initiative_id) is None
    ):
        problems.append(Problem("Choose an initiative, or all initiatives.", field="initiative_id"))
    if problems:
        db.session.rollback()
        raise ValidationFailed(problems)
    ordered = [t for t in EVENT_TYPES if t in chosen]
    return {"url": text, "description": note, "event_types": ordered, "initiative_id": initiative_id}


def _audit(actor: User, action: str, endpoint: WebhookEndpoint, **detail) -> None:
    audit.record(
        user_id=actor.id,
        action=action,
        target_type="webhook_endpoint",
        target_id=endpoint.id,
        initiative_id=endpoint.initiative_id,
        detail=detail,
    )


def create_endpoint(
    *,
    actor: User,
    url: object,
    description: object = "",
    event_types: object = (),
    initiative_id: object = None,
    enabled: bool = True,
) -> tuple[WebhookEndpoint, str]:
    """(endpoint, its secret): the secret in the clear is returned this once and never stored."""
    fields = _clean(url=url, description=description, event_types=event_types, initiative_id=initiative_id)
    secret = new_secret()
    begin_write()
    endpoint = WebhookEndpoint(**fields, enabled=bool(enabled), secret_encrypted=seal_secret(secret))
    db.session.add(endpoint)
    db.session.flush()
    _audit(actor, "webhook.create", endpoint, url=fields["url"], event_types=fields["event_types"])
    db.session.commit()
    return endpoint, secret


def update_endpoint(
    *,
    endpoint: WebhookEndpoint,
    actor: User,
    url: object,
    description: object = "",
    event_types: object = (),
    initiative_id: object = None,
    enabled: bool = True,
) -> WebhookEndpoint:
    fields = _clean(url=url, description=description, event_types=event_types, initiative_id=initiative_id)
    begin_write()
    for name, value in fields.items():
        setattr(endpoint, name, value)
    endpoint.enabled = bool(enabled)
    _audit(actor, "webhook.update", endpoint, url=fields["url"], event_types=fields["event_types"])
    db.session.commit()
    return endpoint


def set_enabled(*, endpoint: WebhookEndpoint, enabled: bool, actor: User) -> None:
    begin_write()
    endpoint.enabled = enabled
    _audit(actor, "webhook.enable" if enabled else "webhook.disable", endpoint)
    db.session.commit()


def rotate_secret(*, endpoint: WebhookEndpoint, actor: User) -> str:
    """A new secret, returned this once; deliveries from now on are signed with it."""
    secret = new_secret()
    begin_write()
    endpoint.secret_encrypted = seal_secret(secret)
    endpoint.secret_rotated_at = utc_now()
    _audit(actor, "webhook.rotate_secret", endpoint)
    db.session.commit()
    return secret


def delete_endpoint(*, endpoint: WebhookEndpoint, actor: User) -> None:
    """The endpoint and its delivery log."""
    begin_write()
    _audit(actor, "webhook.delete", endpoint, url=endpoint.url)
    db.session.delete(endpoint)
    db.session.commit()


def queue_test_event(*, endpoint: WebhookEndpoint, actor: User) -> WebhookDelivery:
    """A `webhook.test` delivery for this endpoint alone, due now (enabled or not: it is asked for)."""
    begin_write()
    data = {"endpoint_id": endpoint.id, "message": "A test event from adkar."}
    delivery = queue(endpoint, TEST_EVENT, body(TEST_EVENT, data), new_event_id())
    _audit(actor, "webhook.test", endpoint)
    db.session.commit()
    return delivery


def retry(*, delivery: WebhookDelivery, actor: User) -> bool:
    """Make a failed delivery due now, for one more attempt; False when it is not failed."""
    if delivery.status != FAILED:
        return False
    begin_write()
    delivery.status, delivery.next_attempt_at = PENDING, utc_now()
    _audit(actor, "webhook.retry", delivery.endpoint, delivery_id=delivery.id, event_id=delivery.event_id)
    db.session.commit()
    return True


def endpoints() -> list[WebhookEndpoint]:
    return list(db.session.scalars(select(WebhookEndpoint).order_by(WebhookEndpoint.id)))


def delivery_log(endpoint: WebhookEndpoint) -> list[WebhookDelivery]:
    return list(
        db.session.scalars(
            select(WebhookDelivery)
            .where(WebhookDelivery.endpoint_id == endpoint.id)
            .order_by(WebhookDelivery.created_at.desc(), WebhookDelivery.id.desc())
            .limit(LOG_SIZE)
        )
    )
