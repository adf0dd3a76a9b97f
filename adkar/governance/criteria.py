"""Entry criteria of each stage, evaluated from what the app knows about an initiative.

Plain Python over `Facts`, so every rule can be checked against hand-made cases without a database.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from ..kpis.status import MET, NO_TARGET, STATUS_LABELS
from .models import APPROVED, APPROVER_ROLE_LABELS, REJECTED, STAGE_LABELS, STAGES

# Change-record states at which the go-live change has been carried out (ITSM: review after implement).
IMPLEMENTED_CHANGE_STATES = frozenset({"review", "closed"})
# The roles that must have signed off before a stage may be entered, besides any others named for it.
REQUIRED_ROLES = {"decided": (), "closed": ("controller",)}
ROLES_KEY = "required_roles"
ROLE_SIGNS_OFF = {
    "sponsor": "A sponsor signs off",
    "finance": "Finance signs off",
    "operations": "Operations signs off",
    "controller": "A controller signs off",
    "change_manager": "A change manager signs off",
}
# The default criteria an initiative may switch off, with a justification: (stage, key) -> what it checks.
# The named sign-offs' own decisions can never be switched off (only the sign-off withdrawn).
SWITCHABLE = {
    ("detailed", "groups"): "The stakeholder groups it impacts are named",
    ("detailed", "milestones"): "Milestones with readiness targets are planned",
    ("detailed", "go_live"): "A go-live milestone is planned",
    ("decided", "sign_offs_named"): "Sign-offs are named for Decided",
    ("implemented", "go_live_gate"): "The go-live gate is ready or overridden",
    ("implemented", "change_record"): "The go-live change record is implemented",
    ("closed", "kpis"): "Every KPI with a target is met or its miss explained",
}


@dataclass(frozen=True)
class Settings:
    """An initiative's departures from the defaults: criteria switched off (with why) and, per stage, the
    sign-off roles it requires in place of REQUIRED_ROLES."""

    off: Mapping[tuple[str, str], str] = field(default_factory=dict)
    roles: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def required_roles(self, stage: str) -> tuple[str, ...]:
        return self.roles.get(stage, REQUIRED_ROLES.get(stage, ()))


DEFAULTS = Settings()


@dataclass(frozen=True)
class SignOffFact:
    stage: str
    role: str
    approver: str
    decision: str


@dataclass(frozen=True)
class GoLiveFact:
    """The go-live milestone's gate and its change record (None when no record is linked)."""

    name: str
    gate_status: str
    overridden: bool
    change_state: str | None


@dataclass(frozen=True)
class KpiFact:
    """An outcome KPI's status (adkar.kpis.status), whether a miss is explained, and whether it is a legacy
    measure (one the change contradicts, so it never holds up closing)."""

    name: str
    status: str
    explained: bool = False
    legacy: bool = False


@dataclass(frozen=True)
class Facts:
    groups: int
    milestones: int
    go_live: GoLiveFact | None
    sign_offs: Sequence[SignOffFact] = field(default_factory=tuple)
    kpis: Sequence[KpiFact] = field(default_factory=tuple)
    settings: Settings = DEFAULTS


@dataclass(frozen=True)
class Criterion:
    """One line of a stage's checklist: what is needed, whether it is met, and what the app found."""

    label: str
    met: bool
    found: str
    key: str = ""
    customised: bool = False


def next_stage(stage: str) -> str | None:
    index = STAGES.index(stage)
    return STAGES[index + 1] if index + 1 < len(STAGES) else None


def criteria(stage: str, facts: Facts) -> list[Criterion]:
    """The checklist for entering `stage` (the first stage has none)."""
    if stage not in STAGES:
        raise ValueError(f"unknown stage {stage!r}")
    checks: list[Criterion] = []
    if stage == "detailed":
        checks += _plan_criteria(facts)
    if stage == "implemented":
        checks += _go_live_criteria(facts)
    if stage == "closed":
        checks += _kpi_criteria(facts)
    checks += _sign_off_criteria(stage, facts)
    return [_as_configured(stage, c, facts.settings) for c in checks]


