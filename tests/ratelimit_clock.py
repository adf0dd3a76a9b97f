"""A clock for the rate-limit counters kept in memory, so a test can let a window pass without waiting.

`limits`' memory storage reads `time.time()` for every expiry; the fixture `window_clock` (see
`install`) replaces that module's `time` with a `LimitClock`, which runs `advance`d seconds ahead of the
real one. Flask-Limiter's own Retry-After arithmetic keeps the real clock, so read Retry-After before
advancing.
"""

from __future__ import annotations

import time as real_time
from typing import Any

import limits.storage.memory


class LimitClock:
    def __init__(self) -> None:
        self.offset = 0.0

    def time(self) -> float:
        return real_time.time() + self.offset

    def advance(self, seconds: float) -> None:
        self.offset += seconds

    def __getattr__(self, name: str) -> Any:  # sleep, monotonic, ... as the real module has them
        return getattr(real_time, name)


def install(monkeypatch) -> LimitClock:
    clock = LimitClock()
    monkeypatch.setattr(limits.storage.memory, "time", clock)
    return clock
