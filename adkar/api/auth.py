"""Bearer-token authentication for every API route; session cookies are not accepted here."""

from __future__ import annotations

from flask import abort, g, request

from ..accounts.models import User
from ..accounts.services import user_for_token
from . import bp


@bp.before_request
def _authenticate() -> None:
    if request.endpoint == "api.openapi":
        return
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    user = user_for_token(token.strip()) if scheme.lower() == "bearer" and token else None
    if user is None:
        abort(401)
    g.api_user = user


def api_user() -> User:
    return g.api_user


def require_writer() -> User:
    """Sponsors read only: any change they ask for answers 403."""
    user = api_user()
    if user.role not in ("admin", "practitioner"):
        abort(403)
    return user
