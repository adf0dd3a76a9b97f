"""Cookie-less requests skip building the session serializer; signed-in sessions work as before."""

from __future__ import annotations

from flask import session

from adkar.sessions import SessionInterface


def test_a_request_without_the_cookie_gets_an_empty_session_without_a_serializer(app, monkeypatch):
    def refused(*_args):
        raise AssertionError("no serializer is needed without a cookie")

    monkeypatch.setattr(SessionInterface, "get_signing_serializer", refused)
    with app.test_request_context("/s/some-token"):
        opened = app.session_interface.open_session(app, app.test_request_context().request)
    assert opened is not None and dict(opened) == {} and not opened.modified


def test_a_session_cookie_is_still_read_and_written(app):
    app.add_url_rule("/_set", "set_value", lambda: session.update(value=42) or "set")
    app.add_url_rule("/_get", "get_value", lambda: str(session.get("value")))
    client = app.test_client()
    assert client.get("/_get").text == "None"
    assert "Set-Cookie" in client.get("/_set").headers
    assert client.get("/_get").text == "42"
    forger = app.test_client()
    forger.set_cookie(app.config["SESSION_COOKIE_NAME"], "forged.value.sig")
    assert forger.get("/_get").text == "None"  # a bad signature gives an empty session, as Flask's did
