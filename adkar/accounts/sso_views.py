"""Sign-in with the organisation's OpenID provider: the redirect out, and the callback that lets a person in."""

from __future__ import annotations

import logging

import requests
from authlib.common.errors import AuthlibBaseError
from flask import abort, redirect, render_template, request, session, url_for
from flask_login import login_user
from joserfc.errors import JoseError

from . import bp, oidc
from .views import _safe_next

log = logging.getLogger(__name__)

NEXT_KEY = "oidc_next"
# What the protocol libraries raise for an answer that must not sign anyone in.
PROTOCOL_ERRORS = (AuthlibBaseError, JoseError, requests.RequestException, ValueError, KeyError)


def refused(message: str, status: int = 403):
    return render_template("accounts/sso_refused.html", message=message), status


@bp.get("/login/oidc")
def oidc_login():
    if oidc.settings() is None:
        abort(404)
    try:
        remote = oidc.client()
    except oidc.SignInRefused as exc:
        return refused(str(exc), 502)
    session[NEXT_KEY] = _safe_next(request.args.get("next"))
    extra = {}
    if request.args.get("login_hint"):
        extra["login_hint"] = request.args["login_hint"][:254]
    return remote.authorize_redirect(url_for("accounts.oidc_callback", _external=True), **extra)


@bp.get("/login/oidc/callback")
def oidc_callback():
    config = oidc.settings()
    if config is None:
        abort(404)
    if request.args.get("error"):
        return refused(
            "The identity provider did not sign you in: "
            + (request.args.get("error_description") or request.args["error"])[:300]
        )
    if "iss" in request.args and request.args["iss"] != config.issuer:
        return refused("The answer came from another identity provider; sign-in is refused.")
    try:
        remote = oidc.client()
        token = remote.authorize_access_token(leeway=config.leeway)
    except oidc.SignInRefused as exc:
        return refused(str(exc), 502)
    except PROTOCOL_ERRORS as exc:
        log.warning("OpenID sign-in refused: %s: %s", type(exc).__name__, exc)
        return refused(
            "The sign-in could not be completed: it expired, was already used, or did not come from this "
            "browser. Please start again."
        )
    claims = token.get("userinfo")
    if not claims:
        return refused("The identity provider sent no ID token; sign-in is refused.")
    claims = dict(claims)
    if config.groups_claim not in claims and remote.load_server_metadata().get("userinfo_endpoint"):
        # Some providers put large group lists only in the UserInfo answer.
        try:
            extra = remote.userinfo(token=token)
        except PROTOCOL_ERRORS:
            extra = {}
        if extra.get("sub") == claims["sub"]:
            claims.setdefault(config.groups_claim, extra.get(config.groups_claim))
    try:
        user = oidc.sign_in_from_claims(claims)
    except oidc.SignInRefused as exc:
        return refused(str(exc))
    next_url = session.pop(NEXT_KEY, None)
    login_user(user)
    session[oidc.ID_TOKEN_KEY] = token["id_token"]
    return redirect(next_url or url_for("plan.index"))
