"""When each alert fires, read from figures the app already computes (gates, change risks, the readiness
trend): these functions decide, they never recompute a gate, a projection or a response rate.

Each returns `Alert`s with a dedupe key; services.py finds who should get them and sends each once.
Thresholds and wording are in docs/alerts.md.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pandas as pd

from ..actions.models import RESISTANCE_REASON_LABELS, ResistanceEntry
from ..changes.services import ChangeRisk
from ..elements import ELEMENT_LABELS
from ..plan.models import Initiative, Milestone
from ..rules.formatting import pace_sentence, percent, precise_percent
from ..rules.thresholds import exact, reaches
from ..surveys.waves.services import wave_status
from .kinds import (
    CHANGE_AHEAD_OF_PEOPLE,
    GATE_PROJECTED_TO_MISS,
    LOW_PARTICIPATION,
    RESISTANCE_LOGGED,
)

DEFAULT_PARTICIPATION_DAYS = 3
DEFAULT_PARTICIPATION_RATE = 0.5


@dataclass(frozen=True)
class Link:
    """A page of the app, built as an absolute URL when the mail is composed."""

    endpoint: str
    values: Mapping[str, Any] = field(default_factory=dict)
    anchor: str | None = None


@dataclass(frozen=True)
class Alert:
    """One thing to tell the readers of an initiative; `key` is the same every time the rule sees it."""

    kind: str
    initiative_id: int
    initiative_name: str
    key: str
    subject: str
    link: Link
    context: Mapping[str, Any] = field(default_factory=dict)


# --- a gate projected to miss -----------------------------------------------------------------------------


def missing_groups(gate: Mapping[str, Any], *, due: date, today: date) -> list[Mapping[str, Any]]:
    """The gate's group cells projected to miss: the milestone is today or ahead, the gate is neither ready
    nor overridden, and the group is not ready with a projection (adkar.analytics.projection, as the gate
    board shows it) below the threshold. A group without a projection (fewer than two visible waves) is not
    projected to miss; the gate board shows it as not ready or no data."""
    if due < today or gate["status"] == "ready" or gate.get("overridden"):
        return []
    threshold = exact(gate["threshold"])
    return [
        cell
        for cell in gate["groups"]
        if cell["status"] != "ready"
        and cell["projected"] is not None
        and exact(cell["projected"]) < threshold
    ]


def gate_alerts(
    initiative: Initiative,
    milestones: Sequence[Milestone],
    gates: Sequence[Mapping[str, Any]],
    *,
    today: date,
    group_names: Mapping[int, str],
) -> list[Alert]:
    """One alert per milestone and due date: moving the milestone re-arms it."""
    by_id = {int(g["milestone_id"]): g for g in gates}
    alerts = []
    for milestone in milestones:
        gate = by_id.get(milestone.id)
        if gate is None:
            continue
        cells = missing_groups(gate, due=milestone.due, today=today)
        if not cells:
            continue
        alerts.append(
            Alert(
                kind=GATE_PROJECTED_TO_MISS,
                initiative_id=initiative.id,
                initiative_name=initiative.name,
                key=f"gate:{milestone.id}:{milestone.due.isoformat()}",
                subject=f"{milestone.name} is projected to miss its readiness gate",
                link=Link("dashboard.show", {"initiative_id": initiative.id}),
                context={
                    "milestone": milestone.name,
                    "due": milestone.due,
                    "target": ELEMENT_LABELS[gate["target_element"]],
                    "threshold": precise_percent(gate["threshold"]),
                    "groups": [
                        {
                            "name": group_names.get(int(c["group_id"]), f"Group {c['group_id']}"),
                            "value": percent(c["value"], missing="not shown"),
                            "projected": percent(c["projected"]),
                            "pace": pace_sentence(c.get("pace"), c.get("required_pace")),
                        }
                        for c in cells
                    ],
                },
            )
        )
    return alerts


# --- low participation near closing -----------------------------------------------------------------------


def participation_alerts(
    initiative: Initiative,
    waves: pd.DataFrame,
    trend: pd.DataFrame,
    *,
    today: date,
    days: int = DEFAULT_PARTICIPATION_DAYS,
    rate: float = DEFAULT_PARTICIPATION_RATE,
) -> list[Alert]:
    """One alert per open wave closing within `days` days (0 = today) in which a group's response rate is
    below `rate` (exactly at it is enough). The rate is the readiness figure's (`n / invited`, published
    responses over invitations, or the headcount for an open link), which every page shows for every group,
    suppressed or not; a group nobody was invited to has no rate and never fires."""
    alerts = []
    for wave in waves.itertuples(index=False):
        left = (wave.closes_on - today).days
        if wave_status(wave, today) != "open" or left > days:  # reads opens_on and closes_on only
            continue
        rows = trend[(trend["wave_id"] == wave.wave_id) & trend["group_id"].notna()]
        low = [
            {
                "name": str(row["name"]),
                "n": int(row["n"]),
                "invited": int(row["invited"]),
                "rate": precise_percent(row["response_rate"]),
            }
            for row in rows.to_dict("records")
            if int(row["invited"]) > 0 and not reaches(int(row["n"]), int(row["invited"]), rate)
        ]
        if not low:
            continue
        closes = "today" if left == 0 else "tomorrow" if left == 1 else f"in {left} days"
        alerts.append(
            Alert(
                kind=LOW_PARTICIPATION,
                initiative_id=initiative.id,
                initiative_name=initiative.name,
                key=f"participation:{int(wave.wave_id)}",
                subject=f"Low participation in {wave.name}, which closes {closes}",
                link=Link("waves.show", {"wave_id": int(wave.wave_id)}),
                context={
                    "wave": str(wave.name),
                    "closes_on": wave.closes_on,
                    "closes": closes,
                    "threshold": precise_percent(rate),
                    "groups": low,
                },
            )
        )
    return alerts


# --- a change scheduled ahead of its people ---------------------------------------------------------------


def change_alerts(initiative: Initiative, risks: Sequence[ChangeRisk]) -> list[Alert]:
    """The change-record risk of the gate board (adkar.changes.services.change_risks), once per record,
    state and milestone date: a change that moves from scheduled to implement while still ahead of its
    people is told again."""
    alerts = []
    for risk in risks:
        if not risk.risk or risk.record is None:
            continue
        record = risk.record
        alerts.append(
            Alert(
                kind=CHANGE_AHEAD_OF_PEOPLE,
                initiative_id=initiative.id,
                initiative_name=initiative.name,
                key=f"change:{record.id}:{record.state}:{risk.due.isoformat()}",
                subject=f"Change {record.number} is ahead of its people ({risk.milestone_name})",
                link=Link("change_records.index", {"initiative_id": initiative.id}),
                context={
                    "message": risk.message,
                    "milestone": risk.milestone_name,
                    "due": risk.due,
                    "number": record.number,
                    "record_url": record.url,
                    "overridden": risk.overridden,
                },
            )
        )
    return alerts


# --- resistance logged ------------------------------------------------------------------------------------


def resistance_alerts(initiative: Initiative, entries: Sequence[ResistanceEntry]) -> list[Alert]:
    """One alert per resistance entry given (services.py passes those created recently)."""
    return [
        Alert(
            kind=RESISTANCE_LOGGED,
            initiative_id=initiative.id,
            initiative_name=initiative.name,
            key=f"resistance:{entry.id}",
            subject=f"Resistance logged for {entry.group.name}",
            link=Link("actions.group_plan", {"group_id": entry.group_id}, anchor="resistance"),
            context={
                "group": entry.group.name,
                "what": entry.what,
                "reason": RESISTANCE_REASON_LABELS.get(entry.reason, entry.reason),
                "people": entry.people,
                "response": entry.response,
                "logged_on": entry.logged_on,
            },
        )
        for entry in entries
    ]
