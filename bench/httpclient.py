"""A small HTTP/1.1 client over http.client: keep-alive, a cookie jar, CSRF tokens, timings.

Sync gunicorn workers answer `Connection: close`; http.client then reopens the connection on the next
request, as a browser would, and that reconnect is part of the measured time for the app and floor alike.
"""

from __future__ import annotations

import html
import http.client
import re
import time
from dataclasses import dataclass
from email.message import Message
from urllib.parse import urlencode

_CSRF = re.compile(r'name="csrf_token"[^>]*?value="([^"]*)"')
_NONCE = re.compile(r'name="nonce"[^>]*?value="([^"]*)"')
_STALE = (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError)


class UnexpectedReply(RuntimeError):
    """The server answered something the benchmark cannot go on from (a broken page, a refused login)."""


@dataclass(frozen=True)
class Reply:
    status: int
    body: bytes
    headers: Message
    seconds: float

    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


class Client:
    def __init__(self, port: int, *, timeout: float = 120.0, headers: dict[str, str] | None = None) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        self.cookies: dict[str, str] = {}
        self.headers = dict(headers or {})
        self.retries = 0

    def close(self) -> None:
        self.conn.close()

    def request(
        self, method: str, path: str, body: bytes | None = None, headers: dict | None = None
    ) -> Reply:
        """One request; a keep-alive connection the server closed meanwhile is reopened once, not counted."""
        sent = {**self.headers, **(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        reused = self.conn.sock is not None
        started = time.perf_counter()
        try:
            response = self._exchange(method, path, body, sent)
        except _STALE:
            self.conn.close()
            if not reused:
                raise
            self.retries += 1
            started = time.perf_counter()
            response = self._exchange(method, path, body, sent)
        data = response.read()
        seconds = time.perf_counter() - started
        self._remember_cookies(response.headers)
        return Reply(response.status, data, response.headers, seconds)

    def _exchange(self, method, path, body, headers) -> http.client.HTTPResponse:
        try:
            self.conn.request(method, path, body=body, headers=headers)
            return self.conn.getresponse()
        except Exception:
            self.conn.close()
            raise

    def form(self, path: str, fields: dict[str, object]) -> Reply:
        body = urlencode(fields).encode()
        return self.request("POST", path, body, {"Content-Type": "application/x-www-form-urlencoded"})

    def _remember_cookies(self, headers: Message) -> None:
        for header in headers.get_all("Set-Cookie") or []:
            pair, _, attributes = header.partition(";")
            name, _, value = pair.strip().partition("=")
            if "max-age=0" in attributes.lower() or not value:
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value


def csrf_token(page: Reply) -> str:
    match = _CSRF.search(page.text())
    if not match:
        raise UnexpectedReply(f"no csrf_token in the page (HTTP {page.status})")
    return html.unescape(match.group(1))


def form_nonce(page: Reply) -> str:
    match = _NONCE.search(page.text())
    if not match:
        raise UnexpectedReply(f"no nonce in the respondent form (HTTP {page.status})")
    return html.unescape(match.group(1))


def expect(reply: Reply, *statuses: int, what: str) -> Reply:
    if reply.status not in statuses:
        raise UnexpectedReply(f"{what}: HTTP {reply.status}: {reply.text()[:500]}")
    return reply


def login(client: Client, *, email: str, password: str) -> None:
    """Sign in through the login form (CSRF included), keeping the session cookie in the client."""
    token = csrf_token(expect(client.request("GET", "/login"), 200, what="GET /login"))
    reply = client.form("/login", {"csrf_token": token, "email": email, "password": password})
    expect(reply, 302, 303, what="POST /login")
