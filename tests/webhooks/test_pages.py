"""The admin pages: an endpoint's secret shown once and stored encrypted, its settings, test events, the
delivery log and retrying a failed delivery; and the CLI."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select, text

from adkar.accounts.models import User
from adkar.audit.models import AuditEvent
from adkar.encryption import Undecryptable, decrypt
from adkar.extensions import db
from adkar.webhooks import services
from adkar.webhooks.models import WebhookDelivery, WebhookEndpoint
from adkar.webhooks.signing import PURPOSE, open_secret

from ..accounts.helpers import add_user, signed_in

SECRET = re.compile(r"whsec_[A-Za-z0-9+/=]{44}")


@pytest.fixture
def admin_client(app):
    admin = add_user(app, "admin")
    return signed_in(app, admin.email)


def create(admin_client, url: str, **fields):
    data = {"url": url, "description": "CRM", "initiative_id": "", "enabled": "y", **fields}
    return admin_client.post("/admin/webhooks/new", data=data)


def stored(app) -> list[WebhookEndpoint]:
    with app.app_context():
        return list(db.session.scalars(select(WebhookEndpoint)))


def test_the_secret_is_shown_once_and_stored_only_encrypted(app, admin_client, receiver):
    response = create(admin_client, receiver.url, event_types=["wave.opened", "job.finished"])
    assert response.status_code == 201
    [secret] = SECRET.findall(response.get_data(as_text=True))
    [endpoint] = stored(app)
    assert endpoint.event_types == ["wave.opened", "job.finished"] and endpoint.enabled
    page = admin_client.get(f"/admin/webhooks/{endpoint.id}").get_data(as_text=True)
    assert secret not in page and not SECRET.search(page)

    with app.app_context():
        rows = db.session.execute(text("SELECT * FROM webhook_endpoints")).all()
        audit_rows = db.session.execute(text("SELECT * FROM audit_events")).all()
        assert secret not in repr(rows) and secret[6:] not in repr(rows)
        assert secret not in repr(audit_rows) and secret[6:] not in repr(audit_rows)
        assert open_secret(endpoint.secret_encrypted) == secret
        app.config["SECRET_KEY"] = "another key"
        with pytest.raises(Undecryptable):
            decrypt(endpoint.secret_encrypted, purpose=PURPOSE)
        app.config["SECRET_KEY_FALLBACKS"] = ["test-secret"]  # a rotation keeps the old key as a fallback
        assert open_secret(endpoint.secret_encrypted) == secret
        with pytest.raises(Undecryptable):  # the key is bound to its purpose
            decrypt(endpoint.secret_encrypted, purpose="something else")


def test_a_bad_endpoint_is_refused_with_its_reasons(app, admin_client):
    response = create(admin_client, "ftp://hooks.example.com/x", event_types=["nope"], initiative_id="999")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Not a valid choice" in page or "not a valid choice" in page
    assert stored(app) == []
    response = create(admin_client, "ftp://hooks.example.com/x")
    assert response.status_code == 400 and "must start with https://" in response.get_data(as_text=True)
    assert stored(app) == []


def test_edit_disable_rotate_test_retry_and_delete(app, admin_client, receiver):
    secret = SECRET.findall(create(admin_client, receiver.url).get_data(as_text=True))[0]
    receiver.secret = secret
    [endpoint] = stored(app)
    base = f"/admin/webhooks/{endpoint.id}"

    assert admin_client.get(f"{base}/edit").status_code == 200
    saved = admin_client.post(
        f"{base}/edit", data={"url": receiver.url, "description": "Renamed", "event_types": ["job.finished"]}
    )
    assert saved.status_code == 302
    [endpoint] = stored(app)
    assert (endpoint.description, endpoint.event_types, endpoint.enabled) == (
        "Renamed",
        ["job.finished"],
        False,
    )
    assert admin_client.post(f"{base}/enabled").status_code == 302
    assert stored(app)[0].enabled is True

    tested = admin_client.post(f"{base}/test", follow_redirects=True)
    assert "Delivered: the endpoint answered 200." in tested.get_data(as_text=True)
    assert receiver.received[-1].verified["type"] == "webhook.test"

    rotated = admin_client.post(f"{base}/secret")
    assert rotated.status_code == 200
    [new_secret] = SECRET.findall(rotated.get_data(as_text=True))
    assert new_secret != secret
    receiver.statuses = [500] * 7
    admin_client.post(f"{base}/test")
    assert receiver.received[-1].error == "No matching signature found"  # still the old secret
    receiver.secret = new_secret
    with app.app_context():
        failed = db.session.scalars(select(WebhookDelivery).order_by(WebhookDelivery.id.desc())).first()
        failed.status, delivery_id = "failed", failed.id
        db.session.commit()
    log = admin_client.get(base).get_data(as_text=True)
    assert "HTTP 500 Internal Server Error" in log and "Retry now" in log
    receiver.statuses = []
    retried = admin_client.post(f"/admin/webhook-deliveries/{delivery_id}/retry", follow_redirects=True)
    assert "Delivered" in retried.get_data(as_text=True)
    assert receiver.received[-1].verified is not None

    assert admin_client.get(f"{base}/delete").status_code == 200
    assert admin_client.post(f"{base}/delete").status_code == 302
    assert stored(app) == []
    with app.app_context():
        assert db.session.scalars(select(WebhookDelivery)).all() == []
        events = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))
        actions = [e.action for e in events if e.action.startswith("webhook.")]
    assert actions == [
        "webhook.create",
        "webhook.update",
        "webhook.enable",
        "webhook.test",
        "webhook.rotate_secret",
        "webhook.test",
        "webhook.retry",
        "webhook.delete",
    ]


def test_only_admins_open_the_pages(app):
    practitioner = add_user(app, "practitioner")
    assert signed_in(app, practitioner.email).get("/admin/webhooks").status_code == 403


def test_the_cli_sweeps_and_delivers(app, runner, receiver):
    admin = add_user(app, "admin")
    with app.app_context():
        user = db.session.get(User, admin.id)
        endpoint, receiver.secret = services.create_endpoint(actor=user, url=receiver.url)
        services.queue_test_event(endpoint=endpoint, actor=user)
    result = runner.invoke(args=["webhooks", "deliver"])
    assert result.exit_code == 0, result.output
    assert "attempted 1 deliveries" in result.output
    assert receiver.received[0].verified is not None
