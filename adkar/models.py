"""Import every model so metadata is complete (Alembic autogenerate, create_all in tools)."""

from .accounts.models import ApiToken, User
from .audit.models import AuditEvent
from .plan.models import (
    GateOverride,
    Initiative,
    InitiativeMember,
    Milestone,
    StakeholderGroup,
    milestone_groups,
)
from .surveys.models import Invitation, Response, SubmissionReceipt, Wave, WaveGroup

__all__ = [
    "ApiToken",
    "AuditEvent",
    "GateOverride",
    "Initiative",
    "InitiativeMember",
    "Invitation",
    "Milestone",
    "Response",
    "StakeholderGroup",
    "SubmissionReceipt",
    "User",
    "Wave",
    "WaveGroup",
    "milestone_groups",
]
