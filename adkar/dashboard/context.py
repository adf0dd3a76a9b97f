"""The initiative dashboard's view model: one readiness report, the gates, the headline and the charts.

Loads with a fixed number of queries whatever the number of waves, milestones, responses or actions: the
report once (`initiative_report`), the milestones with their groups and overrides in one go, the groups
once; then the action plans of the groups at risk, the change records and, when there are usage figures,
measured adoption, each a few queries over the same report.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..actions.dashboard import GroupPlan, actions_for_dashboard
from ..adoption.dashboard import AdoptionView, adoption_for_dashboard
from ..adoption.models import UsageFigure
from ..analytics.rows import is_overall, modal_barrier, number
from ..changes.services import ChangeRisk, change_risks
from ..extensions import db
from ..plan.models import GateOverride, Initiative, Milestone, StakeholderGroup
from ..readiness import figures as readiness
from ..readiness.figures import InitiativeReadiness
from ..surveys.waves.services import wave_status
from ..timeutil import today as current_day
from . import charts, featured
from .gateboard import GateRow, gate_rows
from .summary import Headline, headline, latest_opened_wave, overall_rows, reporting_waves, wave_order


@dataclass(frozen=True)
class WaveLine:
    """One survey wave in the dashboard's wave list."""

    wave_id: int
    name: str
    opens_on: date
    closes_on: date
    status: str
    n: int
    invited: int
    response_rate: float | None
    visible: bool  # the overall figure is shown (at least k responses)


@dataclass
class Dashboard:
    initiative: Initiative
    today: date
    k: int
    report: InitiativeReadiness
    headline: Headline
    gates: list[GateRow]
    groups: list[tuple[int, str]]
    waves: list[WaveLine]
    focus_wave: WaveLine | None  # the wave the per-group table and charts describe
    focus_rows: list[dict[str, Any]]  # its readiness rows shown first (featured.py), then the overall row
    group_count: int = 0  # groups with a row in the focus wave; focus_rows shows at most featured.FEATURED
    # The gate table's and chart's columns: every group up to featured.FEATURED, else the groups shown first.
    gate_groups: list[tuple[int, str]] = field(default_factory=list)
    plans: list[GroupPlan] = field(
        default_factory=list
    )  # one per shown at-risk group (featured.AT_RISK_SHOWN)
    change_risks: list[ChangeRisk] = field(default_factory=list)  # one per milestone, by due date
    adoption: AdoptionView | None = None  # None until the initiative has usage figures
    charts: dict[str, charts.ChartView] = field(default_factory=dict)

    @property
    def more_groups(self) -> int:
        """Groups of the focus wave not in the table or charts (a search or "Show more" away)."""
        return max(self.group_count - sum(1 for r in self.focus_rows if not is_overall(r)), 0)

    @property
    def shown_at_risk(self) -> list:
        """The groups at risk listed with their plans (the lowest adoption first); the rest lead the table."""
        return self.headline.at_risk[: featured.AT_RISK_SHOWN]

    @property
    def days_to_go_live(self) -> int:
        return (self.initiative.go_live - self.today).days

    @property
    def plans_by_group(self) -> dict[int, GroupPlan]:
        return {p.group_id: p for p in self.plans}

    @property
    def change_by_milestone(self) -> dict[int, ChangeRisk]:
        return {r.milestone_id: r for r in self.change_risks}

    @property
    def has_change_records(self) -> bool:
        return any(r.record is not None for r in self.change_risks)


def load_milestones(initiative_id: int) -> list[Milestone]:
    """The initiative's milestones with what a gate reads (groups, overrides and their authors)."""
    return list(
        db.session.scalars(
            select(Milestone)
            .where(Milestone.initiative_id == initiative_id)
            .order_by(Milestone.due, Milestone.id)
            .options(
                selectinload(Milestone.groups),
                selectinload(Milestone.overrides).selectinload(GateOverride.user),
            )
        )
    )


