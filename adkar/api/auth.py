"""Bearer-token authentication and rate limiting for every API route; session cookies are not accepted here."""

from __future__ import annotations

import hashlib

from flask import abort, current_app, g, request
from werkzeug.datastructures import WWWAuthenticate
from werkzeug.exceptions import Unauthorized

from ..accounts.models import User
from ..accounts.services import api_token_for, note_token_use
from ..extensions import limiter
from . import bp
from .http import json_response
from .openapi import operation
from .serialise import USER, user_json

PUBLIC_ENDPOINTS = frozenset({"api.openapi"})


def _bearer_token() -> str | None:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    token = token.strip()
    return token if scheme.lower() == "bearer" and token else None


def _rate_key() -> str:
    """Per token when one is sent (clients behind one address do not share a budget), else per address."""
    token = _bearer_token()
    if token:
        return "api-token:" + hashlib.sha256(token.encode()).hexdigest()[:32]
    return "api-addr:" + (request.remote_addr or "unknown")


def _address_key() -> str:
    return "api-guess:" + (request.remote_addr or "unknown")


def _refused(response) -> bool:
    return response.status_code == 401


limiter.limit(lambda: current_app.config["API_RATE_LIMIT"], key_func=_rate_key)(bp)
# Each made-up token would otherwise get a fresh budget of its own: unknown tokens count against the address.
limiter.limit(
    lambda: current_app.config["API_AUTH_FAILURE_LIMIT"], key_func=_address_key, deduct_when=_refused
)(bp)


@bp.before_request
def _authenticate() -> None:
    if request.endpoint in PUBLIC_ENDPOINTS:
        return
    plain = _bearer_token()
    token = api_token_for(plain) if plain else None
    if token is None:
        if plain is None:
            message, challenge = "Send an API token: Authorization: Bearer TOKEN.", {"realm": "adkar"}
        else:
            message = "The API token is not valid: unknown, revoked, or its user is disabled."
            challenge = {"realm": "adkar", "error": "invalid_token"}
        raise Unauthorized(message, www_authenticate=WWWAuthenticate("Bearer", challenge))
    g.api_user = token.user
    note_token_use(token=token)


def api_user() -> User:
    """The user of the request's token (every API view runs after authentication)."""
    return g.api_user


def require_writer() -> User:
    """Sponsors read only: any change they ask for answers 403."""
    user = api_user()
    if user.role not in ("admin", "practitioner"):
        abort(403, "Sponsors have read-only access.")
    return user


@bp.get("/me")
@operation(summary="The user this token belongs to", tag="account", responses={200: USER})
def me():
    return json_response(user_json(api_user()))
