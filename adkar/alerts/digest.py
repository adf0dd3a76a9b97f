"""The weekly digest of an initiative: the dashboard's own figures, summed up for the inbox on Mondays."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from ..dashboard.context import milestone_record
from ..dashboard.gateboard import STATUS_WORDS
from ..dashboard.summary import headline, overall_rows
from ..governance.models import APPROVER_ROLE_LABELS, PENDING, STAGE_LABELS, SignOff
from ..plan.models import Initiative, Milestone
from ..readiness.figures import InitiativeReadiness
from ..rules.formatting import precise_percent
from ..surveys.waves.services import wave_status
from .kinds import WEEKLY_DIGEST
from .rules import Alert, Link, missing_groups

DIGEST_WEEKDAY = 0  # Monday
RECENT_DAYS = 7


def is_digest_day(day: date) -> bool:
    return day.weekday() == DIGEST_WEEKDAY


def digest_alert(
    initiative: Initiative,
    report: InitiativeReadiness,
    milestones: Sequence[Milestone],
    gates: Sequence[Mapping[str, Any]],
    *,
    today: date,
    recent_resistance: int,
    sign_offs: Sequence[SignOff],
) -> Alert | None:
    """The digest for the week starting `today`, or None on any other day than Monday."""
    if not is_digest_day(today):
        return None
    records = [milestone_record(m, g) for m, g in zip(milestones, gates, strict=True)]
    top = headline(report, milestones=records, go_live=initiative.go_live, today=today)
    adoption = next(k for k in top.kpis if k.key == "adoption")
    return Alert(
        kind=WEEKLY_DIGEST,
        initiative_id=initiative.id,
        initiative_name=initiative.name,
        key=f"digest:{initiative.id}:{today.isoformat()}",
        subject=f"Weekly digest: {initiative.name}, week of {today.isoformat()}",
        link=Link("dashboard.show", {"initiative_id": initiative.id}),
        context={
            "week_of": today,
            "go_live": initiative.go_live,
            "days_to_go_live": (initiative.go_live - today).days,
            "gates": [_gate_line(m, g, today) for m, g in zip(milestones, gates, strict=True)],
            "adoption": {"value": adoption.display, "note": adoption.note},
            "waves": _open_waves(report, today),
            "recent_resistance": recent_resistance,
            "recent_days": RECENT_DAYS,
            "sign_offs": [
                {
                    "stage": STAGE_LABELS.get(s.stage, s.stage),
                    "role": APPROVER_ROLE_LABELS.get(s.role, s.role),
                    "approver": s.approver.display_name,
                }
                for s in sign_offs
                if s.decision == PENDING
            ],
        },
    )


def _gate_line(milestone: Milestone, gate: Mapping[str, Any], today: date) -> dict[str, Any]:
    return {
        "name": milestone.name,
        "due": milestone.due,
        "status": STATUS_WORDS[gate["status"]],
        "overridden": bool(gate.get("overridden")),
        "projected_to_miss": bool(missing_groups(gate, due=milestone.due, today=today)),
    }


def _open_waves(report: InitiativeReadiness, today: date) -> list[dict[str, Any]]:
    """Open waves with their overall response rate, as the dashboard's wave list gives it."""
    overall = overall_rows(report.trend)
    lines = []
    for wave in report.waves.itertuples(index=False):
        if wave_status(wave, today) != "open":  # reads opens_on and closes_on only
            continue
        row = overall.get(int(wave.wave_id))
        invited = int(row["invited"]) if row is not None else 0
        lines.append(
            {
                "name": str(wave.name),
                "closes_on": wave.closes_on,
                "n": int(row["n"]) if row is not None else 0,
                "invited": invited,
                "rate": precise_percent(row["response_rate"]) if row is not None and invited else None,
            }
        )
    return lines
