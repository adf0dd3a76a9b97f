"""A respondent's browser over real HTTP (stdlib only): cookies kept, redirects reported, not followed.

Used where the test client is not enough: a real threaded server (SQLite writers) and gunicorn
(the CI-only PostgreSQL restart test).
"""

from __future__ import annotations

import http.cookiejar
import re
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

NONCE = re.compile(r'name="nonce"[^>]*value="([^"]+)"')


@dataclass(frozen=True)
class Page:
    status: int
    body: str
    location: str = ""


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


class Browser:
    def __init__(self, base_url: str, timeout: float = 30.0):
        assert base_url.startswith(("http://", "https://")), base_url
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirect()
        )

    def _open(self, request: urllib.request.Request) -> Page:
        try:
            with self.opener.open(request, timeout=self.timeout) as response:
                return Page(response.status, response.read().decode("utf-8", "replace"))
        except urllib.error.HTTPError as error:
            body = error.read().decode("utf-8", "replace")
            return Page(error.code, body, error.headers.get("Location", ""))

    def get(self, path: str) -> Page:
        return self._open(urllib.request.Request(self.base_url + path))  # noqa: S310 - http(s) only

    def post(self, path: str, data: dict[str, str]) -> Page:
        body = urllib.parse.urlencode(data).encode()
        request = urllib.request.Request(self.base_url + path, data=body, method="POST")  # noqa: S310
        request.add_header("Content-Type", "application/x-www-form-urlencoded")
        return self._open(request)

    def answer(self, path: str, answers: dict[str, str]) -> tuple[Page, Page]:
        """Open a survey link and submit the answers with the form's nonce: (form page, result)."""
        form = self.get(path)
        match = NONCE.search(form.body)
        data = {**answers, **({"nonce": match.group(1)} if match else {})}
        return form, self.post(path, data)
