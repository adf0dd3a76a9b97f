"""The events an endpoint may subscribe to. Each was reviewed for anonymity (docs/webhooks.md): adding one
means documenting its payload there first. None is ever about one response."""

from __future__ import annotations

EVENT_TYPES = {
    "wave.opened": "A survey wave opened",
    "wave.closed": "A survey wave closed",
    "gate.status_changed": "A milestone's readiness gate changed status",
    "gate.projected_to_miss": "A milestone's gate is projected to miss its threshold",
    "import.finished": "An import finished",
    "job.finished": "A background job finished",
}
TEST_EVENT = "webhook.test"  # sent on request to one endpoint, never announced
