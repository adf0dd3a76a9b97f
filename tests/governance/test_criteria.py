"""Stage entry criteria against hand-made facts: what each stage needs, and what the checklist says."""

from __future__ import annotations

import pytest

from adkar.governance.criteria import Facts, GoLiveFact, KpiFact, SignOffFact, criteria, next_stage, unmet

PLANNED = Facts(groups=3, milestones=4, go_live=GoLiveFact("Go-live", "not_ready", False, None))


def labels(checks) -> list[str]:
    return [c.label for c in checks]


def test_stages_follow_one_another_and_closed_is_last():
    assert [next_stage(s) for s in ("defined", "detailed", "decided", "implemented", "closed")] == [
        "detailed",
        "decided",
        "implemented",
        "closed",
        None,
    ]
    with pytest.raises(ValueError):
        criteria("done", PLANNED)


def test_detailed_needs_groups_milestones_and_a_go_live():
    empty = Facts(groups=0, milestones=0, go_live=None)
    assert labels(unmet("detailed", empty)) == [
        "The stakeholder groups it impacts are named",
        "Milestones with readiness targets are planned",
        "A go-live milestone is planned",
    ]
    assert [c.found for c in criteria("detailed", PLANNED)] == ["3 groups", "4 milestones", "Go-live"]
    assert unmet("detailed", PLANNED) == []


def test_decided_needs_at_least_one_sign_off_and_every_one_approved():
    assert [c.found for c in unmet("decided", PLANNED)] == ["No sign-off named"]
    named = Facts(
        3,
        4,
        PLANNED.go_live,
        [
            SignOffFact("decided", "sponsor", "Sam Sponsor", "approved"),
            SignOffFact("decided", "finance", "Fay Finance", "pending"),
            SignOffFact("closed", "controller", "Cole Controller", "pending"),  # another stage's: not counted
        ],
    )
    assert [(c.label, c.found) for c in unmet("decided", named)] == [
        ("Finance sign-off by Fay Finance", "Not decided yet")
    ]
    approved = Facts(3, 4, PLANNED.go_live, [SignOffFact("decided", "finance", "Fay Finance", "approved")])
    assert unmet("decided", approved) == []
    rejected = Facts(3, 4, PLANNED.go_live, [SignOffFact("decided", "finance", "Fay Finance", "rejected")])
    assert [c.found for c in unmet("decided", rejected)] == ["Rejected"]


@pytest.mark.parametrize(
    ("gate", "overridden", "change", "missing"),
    [
        ("ready", False, None, []),
        ("not_ready", True, None, []),
        ("not_ready", False, None, ["The go-live gate is ready or overridden"]),
        ("no_data", False, None, ["The go-live gate is ready or overridden"]),
        ("ready", False, "implement", ["The go-live change record is implemented"]),
        ("ready", False, "review", []),
        ("ready", False, "closed", []),
        (
            "not_ready",
            False,
            "scheduled",
            ["The go-live gate is ready or overridden", "The go-live change record is implemented"],
        ),
    ],
)
def test_implemented_needs_the_go_live_gate_and_its_change(gate, overridden, change, missing):
    facts = Facts(3, 4, GoLiveFact("Go-live", gate, overridden, change))
    assert labels(unmet("implemented", facts)) == missing


def test_implemented_without_a_go_live_milestone_is_refused():
    assert [c.found for c in unmet("implemented", Facts(3, 4, None))] == ["No go-live milestone"]


def test_closed_needs_the_controllers_approval():
    assert labels(unmet("closed", PLANNED)) == ["A controller signs off"]
    pending = Facts(3, 4, PLANNED.go_live, [SignOffFact("closed", "controller", "Cole", "pending")])
    assert [c.found for c in unmet("closed", pending)] == ["Cole: pending", "Not decided yet"]
    done = Facts(3, 4, PLANNED.go_live, [SignOffFact("closed", "controller", "Cole", "approved")])
    assert unmet("closed", done) == []
    only_finance = Facts(3, 4, PLANNED.go_live, [SignOffFact("closed", "finance", "Fay", "approved")])
    assert labels(unmet("closed", only_finance)) == ["A controller signs off"]


def test_closed_needs_every_kpi_with_a_target_met_or_explained():
    controller = [SignOffFact("closed", "controller", "Cole", "approved")]
    kpis = [
        KpiFact("Ticket resolution hours", "met"),
        KpiFact("First-contact resolution", "off_track"),
        KpiFact("Uptime", "on_track", explained=True),  # not met by closing, and the team says why
        KpiFact("Cost saved", "no_target"),  # nothing to meet
        KpiFact("Calls to the old hotline", "off_track", legacy=True),  # the change contradicts it
        KpiFact("Deployment frequency", "no_data"),
    ]
    facts = Facts(3, 4, PLANNED.go_live, controller, kpis)
    assert [(c.label, c.found) for c in unmet("closed", facts)] == [
        ("KPI “First-contact resolution” is met or its miss explained", "Off track"),
        ("KPI “Deployment frequency” is met or its miss explained", "No data"),
    ]
    assert [c.found for c in criteria("closed", facts)][:3] == ["Met", "Off track", "On track, explained"]


def test_closed_without_kpis_with_targets_says_so_and_needs_only_the_controller():
    only_legacy = Facts(3, 4, PLANNED.go_live, kpis=[KpiFact("Old hotline calls", "off_track", legacy=True)])
    first = criteria("closed", only_legacy)[0]
    assert (first.label, first.met, first.found) == (
        "Every KPI with a target is met or its miss explained",
        True,
        "No KPI with a target",
    )
    assert labels(unmet("closed", only_legacy)) == ["A controller signs off"]


def test_kpis_do_not_hold_up_the_earlier_stages():
    missed = Facts(3, 4, GoLiveFact("Go-live", "ready", False, None), kpis=[KpiFact("Uptime", "off_track")])
    assert unmet("implemented", missed) == []