def load_groups(initiative_id: int) -> list[tuple[int, str]]:
    return [
        (int(g), str(n))
        for g, n in db.session.execute(
            select(StakeholderGroup.id, StakeholderGroup.name)
            .where(StakeholderGroup.initiative_id == initiative_id)
            .order_by(StakeholderGroup.id)
        )
    ]


def has_usage(initiative_id: int) -> bool:
    """Whether any group of the initiative has a usage figure (the dashboard shows usage only then)."""
    query = (
        select(UsageFigure.id)
        .join(StakeholderGroup, StakeholderGroup.id == UsageFigure.group_id)
        .where(StakeholderGroup.initiative_id == initiative_id)
        .limit(1)
    )
    return db.session.scalar(query) is not None


def milestone_record(milestone: Milestone, gate: Mapping[str, Any] | None = None) -> dict[str, Any]:
    return {
        "id": milestone.id,
        "name": milestone.name,
        "kind": milestone.kind,
        "due": milestone.due,
        "target_element": milestone.target_element,
        "threshold": milestone.threshold,
        "overridden": bool(gate and gate.get("overridden")),
    }


def computed_gate(milestone: Milestone) -> dict[str, Any]:
    """The gate of one milestone as it reads now (for recording an override against it)."""
    initiative = db.session.get(Initiative, milestone.initiative_id)
    assert initiative is not None
    return readiness.gate(milestone, readiness.initiative_report(initiative))


def build_dashboard(initiative: Initiative, *, today: date | None = None) -> Dashboard:
    """Everything the dashboard page and the HTML report show, from one readiness report."""
    day = today or current_day()
    report = readiness.initiative_report(initiative)
    milestones = load_milestones(initiative.id)
    groups = load_groups(initiative.id)
    gates = [readiness.gate(m, report) for m in milestones]
    records = [milestone_record(m, g) for m, g in zip(milestones, gates, strict=True)]

    waves = _wave_lines(report, day)
    focus = _focus_wave(report, waves, day)
    all_rows = _focus_rows(report, focus)
    top = headline(report, milestones=records, go_live=initiative.go_live, today=day)
    at_risk_ids = [g.group_id for g in top.at_risk]
    focus_rows = featured.featured(all_rows, at_risk_ids)
    gate_groups = featured.gate_columns(groups, focus_rows, at_risk_ids)
    board = Dashboard(
        initiative=initiative,
        today=day,
        k=report.k,
        report=report,
        headline=top,
        gates=gate_rows(records, gates, [g for g, _ in gate_groups], today=day),
        groups=groups,
        gate_groups=gate_groups,
        waves=waves,
        focus_wave=focus,
        focus_rows=focus_rows,
        group_count=sum(1 for r in all_rows if not is_overall(r)),
        # The headline's own list, so the table and the action plans name the same groups.
        plans=actions_for_dashboard(
            initiative, report, at_risk_group_ids=at_risk_ids[: featured.AT_RISK_SHOWN], today=day
        ),
        change_risks=change_risks(initiative, gates) if milestones else [],
        adoption=adoption_for_dashboard(initiative, report, today=day) if has_usage(initiative.id) else None,
    )
    board.charts = _charts(board, records, gates)
    return board


def _wave_lines(report: InitiativeReadiness, day: date) -> list[WaveLine]:
    overall = overall_rows(report.trend)
    visible = set(reporting_waves(report.trend))
    lines = []
    for wave in report.waves.itertuples(index=False):
        row = overall.get(int(wave.wave_id))
        lines.append(
            WaveLine(
                wave_id=int(wave.wave_id),
                name=str(wave.name),
                opens_on=wave.opens_on,
                closes_on=wave.closes_on,
                status=wave_status(wave, day),  # reads opens_on and closes_on only
                n=int(row["n"]) if row is not None else 0,
                invited=int(row["invited"]) if row is not None else 0,
                response_rate=number(row["response_rate"]) if row is not None else None,
                visible=int(wave.wave_id) in visible,
            )
        )
    order = {w: i for i, w in enumerate(wave_order(report.trend))}
    return sorted(lines, key=lambda w: order.get(w.wave_id, len(order)))


