"""Rate limits of the respondent links, counted by Flask-Limiter's own backend: the same storage (memory,
or Redis for several app servers), the same fixed-window strategy, keyed by the client's address.

The respondent POST is the busiest request the app serves, and resolving decorated limits cost it more
than a quarter of its time (see docs/performance.md), so these routes skip Flask-Limiter's per-request
machinery (a request filter) and hit the backend directly. Token checks on /s/ and /o/ share one limit,
GETs and POSTs alike, so guessing tokens cannot switch between link kinds; open-link POSTs have their own.
One request is not counted: a personal form stored as the app served it (respondent.submit_as_made). Its
nonce is signed and names the token, so it proves the page was fetched, and counted, for that very link;
a guess, a replay or a form for another link is counted like any other request.
"""

from __future__ import annotations

import math
import time
from functools import lru_cache

from flask import current_app, request
from flask_limiter.util import get_remote_address
from limits import RateLimitItem, parse_many
from werkzeug.exceptions import TooManyRequests

from ..extensions import limiter

LINK_CHECKS_SCOPE = "respondent-token"
OPEN_POST_SCOPE = "respondent-open-post"
BLUEPRINT = "respond"


@lru_cache(maxsize=16)
def _items(spec: str) -> tuple[RateLimitItem, ...]:
    return tuple(parse_many(spec))


def enforce(config_key: str, scope: str) -> None:
    """Count this request against the limit in `config_key` (e.g. "30 per minute"); 429 with Retry-After
    once the client's window is full."""
    if not limiter.enabled:
        return
    prefix = current_app.config.get("RATELIMIT_KEY_PREFIX")  # as Flask-Limiter keys its own counters
    identifiers = (prefix, scope, get_remote_address()) if prefix else (scope, get_remote_address())
    backend = limiter.limiter
    for item in _items(current_app.config[config_key]):
        if not backend.hit(item, *identifiers):
            reset_at, _remaining = backend.get_window_stats(item, *identifiers)
            raise TooManyRequests(retry_after=max(1, math.ceil(reset_at - time.time())))


def token_checks() -> None:
    enforce("TOKEN_RATE_LIMIT", LINK_CHECKS_SCOPE)


def open_link_posts() -> None:
    enforce("OPEN_LINK_RATE_LIMIT", OPEN_POST_SCOPE)


@limiter.request_filter
def _counted_here() -> bool:
    """Flask-Limiter leaves the respondent pages to this module."""
    return request.blueprint == BLUEPRINT
