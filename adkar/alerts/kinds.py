"""The alert kinds, their labels, and which are on for a role until the user says otherwise (plain Python)."""

from __future__ import annotations

GATE_PROJECTED_TO_MISS = "gate_projected_to_miss"
LOW_PARTICIPATION = "low_participation"
CHANGE_AHEAD_OF_PEOPLE = "change_ahead_of_people"
RESISTANCE_LOGGED = "resistance_logged"
WEEKLY_DIGEST = "weekly_digest"

KINDS = (GATE_PROJECTED_TO_MISS, LOW_PARTICIPATION, CHANGE_AHEAD_OF_PEOPLE, RESISTANCE_LOGGED, WEEKLY_DIGEST)
KIND_LABELS = {
    GATE_PROJECTED_TO_MISS: "A milestone gate is projected to miss its threshold",
    LOW_PARTICIPATION: "Participation is low in a survey wave that closes soon",
    CHANGE_AHEAD_OF_PEOPLE: "An IT change is scheduled while its people gate is not ready",
    RESISTANCE_LOGGED: "Resistance is logged for a stakeholder group",
    WEEKLY_DIGEST: "Weekly digest of each initiative (Mondays)",
}
# Sponsors decide: they hear when a gate will miss, and once a week. Practitioners run the plan: everything.
# Admins see every initiative, so they start with the sponsors' quieter set.
_DEFAULTS = {
    "sponsor": frozenset({GATE_PROJECTED_TO_MISS, WEEKLY_DIGEST}),
    "practitioner": frozenset(KINDS),
    "admin": frozenset({GATE_PROJECTED_TO_MISS, WEEKLY_DIGEST}),
}


def default_enabled(role: str, kind: str) -> bool:
    """Whether `kind` is on for a user of `role` who has not chosen yet."""
    return kind in _DEFAULTS.get(role, frozenset())
