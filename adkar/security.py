"""Security headers on every response: a strict CSP, no referrer (tokens travel in URLs), no caching.

Also refuses state-changing requests that the browser labels cross-site (Sec-Fetch-Site): with
Referrer-Policy no-referrer browsers send no Referer, so Flask-WTF's HTTPS referrer check is off
(config WTF_CSRF_SSL_STRICT) and this fetch-metadata check stands in for it, next to the CSRF token.
"""

from __future__ import annotations

from flask import Flask, Response, abort, request

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ]
)
# Directives every policy keeps, including one a view sets for itself (the downloadable report).
ALWAYS_NONE = ("object-src", "base-uri", "frame-ancestors")
STATE_CHANGING = frozenset({"POST", "PUT", "PATCH", "DELETE"})
HSTS = "max-age=63072000; includeSubDomains"


def init_app(app: Flask) -> None:
    app.before_request(_refuse_cross_site_writes)
    app.after_request(_headers)


def _refuse_cross_site_writes() -> None:
    if request.method in STATE_CHANGING and request.headers.get("Sec-Fetch-Site") == "cross-site":
        abort(403, "Requests from other sites are refused.")


def harden(policy: str) -> str:
    """A view's own policy with the directives no page may relax added where missing."""
    present = {part.split()[0].lower() for part in policy.split(";") if part.strip()}
    missing = [f"{name} 'none'" for name in ALWAYS_NONE if name not in present]
    return "; ".join([policy.rstrip("; "), *missing]) if missing else policy


def _headers(response: Response) -> Response:
    policy = response.headers.get("Content-Security-Policy")
    response.headers["Content-Security-Policy"] = harden(policy) if policy else CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
    if not request.path.startswith("/static/"):
        response.headers["Cache-Control"] = "no-store"
    if request.is_secure:
        response.headers["Strict-Transport-Security"] = HSTS
    return response
