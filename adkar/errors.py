"""One error style: JSON bodies under /api/, a friendly page everywhere else."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

MESSAGES = {
    400: "The request could not be understood.",
    401: "Please sign in.",
    403: "You do not have permission to do that.",
    404: "There is nothing here.",
    405: "That method is not allowed here.",
    413: "The upload is too large.",
    429: "Too many requests. Please wait a moment and try again.",
    500: "Something went wrong on our side. Nothing was saved; please try again.",
}


def wants_json() -> bool:
    return request.path.startswith("/api/")


def error_response(status: int, message: str | None = None, headers: dict | None = None, **extra):
    message = message or MESSAGES.get(status, "Error")
    headers = dict(headers or {})
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

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        app.logger.exception("unhandled error")
        return error_response(500)
