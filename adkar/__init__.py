"""adkar: readiness tracking for technology rollouts with the ADKAR model."""

from __future__ import annotations

import os

from flask import Flask

from . import config
from .resources import resource_dir


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder=str(resource_dir("templates")),
        static_folder=str(resource_dir("static")),
    )
    config.load(app, test_config)
    os.makedirs(app.instance_path, exist_ok=True)
    _trust_proxies(app)

    from . import cli, database, errors, log_redaction, migrate, security, sessions, templating
    from .accounts import auth, oidc
    from .alerts import cli as alerts_cli
    from .extensions import csrf, db, limiter, login_manager
    from .jobs import queue as jobs_queue
    from .surveys.definitions import registry
    from .webhooks import init_app as init_webhooks

    log_redaction.init_app(app)
    sessions.init_app(app)
    db.init_app(app)
    database.init_app(app)
    migrate.init_app(app)
    csrf.init_app(app)
    login_manager.init_app(app)
    limiter.init_app(app)
    auth.init_app(app)
    oidc.init_app(app)
    registry.init_app(app)
    security.init_app(app)
    templating.init_app(app)
    errors.init_app(app)
    cli.init_app(app)
    jobs_queue.init_app(app)
    alerts_cli.init_app(app)
    init_webhooks(app)
    _register_blueprints(app)
    return app


def _trust_proxies(app: Flask) -> None:
    """Behind N reverse proxies (ADKAR_PROXY_FIX=N), take scheme, host and client address from them."""
    hops = int(app.config["PROXY_FIX"])
    if hops > 0:
        from werkzeug.middleware.proxy_fix import ProxyFix

        # Flask documents wrapping its WSGI callable this way; mypy sees a method being replaced.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]


def _import_route_modules() -> None:
    """Each blueprint is defined in its package's __init__.py and has its routes in the package's view
    modules; importing the modules registers the routes, before the blueprints are."""
    from .actions import exports, library_views, resistance_views, views  # noqa: F401
    from .plan import group_views, milestone_views  # noqa: F401
    from .plan import views as plan_views  # noqa: F401
    from .plan.roster import views as roster_views  # noqa: F401

    # isort: split
    # After plan's own modules (dashboard.views imports plan.views), so the plan routes keep their order.
    from .accounts import sso_views  # noqa: F401
    from .accounts import views as accounts_views  # noqa: F401
    from .adoption import views as adoption_views  # noqa: F401
    from .alerts import schedule as alerts_schedule  # noqa: F401 - registers the periodic alerts
    from .alerts import views as alerts_views  # noqa: F401
    from .audit import views as audit_views  # noqa: F401
    from .changes import views as changes_views  # noqa: F401
    from .dashboard import views as dashboard_views  # noqa: F401
    from .governance import views as governance_views  # noqa: F401
    from .kpis import benefit_views, io_views  # noqa: F401
    from .kpis import views as kpi_views  # noqa: F401
    from .portfolio import views as portfolio_views  # noqa: F401
    from .surveys.invitations import (
        delivery,  # noqa: F401 - registers the e-mail job handlers
        schedule,  # noqa: F401 - registers the scheduled reminders
    )
    from .surveys.respond import views as respond_views  # noqa: F401
    from .surveys.responses import views as responses_views  # noqa: F401
    from .surveys.waves import series_views  # noqa: F401 - also registers the series' minute sweep
    from .surveys.waves import views as waves_views  # noqa: F401
    from .webhooks import schedule as webhooks_schedule  # noqa: F401 - registers the minute's webhooks
    from .webhooks import views as webhooks_views  # noqa: F401


def _register_blueprints(app: Flask) -> None:
    _import_route_modules()
    from .accounts import bp as accounts_bp
    from .accounts.scim_views import bp as scim_bp
    from .actions import bp as actions_bp
    from .adoption import bp as adoption_bp
    from .alerts import bp as alerts_bp
    from .api import bp as api_bp
    from .audit import bp as audit_bp
    from .changes import bp as change_records_bp
    from .dashboard import bp as dashboard_bp
    from .governance import bp as governance_bp
    from .kpis import bp as kpis_bp
    from .plan import bp as plan_bp
    from .portfolio import bp as portfolio_bp
    from .surveys.respond import bp as respond_bp
    from .surveys.responses import bp as responses_bp
    from .surveys.waves import bp as waves_bp
    from .vendor import bp as vendor_bp
    from .webhooks import bp as webhooks_bp

    app.register_blueprint(accounts_bp)
    app.register_blueprint(alerts_bp)
    app.register_blueprint(plan_bp)
    app.register_blueprint(waves_bp)
    app.register_blueprint(respond_bp)
    app.register_blueprint(responses_bp)
    app.register_blueprint(dashboard_bp)
    app.register_blueprint(audit_bp)
    app.register_blueprint(actions_bp)
    app.register_blueprint(adoption_bp)
    app.register_blueprint(change_records_bp)
    app.register_blueprint(governance_bp)
    app.register_blueprint(kpis_bp)
    app.register_blueprint(portfolio_bp)
    app.register_blueprint(vendor_bp)
    app.register_blueprint(webhooks_bp)
    app.register_blueprint(api_bp, url_prefix="/api/v1")
    app.register_blueprint(scim_bp, url_prefix="/scim/v2")
