"""The worker runs the due alerts every five minutes (adkar.jobs' minute sweep calls this)."""

from __future__ import annotations

from datetime import datetime

from ..jobs.registry import every_minute
from .services import send_due_alerts

EVERY_MINUTES = 5


@every_minute("alerts")
def send_alerts(now: datetime) -> int:
    """Evaluating every rule each minute would be wasted work: alerts are about days, not seconds."""
    if now.minute % EVERY_MINUTES:
        return 0
    return send_due_alerts(now=now)
