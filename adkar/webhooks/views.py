"""Admin pages under /admin/webhooks: endpoints, their secrets (shown once), test events and delivery logs."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from ..access import role_required
from ..deletion import confirm_delete
from ..extensions import db
from ..forms import EmptyForm, save_form
from ..plan.models import Initiative
from ..timeutil import utc_now
from . import bp, services
from .delivery import deliver_now
from .event_types import EVENT_TYPES
from .forms import EndpointForm
from .models import WebhookDelivery, WebhookEndpoint


def _form(form: EndpointForm | None = None) -> EndpointForm:
    form = form or EndpointForm()
    form.set_initiatives(db.session.scalars(select(Initiative).order_by(Initiative.name, Initiative.id)))
    return form


def _show(endpoint: WebhookEndpoint, *, secret: str | None = None, status: int = 200):
    page = render_template(
        "webhooks/show.html",
        endpoint=endpoint,
        deliveries=services.delivery_log(endpoint),
        secret=secret,
        event_types=EVENT_TYPES,
        form=EmptyForm(),
    )
    return page, status


@bp.get("/admin/webhooks")
@role_required("admin")
def index():
    return render_template("webhooks/index.html", endpoints=services.endpoints(), event_types=EVENT_TYPES)


@bp.route("/admin/webhooks/new", methods=["GET", "POST"])
@role_required("admin")
def new():
    form = _form()
    created = save_form(form, lambda: services.create_endpoint(actor=current_user, **form.fields()))
    if created:
        endpoint, secret = created
        # Rendered, not redirected: the secret must never travel through the session or a URL.
        return _show(endpoint, secret=secret, status=201)
    status = 400 if request.method == "POST" else 200
    return render_template("webhooks/form.html", form=form, endpoint=None), status


@bp.get("/admin/webhooks/<int:endpoint_id>")
@role_required("admin")
def show(endpoint_id: int):
    return _show(db.get_or_404(WebhookEndpoint, endpoint_id))


@bp.route("/admin/webhooks/<int:endpoint_id>/edit", methods=["GET", "POST"])
@role_required("admin")
def edit(endpoint_id: int):
    endpoint = db.get_or_404(WebhookEndpoint, endpoint_id)
    form = _form(EndpointForm(obj=endpoint))
    if save_form(
        form, lambda: services.update_endpoint(endpoint=endpoint, actor=current_user, **form.fields())
    ):
        flash("The endpoint is saved.", "success")
        return redirect(url_for("webhooks.show", endpoint_id=endpoint.id))
    status = 400 if request.method == "POST" else 200
    return render_template("webhooks/form.html", form=form, endpoint=endpoint), status


@bp.post("/admin/webhooks/<int:endpoint_id>/enabled")
@role_required("admin")
def toggle(endpoint_id: int):
    endpoint = db.get_or_404(WebhookEndpoint, endpoint_id)
    if EmptyForm().validate_on_submit():
        services.set_enabled(endpoint=endpoint, enabled=not endpoint.enabled, actor=current_user)
        flash("The endpoint is enabled." if endpoint.enabled else "The endpoint is disabled.", "success")
    return redirect(url_for("webhooks.show", endpoint_id=endpoint.id))


@bp.post("/admin/webhooks/<int:endpoint_id>/secret")
@role_required("admin")
def rotate(endpoint_id: int):
    endpoint = db.get_or_404(WebhookEndpoint, endpoint_id)
    if not EmptyForm().validate_on_submit():
        return redirect(url_for("webhooks.show", endpoint_id=endpoint.id))
    secret = services.rotate_secret(endpoint=endpoint, actor=current_user)
    return _show(endpoint, secret=secret)


@bp.route("/admin/webhooks/<int:endpoint_id>/delete", methods=["GET", "POST"])
@role_required("admin")
def delete(endpoint_id: int):
    endpoint = db.get_or_404(WebhookEndpoint, endpoint_id)
    back = url_for("webhooks.show", endpoint_id=endpoint.id)
    return confirm_delete(
        "webhooks/confirm_delete.html",
        delete=lambda: services.delete_endpoint(endpoint=endpoint, actor=current_user),
        done="The endpoint is deleted.",
        then=url_for("webhooks.index"),
        what=f"the endpoint {endpoint.url}",
        consequence="Its delivery log is deleted with it; events are no longer sent there.",
        action=url_for("webhooks.delete", endpoint_id=endpoint.id),
        cancel=back,
    )


@bp.post("/admin/webhooks/<int:endpoint_id>/test")
@role_required("admin")
def send_test(endpoint_id: int):
    endpoint = db.get_or_404(WebhookEndpoint, endpoint_id)
    if EmptyForm().validate_on_submit():
        delivery = services.queue_test_event(endpoint=endpoint, actor=current_user)
        _attempt(delivery.id)
    return redirect(url_for("webhooks.show", endpoint_id=endpoint.id))


@bp.post("/admin/webhook-deliveries/<int:delivery_id>/retry")
@role_required("admin")
def retry(delivery_id: int):
    delivery = db.get_or_404(WebhookDelivery, delivery_id)
    endpoint_id = delivery.endpoint_id
    if EmptyForm().validate_on_submit():
        if services.retry(delivery=delivery, actor=current_user):
            _attempt(delivery_id)
        else:
            flash("Only a failed delivery can be retried.", "error")
    return redirect(url_for("webhooks.show", endpoint_id=endpoint_id))


def _attempt(delivery_id: int) -> None:
    """Send at once and say how it went (the log shows the details)."""
    deliver_now(delivery_id=delivery_id, now=utc_now())
    delivery = db.session.get(WebhookDelivery, delivery_id)
    if delivery is not None and delivery.status == "delivered":
        flash(f"Delivered: the endpoint answered {delivery.last_status_code}.", "success")
    elif delivery is not None:
        flash(f"Not delivered: {delivery.last_error or 'no answer'}.", "error")
