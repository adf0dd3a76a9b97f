"""What the worker knows how to do: a handler per job kind and the work that runs every minute.

Features register at import (`@handles("invitations.email")`), so this package never imports them.
A handler takes the job id and a `Lease`, does a bounded amount of work per step, renews the lease
between steps, and returns `Done(message)` or `WaitUntil(when, message)`.

A wake-up (`@wakes("responses.publish")`) is lighter: short work a request hands to a worker with a few
plain arguments and no job row, for which the database itself says what is left to do, so a lost message
costs nothing but a wait for the minute's periodic work, which does the same.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True)
class Done:
    message: str = ""
    failed: bool = False


@dataclass(frozen=True)
class WaitUntil:
    """Everything left is due later (a retry's backoff, a wave that has not opened)."""

    when: datetime
    message: str = ""


class Lease(Protocol):
    def renew(self) -> bool:
        """Extend the job's lease; False when another worker took the job over (stop at once)."""
        ...


Handler = Callable[[int, Lease], Done | WaitUntil]
Periodic = Callable[[datetime], object]
WakeUp = Callable[..., object]

_handlers: dict[str, Handler] = {}
_periodic: dict[str, Periodic] = {}
_wake_ups: dict[str, WakeUp] = {}


def handles(kind: str) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        _handlers[kind] = handler
        return handler

    return register


def every_minute(name: str) -> Callable[[Periodic], Periodic]:
    def register(work: Periodic) -> Periodic:
        _periodic[name] = work
        return work

    return register


def wakes(name: str) -> Callable[[WakeUp], WakeUp]:
    def register(work: WakeUp) -> WakeUp:
        _wake_ups[name] = work
        return work

    return register


def wake_up_for(name: str) -> WakeUp | None:
    return _wake_ups.get(name)


def handler_for(kind: str) -> Handler | None:
    return _handlers.get(kind)


def periodic_work() -> dict[str, Periodic]:
    return dict(_periodic)
