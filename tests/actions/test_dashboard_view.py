"""actions_for_dashboard: per group at risk, the actions in flight and whether the next wave moved them."""

from __future__ import annotations

from datetime import timedelta

from adkar.actions import services
from adkar.actions.dashboard import actions_for_dashboard
from adkar.dashboard.summary import headline
from adkar.readiness.figures import initiative_report
from adkar.timeutil import today

from .support import wave


def _plans(initiative, report, day):
    """The action plans as the dashboard shows them: for the groups its headline finds at risk."""
    milestones = [
        {"id": m.id, "name": m.name, "kind": m.kind, "due": m.due, "threshold": m.threshold}
        for m in initiative.milestones
    ]
    found = headline(report, milestones=milestones, go_live=initiative.go_live, today=day)
    ids = [g.group_id for g in found.at_risk]
    return actions_for_dashboard(initiative, report, at_risk_group_ids=ids, today=day)


LOW_KNOWLEDGE = [(4, 4, 2, 2, 2)] * 5  # everyone stops at knowledge (mean 2.0), adoption 0
BETTER_KNOWLEDGE = [(4, 4, 4, 2, 2)] * 3 + [(4, 4, 3, 2, 2)] * 2  # knowledge mean 3.6, adoption 0
READY = [(5, 5, 5, 5, 5)] * 5  # adoption 100%


def test_at_risk_groups_get_their_actions_and_effects(app, cast):
    day = today()
    wave(
        cast.initiative,
        cast.owner,
        {cast.field: LOW_KNOWLEDGE, cast.desk: READY},
        name="Pulse 1",
        opens_on=day - timedelta(days=40),
        closes_on=day - timedelta(days=30),
    )
    wave(
        cast.initiative,
        cast.owner,
        {cast.field: BETTER_KNOWLEDGE, cast.desk: READY},
        name="Pulse 2",
        opens_on=day - timedelta(days=10),
        closes_on=day - timedelta(days=5),
    )

    def act(what, status, start, element="knowledge", due=10):
        return services.create_action(
            group=cast.field,
            actor=cast.owner,
            element=element,
            what=what,
            owner="Lead",
            starts_on=day + timedelta(days=start),
            due_on=day + timedelta(days=start + due),
            status=status,
        )

    measured = act("Role-based training", "in_progress", -25)
    late = act("Sandbox practice", "planned", -20, element="ability", due=5)  # due 15 days ago: overdue
    act("Old briefing", "done", -60)
    act("Dropped idea", "cancelled", -60)
    unmeasured = act("Coaching", "planned", 3)
    services.create_resistance(
        group=cast.field, actor=cast.owner, what="A", reason="left_out", people=3, logged_on=day
    )
    services.create_resistance(
        group=cast.field,
        actor=cast.owner,
        what="B",
        reason="left_out",
        people=2,
        logged_on=day,
        status="closed",
    )

    plans = _plans(cast.initiative, initiative_report(cast.initiative), day)
    assert [p.name for p in plans] == ["Field engineers"]  # the desk is ready
    plan = plans[0]
    assert plan.barrier == "ability" and plan.targets_barrier  # Pulse 2: 3 of 5 stop at ability
    assert [a.id for a in plan.actions] == [measured.id, late.id, unmeasured.id]
    assert (plan.done, plan.open_resistance, plan.resisting_people) == (1, 1, 3)
    first = plan.actions[0]
    assert (first.effect.before_wave, first.effect.after_wave) == ("Pulse 1", "Pulse 2")
    assert (first.effect.before_mean, first.effect.after_mean, first.effect.direction) == (2.0, 3.6, "up")
    assert plan.actions[1].overdue and plan.actions[1].effect.element == "ability"
    assert plan.actions[2].effect is None and not plan.actions[2].overdue
    assert plan.actions[0].status_label == "In progress"


def test_the_caller_may_name_the_groups_and_unknown_ids_are_ignored(app, cast, factory):
    other = factory.initiative(cast.owner, name="Other")
    stray = factory.group(other, name="Elsewhere")
    report = initiative_report(cast.initiative)
    plans = actions_for_dashboard(cast.initiative, report, at_risk_group_ids=[cast.desk.id, stray.id])
    assert [(p.group_id, p.barrier, p.actions) for p in plans] == [(cast.desk.id, None, [])]
    assert actions_for_dashboard(cast.initiative, report, at_risk_group_ids=[]) == []
    assert _plans(cast.initiative, report, today()) == []  # no wave: nobody is shown at risk


def test_the_dashboard_partial_renders_plans(app, cast):
    from flask import render_template_string

    day = today()
    wave(
        cast.initiative,
        cast.owner,
        {cast.field: LOW_KNOWLEDGE},
        name="Pulse 1",
        opens_on=day - timedelta(days=40),
        closes_on=day - timedelta(days=30),
    )
    services.create_action(
        group=cast.field,
        actor=cast.owner,
        element="desire",
        what="<script>x</script>",
        owner="Lead",
        starts_on=day,
        due_on=day,
    )
    plans = _plans(cast.initiative, initiative_report(cast.initiative), day)
    source = '{% from "actions/_dashboard_actions.html" import at_risk_actions with context %}{{ at_risk_actions(plans, live=live) }}'
    with app.test_request_context():
        page = render_template_string(source, plans=plans, live=True)
        offline = render_template_string(source, plans=plans, live=False)
        empty = render_template_string(source, plans=[], live=True)
    assert "Field engineers" in page and "&lt;script&gt;x&lt;/script&gt;" in page and "<script>x" not in page
    assert "No action in flight works on Knowledge, the group's barrier point." in page
    assert f"/groups/{cast.field.id}/actions" in page and f"/groups/{cast.field.id}/actions" not in offline
    assert "Not measured yet" in page
    assert "No group is at risk" in empty
