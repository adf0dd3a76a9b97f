"""One error style: JSON bodies under /api/, a friendly page everywhere else."""

from __future__ import annotations

from contextlib import suppress

from flask import Flask, g, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from werkzeug.exceptions import HTTPException

from .extensions import db, login_manager

MESSAGES = {
    400: "The request could not be understood.",
    401: "Please sign in.",
    403: "You do not have permission to do that.",
    404: "There is nothing here.",
    405: "That method is not allowed here.",
    413: "The upload is too large.",
    429: "Too many requests. Please wait a moment and try again.",
    500: "Something went wrong on our side. Nothing was saved; please try again.",
    503: "The service is briefly unavailable. Please try again in a moment.",
}
NOT_SAVED = "We could not save your answers; please try again in a moment."
RETRY_AFTER_SECONDS = 5


def wants_json() -> bool:
    return request.path.startswith("/api/")


def error_response(status: int, message: str | None = None, headers: dict | None = None, **extra):
    message = message or MESSAGES.get(status, "Error")
    headers = dict(headers or {})
    if request.path.startswith("/scim/"):  # SCIM clients read RFC 7644's error schema, even for a 404
        scim_error = {
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:Error"],
            "status": str(status),
            "detail": message,
        }
        response = jsonify(scim_error)
        response.mimetype = "application/scim+json"
        return response, status, headers
    if wants_json():
        if status == 401:
            headers.setdefault("WWW-Authenticate", 'Bearer realm="adkar"')
        body = {"error": {"status": status, "message": message, **extra}}
        return jsonify(body), status, headers
    return render_template("errors/error.html", status=status, message=message), status, headers


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def _csrf(exc: CSRFError):
        return error_response(
            400, "The form expired or was not sent from this site. Please reload and try again."
        )

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException):
        status = exc.code or 500
        description = exc.description if status in (400, 422) and exc.description else None
        if wants_json() and exc.description != type(exc).description:
            description = exc.description  # a message written for this case, not werkzeug's generic one
        if status == 429:
            description = MESSAGES[429]
        headers = {k: v for k, v in exc.get_headers() if k.lower() != "content-type"}
        return error_response(status, description, headers)

    @app.errorhandler(DBAPIError)
    def _database(exc: DBAPIError):
        """Lost or locked database: roll back and ask for a retry (503); other database errors are bugs."""
        if not (isinstance(exc, OperationalError | InterfaceError) or exc.connection_invalidated):
            return _unexpected(exc)
        app.logger.error("database unavailable: %s", exc.__class__.__name__, exc_info=exc)
        _forget_the_transaction()
        g._login_user = login_manager.anonymous_user()  # the page must not ask the database who is signed in
        message = NOT_SAVED if request.method in ("POST", "PUT", "PATCH", "DELETE") else MESSAGES[503]
        return error_response(503, message, {"Retry-After": str(RETRY_AFTER_SECONDS)})

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        app.logger.exception("unhandled error")
        return error_response(500)


def _forget_the_transaction() -> None:
    with suppress(Exception):  # the connection may be gone; the session is discarded at teardown anyway
        db.session.rollback()