def _as_configured(stage: str, check: Criterion, settings: Settings) -> Criterion:
    """A criterion the initiative switched off holds, and says so with the justification."""
    why = settings.off.get((stage, check.key))
    if why is None:
        return check
    return Criterion(check.label, True, f"Switched off for this initiative: {why}", check.key, True)


def unmet(stage: str, facts: Facts) -> list[Criterion]:
    return [c for c in criteria(stage, facts) if not c.met]


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _plan_criteria(facts: Facts) -> list[Criterion]:
    return [
        Criterion(
            "The stakeholder groups it impacts are named",
            facts.groups > 0,
            _count(facts.groups, "group") if facts.groups else "No stakeholder group yet",
            "groups",
        ),
        Criterion(
            "Milestones with readiness targets are planned",
            facts.milestones > 0,
            _count(facts.milestones, "milestone") if facts.milestones else "No milestone yet",
            "milestones",
        ),
        Criterion(
            "A go-live milestone is planned",
            facts.go_live is not None,
            facts.go_live.name if facts.go_live else "No milestone of kind go-live",
            "go_live",
        ),
    ]


def _go_live_criteria(facts: Facts) -> list[Criterion]:
    go_live = facts.go_live
    if go_live is None:
        return [
            Criterion(
                "The go-live gate is ready or overridden", False, "No go-live milestone", "go_live_gate"
            )
        ]
    gate_words = {"ready": "Ready", "not_ready": "Not ready", "no_data": "No data"}[go_live.gate_status]
    checks = [
        Criterion(
            "The go-live gate is ready or overridden",
            go_live.gate_status == "ready" or go_live.overridden,
            gate_words + (", overridden with a justification" if go_live.overridden else ""),
            "go_live_gate",
        )
    ]
    if go_live.change_state is not None:
        checks.append(
            Criterion(
                "The go-live change record is implemented",
                go_live.change_state in IMPLEMENTED_CHANGE_STATES,
                f"Change record state: {go_live.change_state}",
                "change_record",
            )
        )
    return checks


def _kpi_criteria(facts: Facts) -> list[Criterion]:
    """Every KPI with a target is met, or its miss is explained; legacy KPIs are left out."""
    counted = [k for k in facts.kpis if k.status != NO_TARGET and not k.legacy]
    if not counted:
        return [
            Criterion(
                "Every KPI with a target is met or its miss explained", True, "No KPI with a target", "kpis"
            )
        ]
    checks = []
    for kpi in counted:
        words = STATUS_LABELS[kpi.status]
        if kpi.status != MET and kpi.explained:
            words += ", explained"
        checks.append(
            Criterion(
                f"KPI “{kpi.name}” is met or its miss explained",
                kpi.status == MET or kpi.explained,
                words,
                "kpis",
            )
        )
    return checks


def _sign_off_criteria(stage: str, facts: Facts) -> list[Criterion]:
    mine = [s for s in facts.sign_offs if s.stage == stage]
    checks = []
    if stage == "decided" and not mine:
        checks.append(
            Criterion(
                f"Sign-offs are named for {STAGE_LABELS[stage]}",
                False,
                "No sign-off named",
                "sign_offs_named",
            )
        )
    required = facts.settings.required_roles(stage)
    customised = stage in facts.settings.roles
    if customised and not required:
        label = f"Sign-off roles required for {STAGE_LABELS[stage]}"
        checks.append(Criterion(label, True, "None, as set for this initiative", ROLES_KEY, True))
    for role in required:
        named = [s for s in mine if s.role == role]
        checks.append(
            Criterion(
                ROLE_SIGNS_OFF[role],
                any(s.decision == APPROVED for s in named),
                ", ".join(f"{s.approver}: {s.decision}" for s in named) or "None named",
                ROLES_KEY,
                customised,
            )
        )
    for s in mine:
        words = {APPROVED: "Approved", REJECTED: "Rejected"}.get(s.decision, "Not decided yet")
        checks.append(
            Criterion(
                f"{APPROVER_ROLE_LABELS[s.role]} sign-off by {s.approver}", s.decision == APPROVED, words
            )
        )
    return checks
