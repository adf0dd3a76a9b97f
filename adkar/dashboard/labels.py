"""Element and barrier labels every dashboard template reads."""

from __future__ import annotations

from ..elements import BARRIER_CHOICES, ELEMENT_LABELS, ELEMENTS, NONE

BARRIER_LABELS = {**ELEMENT_LABELS, NONE: "No barrier"}
STATUS_LABELS = {"scheduled": "Scheduled", "open": "Open", "closed": "Closed"}


def labels() -> dict:
    return {
        "elements": ELEMENTS,
        "barrier_choices": BARRIER_CHOICES,
        "barrier_labels": BARRIER_LABELS,
        "wave_status_labels": STATUS_LABELS,
    }
