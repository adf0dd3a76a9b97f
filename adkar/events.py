"""Domain events that other parts of the app may react to (webhooks, alerts) without being imported.

Lower layers announce what happened (`announce("wave.opened", {...})`); the webhooks and alerts packages
subscribe at start-up. Events are about initiatives, waves, gates, imports and jobs, never about one response:
the timing of a per-response event would identify the person who answered.
"""

from __future__ import annotations

from typing import Any

from blinker import Namespace

_signals = Namespace()
happened = _signals.signal("adkar.event")


def announce(event_type: str, data: dict[str, Any], *, initiative_id: int | None = None) -> None:
    """Tell every subscriber that `event_type` happened; receivers get (event_type, data=, initiative_id=)."""
    happened.send(event_type, data=data, initiative_id=initiative_id)
