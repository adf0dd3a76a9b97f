"""Rate limits of the respondent links, counted by Flask-Limiter's own backend: the same storage (memory,
or Redis for several app servers), the same fixed-window strategy, keyed by the client's address.

The respondent POST is the busiest request the app serves, and resolving decorated limits cost it more
than a quarter of its time (see docs/performance.md), so these routes hit the backend directly and skip
Flask-Limiter's app-wide hooks altogether (`init_app`). Token checks on /s/ and /o/ share one limit,
GETs and POSTs alike, so guessing tokens cannot switch between link kinds; open-link POSTs have their own.
One request is not counted: a personal form stored as the app served it (respondent.submit_as_made). Its
nonce is signed and names the token, so it proves the page was fetched, and counted, for that very link;
a guess, a replay or a form for another link is counted like any other request.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from functools import lru_cache, partial, wraps
from typing import Any

from flask import Flask, current_app, request
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


def init_app(app: Flask) -> None:
    """Let requests to the respondent pages skip Flask-Limiter's before, after and teardown hooks.

    Flask-Limiter runs them on every request; a request filter stops only the lookup of limits, and the
    rest (meta limits, exemption scopes, header injection, its per-request context) was a tenth of the
    respondent POST in process. Call after `limiter.init_app(app)`. Refuses to start when the hooks are not
    found as expected, so an upgrade of Flask-Limiter that changes them cannot leave the pages uncounted
    or the rest of the app unlimited without notice."""
    if not app.config.get("RATELIMIT_ENABLED", True):
        return  # Flask-Limiter registered nothing (tests that switch the limits off)
    found = 0
    for hooks in (app.before_request_funcs, app.after_request_funcs, app.teardown_request_funcs):
        registered = hooks.get(None, [])
        for index, hook in enumerate(registered):
            if _owned_by_limiter(hook):
                registered[index] = _skipped_here(hook)
                found += 1
    if found != 3:
        raise RuntimeError(f"expected Flask-Limiter's 3 app-wide hooks, found {found}: see respondent_limits")


def _owned_by_limiter(hook: Callable) -> bool:
    owner = hook.args[0] if isinstance(hook, partial) and hook.args else getattr(hook, "__self__", None)
    return owner is limiter


def _skipped_here(hook: Callable[..., Any]) -> Callable[..., Any]:
    """`hook`, except on the respondent pages: there a before hook returns None (go on), an after hook
    hands its response back unchanged, and what a teardown hook returns is ignored."""

    @wraps(hook)
    def gated(*args: Any) -> Any:
        if request.blueprint == BLUEPRINT:
            return args[0] if args else None
        return hook(*args)

    return gated
