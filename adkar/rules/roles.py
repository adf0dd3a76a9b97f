"""Who may do what, by role: admins and practitioners change plans, sponsors read (and decide)."""

from __future__ import annotations

ROLES = ("admin", "practitioner", "sponsor")
WRITER_ROLES = ("admin", "practitioner")
"""The roles that may change what they can see: initiatives, the action library, portfolio settings."""


def may_write(role: str) -> bool:
    return role in WRITER_ROLES