def _focus_wave(report: InitiativeReadiness, waves: list[WaveLine], day: date) -> WaveLine | None:
    """The latest wave with a visible overall figure, else the latest wave that has opened."""
    shown = reporting_waves(report.trend)
    wave_id = shown[-1] if shown else latest_opened_wave(report.waves, day)
    return next((w for w in waves if w.wave_id == wave_id), None)


def _focus_rows(report: InitiativeReadiness, focus: WaveLine | None) -> list[dict[str, Any]]:
    if focus is None:
        return []
    rows = report.trend[report.trend["wave_id"] == focus.wave_id].to_dict("records")
    for row in rows:
        row["barrier_point"] = None if row["suppressed"] else modal_barrier(row)
    return sorted(rows, key=is_overall)


def _charts(board: Dashboard, records: list[dict], gates: list[dict]) -> dict[str, charts.ChartView]:
    result: dict[str, charts.ChartView] = {}
    if board.waves:
        shown = [int(r["group_id"]) for r in board.focus_rows if not is_overall(r)]
        if not shown:  # no focus wave yet: the groups at risk, then the first by id
            shown = [g.group_id for g in board.headline.at_risk][: featured.FEATURED]
            shown += [g for g, _ in board.groups if g not in shown][: featured.FEATURED - len(shown)]
        trend = featured.bounded_trend(
            board.report.trend, shown[: featured.TREND_GROUPS], [w.wave_id for w in board.waves]
        )
        result |= charts.trend_charts(
            trend, milestones=records, go_live=board.initiative.go_live, today=board.today
        )
    if board.focus_rows:
        result |= charts.wave_charts(board.focus_rows, k=board.k)
    if records:
        columns = {g for g, _ in board.gate_groups}
        drawn = [{**g, "groups": [c for c in g["groups"] if c["group_id"] in columns]} for g in gates]
        result["gates"] = charts.gates_chart(drawn, milestones=records, groups=dict(board.gate_groups))
    if board.adoption is not None:
        result["usage"] = charts.view(board.adoption.chart)
    return result


@dataclass(frozen=True)
class GroupListing:
    """One page of the focus wave's groups, in the dashboard's order, filtered by name on the server."""

    initiative: Initiative
    k: int
    focus_wave: WaveLine | None
    query: str
    offset: int
    rows: list[dict[str, Any]]  # at most featured.PAGE_SIZE, suppressed rows as in the readiness report
    matched: int  # groups matching the query
    total: int  # groups of the focus wave

    @property
    def next_offset(self) -> int | None:
        following = self.offset + len(self.rows)
        return following if following < self.matched else None


def group_listing(
    initiative: Initiative, *, query: str = "", offset: int = 0, today: date | None = None
) -> GroupListing:
    """The groups after the dashboard's first FEATURED (offset=FEATURED) or those matching a search: the
    same report, focus wave and at-risk order as build_dashboard, without its charts and plans."""
    day = today or current_day()
    report = readiness.initiative_report(initiative)
    milestones = load_milestones(initiative.id)
    records = [milestone_record(m, readiness.gate(m, report)) for m in milestones]
    focus = _focus_wave(report, _wave_lines(report, day), day)
    rows = _focus_rows(report, focus)
    top = headline(report, milestones=records, go_live=initiative.go_live, today=day)
    query = featured.clean_query(query)
    found = featured.matching(rows, [g.group_id for g in top.at_risk], query)
    return GroupListing(
        initiative=initiative,
        k=report.k,
        focus_wave=focus,
        query=query,
        offset=offset,
        rows=[dict(r) for r in found[offset : offset + featured.PAGE_SIZE]],
        matched=len(found),
        total=sum(1 for r in rows if not is_overall(r)),
    )
