"""Bearer-token authentication and rate limiting for every API route; session cookies are not accepted here."""

from __future__ import annotations

import hashlib

from flask import abort, current_app, g, request
from werkzeug.datastructures import WWWAuthenticate
from werkzeug.exceptions import Unauthorized

from ..accounts.models import ApiToken, User
from ..accounts.services import api_token_for, note_token_use
from ..extensions import limiter
from ..rules.roles import may_write
from . import bp
from .http import json_response
from .openapi import operation
from .schemas.plan import User as UserAnswer
from .serialise import user_json

# The inbound sync authenticates by its shared secret instead (adkar.api.integrations); its refusals count
# against the address's failure budget like made-up tokens, so the secret cannot be guessed at full speed.
SECRET_ENDPOINTS = frozenset({"api.servicenow_sync", "api.jsm_sync"})
PUBLIC_ENDPOINTS = frozenset({"api.openapi"}) | SECRET_ENDPOINTS
# What each scope of an integration's token reaches: the API modules of its subject, and whether only
# reading. Every scoped token may ask who it is (/me).
SCOPE_MODULES = {
    "read:readiness": ("adkar.api.readiness", True),
    "write:usage": ("adkar.api.usage", False),
    "write:changes": ("adkar.api.change_records", False),
}
ANY_SCOPE_ENDPOINTS = frozenset({"api.me"})
# Reads outside a scope's module that belong to its subject: a pipeline's read:readiness token asks the
# deployment gate (adkar.changes.deployment_gate), which answers whether people are ready.
SCOPE_READS = {"read:readiness": frozenset({"api.deployment_gate"})}
TOKEN_KEY = "adkar.api_token"  # noqa: S105 - a WSGI environ key, not a secret


def _bearer_token() -> str | None:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    token = token.strip()
    return token if scheme.lower() == "bearer" and token else None


def presented_token() -> ApiToken | None:
    """The valid token the request carries, looked up once per request (the limits' exemption runs before
    `_authenticate` and shares it), or None when it carries none or one that is not valid. Kept in the
    request's environ: `g` outlives a request when an app context was pushed around it."""
    if TOKEN_KEY not in request.environ:
        plain = _bearer_token()
        request.environ[TOKEN_KEY] = api_token_for(plain) if plain else None
    return request.environ[TOKEN_KEY]


def _rate_key() -> str:
    """Per token when one is sent (clients behind one address do not share a budget), else per address."""
    token = _bearer_token()
    if token:
        return "api-token:" + hashlib.sha256(token.encode()).hexdigest()[:32]
    return "api-addr:" + (request.remote_addr or "unknown")


def _address_key() -> str:
    return "api-guess:" + (request.remote_addr or "unknown")


def _needs_no_check() -> bool:
    """`exempt_when` of the failure limit: the request authenticates (or needs no token), so it can neither
    fail authentication nor be refused because other requests from its address did."""
    if request.endpoint in SECRET_ENDPOINTS:
        return False
    return request.endpoint in PUBLIC_ENDPOINTS or presented_token() is not None


def _refused(response) -> bool:
    return response.status_code == 401


# Every request counts against its token's budget (or, without a token, its address's).
limiter.limit(lambda: current_app.config["API_RATE_LIMIT"], key_func=_rate_key)(bp)
# Failed authentication counts against the address, so made-up tokens get no fresh budget each. Only
# failures count (deduct_when), and a valid token is exempt: Flask-Limiter tests a limit before the view
# even when it counts only some replies, so without the exemption one client's refused tokens would lock
# out every valid token behind the same address. Telling valid from invalid tokens while the window is
# full gives a guesser nothing: tokens are 256 random bits (accounts.services.create_api_token).
limiter.limit(
    lambda: current_app.config["API_AUTH_FAILURE_LIMIT"],
    key_func=_address_key,
    deduct_when=_refused,
    exempt_when=_needs_no_check,
)(bp)


@bp.before_request
def _authenticate() -> None:
    if request.endpoint in PUBLIC_ENDPOINTS:
        return
    token = presented_token()
    if token is None:
        if _bearer_token() is None:
            message = "Send an API token: Authorization: Bearer TOKEN."
            challenge: dict[str, str | None] = {"realm": "adkar"}
        else:
            message = "The API token is not valid: unknown, revoked, or its user is disabled."
            challenge = {"realm": "adkar", "error": "invalid_token"}
        raise Unauthorized(message, www_authenticate=WWWAuthenticate("Bearer", challenge))
    if token.scopes is not None and not _scope_allows(token.scopes):
        abort(403, f"This token's scopes ({', '.join(token.scopes)}) do not allow this request.")
    g.api_user = token.user
    note_token_use(token=token)


def _scope_allows(scopes: list[str]) -> bool:
    if request.endpoint in ANY_SCOPE_ENDPOINTS:
        return True
    view = current_app.view_functions.get(request.endpoint or "")
    module = getattr(view, "__module__", None)
    reading = request.method in ("GET", "HEAD")
    if reading and any(request.endpoint in SCOPE_READS.get(scope, ()) for scope in scopes):
        return True
    for scope in scopes:
        allowed_module, read_only = SCOPE_MODULES.get(scope, ("", True))
        if module == allowed_module and (request.method in ("GET", "HEAD") or not read_only):
            return True
    return False


def api_user() -> User:
    """The user of the request's token (every API view runs after authentication)."""
    return g.api_user


def require_writer() -> User:
    """Sponsors read only: any change they ask for answers 403."""
    user = api_user()
    if not may_write(user.role):
        abort(403, "Sponsors have read-only access.")
    return user


@bp.get("/me")
@operation(summary="The user this token belongs to", tag="account", responses={200: UserAnswer})
def me():
    return json_response(user_json(api_user()))
