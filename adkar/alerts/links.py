"""Absolute links for mail, which is composed outside any request: PUBLIC_URL first, as the survey links do."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import current_app, has_request_context, url_for


def absolute_url(endpoint: str, values: Mapping[str, Any], *, anchor: str | None = None) -> str:
    """PUBLIC_URL + the route's path; without PUBLIC_URL, Flask's external URL (needs SERVER_NAME or a
    request), else the bare path, so a missing setting gives a link that says what is wrong, not a crash."""
    public = current_app.config.get("PUBLIC_URL")
    path = current_app.url_map.bind("localhost").build(endpoint, dict(values))
    suffix = f"#{anchor}" if anchor else ""
    if public:
        return f"{str(public).rstrip('/')}{path}{suffix}"
    if has_request_context() or current_app.config.get("SERVER_NAME"):
        return url_for(endpoint, _external=True, _anchor=anchor, **values)
    return f"{path}{suffix}"
