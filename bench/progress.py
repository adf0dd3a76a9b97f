"""Progress lines with the time since the run started, so a slow phase shows where it is slow."""

from __future__ import annotations

import time

_STARTED = time.monotonic()


def say(engine: str, message: str) -> None:
    print(f"[{time.monotonic() - _STARTED:7.1f}s] [{engine}] {message}", flush=True)
