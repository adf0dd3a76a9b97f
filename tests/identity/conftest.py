"""Fixtures of the identity tests: a real OpenID provider for the session, and browsers that cross between
it and the app (an httpx client: the app through WSGI, the provider over loopback HTTP)."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from ..oidc_provider import APP_URL, CLIENT_ID, CLIENT_SECRET, REDIRECT_URI, RunningProvider, running_provider

ROLE_GROUPS = "admin=adkar-admins,practitioner=adkar-practitioners,sponsor=adkar-sponsors"


@pytest.fixture(scope="session")
def oidc_provider() -> Iterator[RunningProvider]:
    with running_provider() as provider:
        yield provider


def oidc_config(issuer: str) -> dict:
    return {
        "OIDC_ISSUER": issuer,
        "OIDC_CLIENT_ID": CLIENT_ID,
        "OIDC_CLIENT_SECRET": CLIENT_SECRET,
        "OIDC_ROLE_GROUPS": ROLE_GROUPS,
        "OIDC_SCOPE": "openid email profile groups",
        "OIDC_PROVIDER_NAME": "Corp ID",
    }


class Browser:
    """One person's browser: one cookie jar for the app and the provider, redirects followed by hand."""

    def __init__(self, app):
        self.http = httpx.Client(
            mounts={APP_URL: httpx.WSGITransport(app=app), "http://127.0.0.1": httpx.HTTPTransport()},
            timeout=15,
        )

    def close(self) -> None:
        self.http.close()

    def get(self, url: str, **kwargs) -> httpx.Response:
        return self.http.get(url if "://" in url else APP_URL + url, **kwargs)

    def post(self, url: str, **kwargs) -> httpx.Response:
        return self.http.post(url if "://" in url else APP_URL + url, **kwargs)

    def to_callback(self, login_hint: str) -> str:
        """Start sign-in and follow the provider until it sends the browser back: the callback URL, unused."""
        response = self.get("/login/oidc", params={"login_hint": login_hint})
        for _ in range(10):
            assert response.status_code in (302, 303), (response.status_code, response.text[:500])
            location = str(response.url.join(response.headers["Location"]))
            if location.startswith(REDIRECT_URI):
                return location
            response = self.http.get(location)
        raise AssertionError("the provider never sent the browser back")

    def sign_in(self, login_hint: str) -> httpx.Response:
        return self.get(self.to_callback(login_hint))

    def signed_in(self) -> bool:
        response = self.get("/account")
        assert response.status_code in (200, 302)
        return response.status_code == 200


def query(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


@pytest.fixture
def new_browser(app) -> Iterator:
    created = []

    def make() -> Browser:
        created.append(Browser(app))
        return created[-1]

    yield make
    for one in created:
        one.close()
