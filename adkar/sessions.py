"""Flask's signed-cookie sessions, without building a signing serializer for requests that carry no cookie.

Respondents never get a cookie and API clients send none, yet Flask builds a serializer (keys, salt,
signer) on every request before looking for the cookie; on the respondent POST, the busiest request the
app serves, that was about 3% of a worker's time (docs/performance.md). A request without the cookie gets
the same fresh, empty session it always did.
"""

from __future__ import annotations

from flask import Flask, Request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface


class SessionInterface(SecureCookieSessionInterface):
    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        if app.secret_key and not request.cookies.get(self.get_cookie_name(app)):
            return self.session_class()
        return super().open_session(app, request)


def init_app(app: Flask) -> None:
    app.session_interface = SessionInterface()
