"""Helpers shared by the security tests: CSRF-aware sign-in, the XSS payloads and how to spot them raw."""

from __future__ import annotations

import json
import re

from flask import Flask
from flask.testing import FlaskClient
from markupsafe import escape

from ..factories import Factory

PAYLOADS = (
    "<svg onload=alert(1)>",
    '"><script>alert(1)</script>',
    "javascript:alert(1)",
    "{{7*7}}",
)
CSRF_FIELD = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|name="csrf-token" content="([^"]+)"')
CSRF_REFUSED = "The form expired or was not sent from this site."
URL_ATTRIBUTE = re.compile(r"""\b(?:href|src|action|formaction|xlink:href)\s*=\s*["']?\s*javascript:""", re.I)


def csrf_token(html: str) -> str:
    match = CSRF_FIELD.search(html)
    assert match, "the page carries no CSRF token"
    return match.group(1) or match.group(2)


def sign_in(app: Flask, email: str, password: str = Factory.PASSWORD, **client_kwargs) -> FlaskClient:
    """A client signed in through the real form, sending the form's CSRF token (works with CSRF on or off)."""
    client = app.test_client(**client_kwargs)
    token = csrf_token(client.get("/login").get_data(as_text=True))
    response = client.post("/login", data={"email": email, "password": password, "csrf_token": token})
    assert response.status_code == 302, f"sign-in of {email} failed with {response.status_code}"
    return client


def raw_markers(payload: str) -> list[str]:
    """Substrings whose presence in HTML would mean the payload reached the page unescaped."""
    if "<" in payload:
        return [payload, payload[payload.index("<") :]]
    return []


def unsafe_in_html(html: str, payload: str) -> list[str]:
    """Why this HTML shows `payload` unsafely (empty when it is only ever shown as inert text)."""
    found = [f"raw {marker!r}" for marker in raw_markers(payload) if marker in html]
    if payload.startswith("javascript:") and URL_ATTRIBUTE.search(html):
        found.append("a javascript: URL in an attribute")
    return found


def shown_escaped(html: str, payload: str) -> bool:
    """True when the page shows the payload as text: HTML-escaped, or JSON-escaped inside a data script."""
    json_form = json.dumps(payload)[1:-1]
    for char, code in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        json_form = json_form.replace(char, code)
    return str(escape(payload)) in html or json_form in html
