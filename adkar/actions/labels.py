"""Words for the codes stored by actions, resistance and change records, for every template."""

from __future__ import annotations

from ..elements import ELEMENT_LABELS
from .models import ACTION_STATUS_LABELS, RESISTANCE_REASON_LABELS, RESISTANCE_STATUS_LABELS

# Badge classes from app.css: colour always comes with a word (and, for most, a symbol).
ACTION_STATUS_BADGES = {
    "planned": "badge",
    "in_progress": "badge status-scheduled",
    "done": "badge status-ready",
    "cancelled": "badge status-inactive",
}
RESISTANCE_STATUS_BADGES = {
    "open": "badge status-overridden",
    "addressed": "badge status-scheduled",
    "closed": "badge status-closed",
}


def labels() -> dict:
    return {
        "elements": ELEMENT_LABELS,
        "action_status": ACTION_STATUS_LABELS,
        "action_badge": ACTION_STATUS_BADGES,
        "reason": RESISTANCE_REASON_LABELS,
        "resistance_status": RESISTANCE_STATUS_LABELS,
        "resistance_badge": RESISTANCE_STATUS_BADGES,
    }
