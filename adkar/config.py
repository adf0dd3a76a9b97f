"""Configuration: safe defaults, then ADKAR_* environment variables (and DATABASE_URL)."""

from __future__ import annotations

import os

from flask import current_app

DEFAULT_SECRET_KEY = "dev-only-not-secret"  # noqa: S105 - refused in production by check_config


class ConfigError(RuntimeError):
    """Raised at start-up when the configuration would be unsafe or meaningless."""


def defaults(instance_path: str) -> dict:
    return {
        "ENV": "development",
        "SECRET_KEY": DEFAULT_SECRET_KEY,
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{os.path.join(instance_path, 'adkar.sqlite3')}",
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "SQLITE_BUSY_TIMEOUT_MS": 15000,
        "MIN_GROUP_SIZE": 5,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "WTF_CSRF_TIME_LIMIT": None,
        # Referrer-Policy is no-referrer (tokens travel in URLs), so the Referer check cannot work over
        # HTTPS; the CSRF token and SameSite cookies protect the forms.
        "WTF_CSRF_SSL_STRICT": False,
        "PROXY_FIX": 0,  # number of reverse proxies in front of the app whose X-Forwarded-* to trust
        "MAX_CONTENT_LENGTH": 8 * 1024 * 1024,
        "RATELIMIT_STORAGE_URI": "memory://",
        "RATELIMIT_HEADERS_ENABLED": True,
        "LOGIN_RATE_LIMIT": "10 per minute; 50 per hour",
        "TOKEN_RATE_LIMIT": "30 per minute",
        "API_RATE_LIMIT": "600 per minute",
        "API_AUTH_FAILURE_LIMIT": "20 per minute; 100 per hour",
        # Open-link answers stored per address: above an office answering together (surveys.respond.limits).
        "OPEN_LINK_RATE_LIMIT": "1000 per hour",
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": 25,
        "SMTP_USERNAME": None,
        "SMTP_PASSWORD": None,
        "SMTP_STARTTLS": False,
        "SMTP_SENDER": "adkar@localhost",
        "PUBLIC_URL": None,
        "SURVEYS_DIR": None,
        # Empty: an embedded SQLite queue in the instance folder; redis://... for several worker hosts.
        "QUEUE_URL": "",
        "MAIL_CHUNK": 20,
        "SIGN_OFF_LINK_DAYS": 14,  # how long an e-mailed sign-off decision link works (adkar.governance.links)
        "EXPORT_BACKGROUND_ROWS": 20000,  # waves with more responses are exported by a worker
        "IMPORT_BACKGROUND_BYTES": 1_000_000,  # response CSV uploads larger than this are imported by a worker
        "REPORT_BACKGROUND_CELLS": 1000,  # initiatives with more groups x waves get their HTML report from a worker
        # Outbound webhooks (adkar.webhooks): seconds to wait for a receiver; http:// outside DEBUG/TESTING;
        # private, loopback and reserved addresses as targets (SSRF defence: off unless set).
        "WEBHOOKS_TIMEOUT_SECONDS": 5,
        "WEBHOOKS_ALLOW_HTTP": False,
        "WEBHOOKS_ALLOW_PRIVATE_TARGETS": False,
        # Inbound ITSM sync (adkar.changes.inbound): the secret ServiceNow and Jira send; empty: the endpoints
        # answer 404.
        "ITSM_SHARED_SECRET": "",
    }


def load(app, test_config: dict | None) -> None:
    """Fill app.config: defaults, environment, then the test override."""
    app.config.update(defaults(app.instance_path))
    app.config.from_prefixed_env("ADKAR")
    if os.environ.get("DATABASE_URL"):
        app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["DATABASE_URL"]
    if test_config:
        app.config.update(test_config)
    # Never a statement's values in a log line or an error's text: applied after every override.
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {
        **(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {}),
        "hide_parameters": True,
    }
    app.config["SESSION_COOKIE_SECURE"] = app.config["ENV"] != "development" and not app.testing
    app.config["REMEMBER_COOKIE_SECURE"] = app.config["SESSION_COOKIE_SECURE"]
    check(app.config)


def check(config) -> None:
    """Refuse settings that would break the product's promises."""
    if config["ENV"] == "production" and config["SECRET_KEY"] == DEFAULT_SECRET_KEY:
        raise ConfigError(
            "ADKAR_SECRET_KEY must be set to a long random value in production (ADKAR_ENV=production)."
        )
    try:
        k = int(config["MIN_GROUP_SIZE"])
    except (TypeError, ValueError) as exc:
        raise ConfigError(
            f"ADKAR_MIN_GROUP_SIZE must be a whole number, got {config['MIN_GROUP_SIZE']!r}"
        ) from exc
    if k < 3:
        raise ConfigError(f"ADKAR_MIN_GROUP_SIZE is {k}; the anonymity minimum can never be below 3.")
    config["MIN_GROUP_SIZE"] = k
    config["SECRET_KEY_FALLBACKS"] = _key_list(config.get("SECRET_KEY_FALLBACKS"))


def _key_list(value) -> list:
    """SECRET_KEY_FALLBACKS as a list: ADKAR_SECRET_KEY_FALLBACKS may be one key or a JSON list of keys
    (held answers sealed under a listed key can still be published; adkar.surveys.responses.sealing)."""
    if value is None or value == "":
        return []
    if isinstance(value, str | bytes):
        return [value]
    if isinstance(value, list | tuple) and all(isinstance(key, str | bytes) and key for key in value):
        return list(value)
    raise ConfigError("ADKAR_SECRET_KEY_FALLBACKS must be one key or a JSON list of keys.")


def min_group_size() -> int:
    """The installation's k (ADKAR_MIN_GROUP_SIZE, checked at start-up): every view, export, API answer
    and publication reads it here."""
    return int(current_app.config["MIN_GROUP_SIZE"])
