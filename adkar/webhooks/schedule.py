"""The worker's minute sweep runs the webhooks: announce what came due (waves, gates), then send."""

from __future__ import annotations

from datetime import datetime

from ..jobs.registry import every_minute
from .delivery import deliver_due
from .sweep import sweep_events


@every_minute("webhooks")
def run_webhooks(now: datetime) -> int:
    sweep_events(today=now.date())
    return deliver_due(now=now)
