"""The scopes an integration's token can be limited to, instead of acting with everything its user may do."""

from __future__ import annotations

SCOPES = {
    "read:readiness": "Read readiness: wave results above the anonymity minimum, trends, gate status and the deployment gate.",
    "write:usage": "Read and write adoption usage figures and targets.",
    "write:changes": "Read and write ITSM change records of milestones.",
}


def check_scopes(scopes: list[str] | tuple[str, ...]) -> list[str]:
    """The scopes, deduplicated in a stable order; ValueError naming the first unknown one."""
    for scope in scopes:
        if scope not in SCOPES:
            raise ValueError(f"Unknown scope {scope!r}; choose from {', '.join(SCOPES)}.")
    return [scope for scope in SCOPES if scope in scopes]
