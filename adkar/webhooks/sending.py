"""One HTTP attempt of a delivery: signed, to the checked address, short timeout, redirects not followed."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx

from .models import ERROR_MAX
from .signing import signed_headers
from .targets import TargetRefused, resolve

USER_AGENT = "adkar-webhooks/1"


@dataclass(frozen=True)
class Outcome:
    """What an attempt found: a status code (any 2xx is delivered), or an error. `final` errors are not
    retried (a refused target)."""

    status_code: int | None
    error: str
    final: bool = False

    @property
    def delivered(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= ERROR_MAX else text[: ERROR_MAX - 1] + "…"


def attempt(
    *, url: str, secret: str, event_id: str, payload: str, at: datetime, config: Mapping[str, Any]
) -> Outcome:
    """POST the payload once; never raises for a network problem (it is the outcome)."""
    try:
        target = resolve(url, config)
    except TargetRefused as exc:
        return Outcome(None, _short(f"Refused: {exc}"), final=True)
    except OSError as exc:
        return Outcome(None, _short(f"Could not resolve the host: {exc}"))
    headers = {
        "content-type": "application/json",
        "user-agent": USER_AGENT,
        "host": target.host_header,
        **signed_headers(secret=secret, event_id=event_id, payload=payload, at=at),
    }
    extensions = {"sni_hostname": target.server_name} if target.server_name else {}
    timeout = float(config.get("WEBHOOKS_TIMEOUT_SECONDS", 5))
    try:
        # Streamed and closed unread: only the status counts, and a large answer costs nothing.
        with (
            httpx.Client(timeout=timeout, follow_redirects=False, trust_env=False) as client,
            client.stream(
                "POST", target.url, content=payload.encode(), headers=headers, extensions=extensions
            ) as response,
        ):
            status, reason = response.status_code, response.reason_phrase
    except httpx.TimeoutException:
        return Outcome(None, f"No answer within {timeout:g} s.")
    except (httpx.HTTPError, httpx.InvalidURL, ValueError) as exc:  # ValueError: a host IDNA cannot encode
        return Outcome(None, _short(f"{type(exc).__name__}: {exc}"))
    if 200 <= status < 300:
        return Outcome(status, "")
    if 300 <= status < 400:
        return Outcome(status, "Redirects are not followed: give the final URL.")
    return Outcome(status, _short(f"HTTP {status} {reason}"))
