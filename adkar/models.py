"""Import every model so metadata is complete (Alembic autogenerate, create_all in tools)."""

from .accounts.models import ApiToken, DirectoryGroup, DirectoryGroupMember, ScimToken, User
from .actions.models import Action, LibraryEntry, ResistanceEntry
from .adoption.models import AdoptionSettings, UsageFigure
from .alerts.models import AlertPreference, AlertSent
from .audit.models import AuditEvent
from .changes.models import ChangeRecord, ChangeSettings, Incident
from .governance.models import CriterionSetting, SignOff, SignOffLink, StageEntry
from .jobs.models import Job
from .kpis.models import Benefit, Kpi, KpiMeasurement
from .plan.models import (
    GateOverride,
    Initiative,
    InitiativeMember,
    Milestone,
    StakeholderGroup,
    milestone_groups,
)
from .plan.roster.models import Participant
from .surveys.models import (
    Invitation,
    MailDelivery,
    MailOptOut,
    PulseSeries,
    ReminderSchedule,
    Response,
    SubmissionReceipt,
    Wave,
    WaveGroup,
)
from .webhooks.models import GateMark, WaveMark, WebhookDelivery, WebhookEndpoint

__all__ = [
    "Action",
    "AdoptionSettings",
    "AlertPreference",
    "AlertSent",
    "ApiToken",
    "AuditEvent",
    "Benefit",
    "ChangeRecord",
    "ChangeSettings",
    "CriterionSetting",
    "DirectoryGroup",
    "DirectoryGroupMember",
    "GateMark",
    "GateOverride",
    "Incident",
    "Initiative",
    "InitiativeMember",
    "Invitation",
    "Job",
    "Kpi",
    "KpiMeasurement",
    "LibraryEntry",
    "MailDelivery",
    "MailOptOut",
    "Milestone",
    "Participant",
    "PulseSeries",
    "ReminderSchedule",
    "ResistanceEntry",
    "Response",
    "ScimToken",
    "SignOff",
    "SignOffLink",
    "StageEntry",
    "StakeholderGroup",
    "SubmissionReceipt",
    "UsageFigure",
    "User",
    "Wave",
    "WaveGroup",
    "WaveMark",
    "WebhookDelivery",
    "WebhookEndpoint",
    "milestone_groups",
]
