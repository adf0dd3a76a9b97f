"""Issue 7 on the dashboard: actions in flight beside the groups at risk, change records on the gate board,
and measured adoption (usage) beside survey adoption, on the page and in the offline report.

The scenario (scenario.py, k = 5): Service desk is the one visible group of Pulse 2 and is at risk (2 of 6
reached ability, below the Go-live threshold of 50%); Field engineers and Legal are hidden.
"""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest

from adkar.actions import services as actions
from adkar.adoption import services as adoption
from adkar.changes import services as change_records
from adkar.extensions import db

from . import scenario as story
from .builders import make_wave, respond
from .pages import normalise, replace_answers, section, text
from .test_dashboard_page import counting_queries


@pytest.fixture
def world(factory):
    return story.build(factory)


def dashboard(client, world) -> str:
    response = client.get(f"/initiatives/{world.initiative.id}/dashboard")
    assert response.status_code == 200
    return text(response)


def report(client, world) -> str:
    response = client.get(f"/initiatives/{world.initiative.id}/report.html")
    assert response.status_code == 200
    return text(response)


def act(world, group, what, *, element="knowledge", start=-5, due=10, status="in_progress"):
    return actions.create_action(
        group=group,
        actor=world.owner,
        element=element,
        what=what,
        owner="Desk lead",
        starts_on=world.day + timedelta(days=start),
        due_on=world.day + timedelta(days=due),
        status=status,
    )


def resist(world, group, people, status="open"):
    return actions.create_resistance(
        group=group,
        actor=world.owner,
        what="Logging calls in the new tool",
        reason="job_changes",
        people=people,
        status=status,
        logged_on=world.day,
    )


def plans_of(world) -> None:
    """Desk: 1 in progress (knowledge), 1 planned and overdue (ability), 1 done, 1 cancelled; 2 open
    resistance entries (3 + 4 people) and a closed one. Field engineers (hidden) has an action too."""
    act(world, world.desk, "Role-based training")  # starts the day Baseline closes and Pulse 2 opens
    act(world, world.desk, "Floor-walkers", element="ability", start=-20, due=-1, status="planned")
    act(world, world.desk, "Kick-off briefing", element="awareness", start=-60, due=-50, status="done")
    act(world, world.desk, "Dropped idea", start=-60, due=-50, status="cancelled")
    act(world, world.field, "Field coaching", element="desire")
    resist(world, world.desk, 3)
    resist(world, world.desk, 4, status="addressed")
    resist(world, world.desk, 5, status="closed")
    resist(world, world.field, 2)


def cells(row: str) -> list[str]:
    """The text of each <td> of a table row, tags dropped and spaces collapsed."""
    found = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", c).split()) for c in found]


def table_row(html: str, name: str) -> str:
    start = html.index(f'<th scope="row">{name}</th>')
    return html[start : html.index("</tr>", start)]


# --- actions in flight ------------------------------------------------------------------------------------


def test_each_group_at_risk_shows_its_actions_effect_and_open_resistance(client, auth, world):
    plans_of(world)
    auth.login(world.sponsor.email)
    at_risk = section(dashboard(client, world), "at-risk")
    # The table row: adoption 2 of 6, barrier awareness (tied with three others, earliest wins),
    # 2 actions in flight (done and cancelled do not count), 7 people in the 2 entries not closed.
    assert cells(table_row(at_risk, "Service desk")) == [
        "33%",
        "Awareness",
        "6",
        "2 actions in flight for Service desk none on the barrier",
        "7 people (2 entries)",
    ]
    card = at_risk[at_risk.index(f'id="plan-{world.desk.id}"') :]
    card = card[: card.index("</article>")]
    assert card.index("Floor-walkers") < card.index("Role-based training")  # by start date
    assert "Kick-off briefing" not in card and "Dropped idea" not in card
    # Knowledge: Baseline (4 + 2 + 2 + 2 + 2) / 5 = 2.4, Pulse 2 (5 + 4 + 4 + 4 + 3 + 4) / 6 = 4.0.
    assert "Knowledge mean rose from 2.4 to 4.0" in card and "Baseline → Pulse 2" in card
    # Floor-walkers started before Baseline closed: no visible wave before it, and it is past due.
    assert "Not measured yet" in card and "Overdue" in card
    assert "No action in flight works on Awareness, the group's barrier point." in card
    assert "1 action done" in card and "2 open resistance entries (7 people)" in card
    assert f'href="/groups/{world.desk.id}/actions"' in card


def test_only_the_headlines_groups_get_plans_and_hidden_groups_none(client, auth, world):
    plans_of(world)
    auth.login(world.owner.email)
    page = dashboard(client, world)
    at_risk = section(page, "at-risk")
    table = at_risk[: at_risk.index("</table>")]
    named = re.findall(r'<th scope="row">([^<]+)</th>', table)
    cards = re.findall(r'<h4 id="plan-\d+-heading">([^<\n]+)', at_risk)
    assert named == cards == ["Service desk"]
    assert "Field coaching" not in page and f'id="plan-{world.field.id}"' not in page


def test_no_plans_when_no_group_is_at_risk(client, auth, world):
    world.go_live.threshold = 0.3  # 2 of 6 = 33% meets it
    db.session.commit()
    plans_of(world)
    auth.login(world.owner.email)
    at_risk = section(dashboard(client, world), "at-risk")
    assert "No group is below the threshold." in at_risk
    assert 'id="at-risk-actions"' not in at_risk and "Role-based training" not in at_risk


def test_a_group_at_risk_without_actions_says_so(client, auth, world):
    auth.login(world.owner.email)
    at_risk = section(dashboard(client, world), "at-risk")
    assert cells(table_row(at_risk, "Service desk"))[3:] == ["0 actions in flight for Service desk", "none"]
    assert "No action is planned or in progress for this group." in at_risk
    assert "no open resistance logged" in at_risk


def test_action_text_is_escaped_on_the_page_and_in_the_report(client, auth, world):
    act(world, world.desk, '<script>alert("x")</script>')
    resist(world, world.desk, 2)
    auth.login(world.owner.email)
    for html in (dashboard(client, world), report(client, world)):
        assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
        assert '<script>alert("x")' not in html


# --- change records on the gate board ---------------------------------------------------------------------


def link(milestone, number, state, owner, url=""):
    change_records.set_change_record(
        milestone=milestone, actor=owner, number=number, change_type="normal", state=state, url=url
    )


def test_the_gate_board_flags_a_change_scheduled_before_its_people_are_ready(client, auth, world):
    # Training complete is ready (Baseline: 1 of 5 reached knowledge, threshold 20%): implementing is fine.
    link(world.training, "CHG0000100", "implement", world.owner)
    link(world.go_live, "CHG0000200", "scheduled", world.owner, "https://itsm.example.com/CHG0000200")
    auth.login(world.sponsor.email)
    gates = section(dashboard(client, world), "gates")
    assert gates.index('id="change-risks"') < gates.index("<table")  # the alert comes first
    alert = gates[gates.index('id="change-risks"') : gates.index("</div>", gates.index('id="change-risks"'))]
    assert "1 change is scheduled or implementing while the people gate is not ready" in alert
    assert "CHG0000200" in alert and "CHG0000100" not in alert
    assert '<th scope="col">Change record</th>' in gates
    training = gates[gates.index(f'id="gate-{world.training.id}"') :]
    training = training[: training.index("</tr>")]
    go_live = gates[gates.index(f'id="gate-{world.go_live.id}"') :]
    go_live = go_live[: go_live.index("</tr>")]
    assert "CHG0000100 · Normal · Implement" in cells(training)[1]
    assert "Change ahead of its people" not in training
    assert '<a href="https://itsm.example.com/CHG0000200" rel="noopener noreferrer external">' in go_live
    assert "Scheduled" in go_live and "Change ahead of its people" in go_live


def test_no_change_column_or_alert_without_records_and_none_for_closed_changes(client, auth, world):
    auth.login(world.owner.email)
    gates = section(dashboard(client, world), "gates")
    assert "Change record</th>" not in gates and 'id="change-risks"' not in gates
    link(world.go_live, "CHG0000200", "closed", world.owner)
    gates = section(dashboard(client, world), "gates")
    assert "Change record</th>" in gates and 'id="change-risks"' not in gates


# --- measured adoption ------------------------------------------------------------------------------------


def figures(world, desk, field, legal, *, days_ago=3):
    adoption.import_figures(
        initiative=world.initiative,
        actor=world.owner,
        source="test",
        rows=[
            {"group_id": g.id, "day": world.day - timedelta(days=days_ago), "active_users": a}
            for g, a in ((world.desk, desk), (world.field, field), (world.legal, legal))
        ],
    )


def test_usage_tiles_and_chart_appear_only_with_usage_figures(client, auth, world):
    auth.login(world.sponsor.email)
    page = dashboard(client, world)
    assert 'id="usage"' not in page and "usage-adoption" not in page
    figures(world, 9, 15, 6)  # 30 of 12 + 20 + 6 = 38 people
    page = dashboard(client, world)
    usage = section(page, "usage")
    assert re.search(r'data-kpi="ultimate_utilisation">79%<', usage)  # 30 / 38 = 78.9%
    assert re.search(r'data-kpi="target_utilisation">80%<', usage)
    assert re.search(r'data-kpi="speed_of_adoption">Not yet<', usage)  # go-live is in 20 days
    assert 'id="usage-adoption" class="chart-canvas" role="img"' in usage
    data = page[page.index('data-target="usage-adoption">') :]
    figure = json.loads(data[len('data-target="usage-adoption">') : data.index("</script>")])
    overall = [t for t in figure["data"] if t["visible"] is True]
    assert overall[0]["name"] == "Utilisation (usage)" and overall[0]["y"] == [pytest.approx(30 / 38)]
    assert f'href="/initiatives/{world.initiative.id}/adoption"' in usage


def test_speed_of_adoption_counts_days_from_go_live(client, auth, world):
    world.initiative.go_live = world.day - timedelta(days=10)
    db.session.commit()
    figures(world, 4, 5, 1, days_ago=12)  # before go-live: a pilot, never counts
    figures(world, 10, 17, 4, days_ago=4)  # 31 / 38 = 81.6%, 6 days after go-live
    auth.login(world.owner.email)
    usage = section(dashboard(client, world), "usage")
    assert re.search(r'data-kpi="speed_of_adoption">6 days<', usage)
    assert re.search(r'data-kpi="ultimate_utilisation">82%<', usage)


# --- the offline report and anonymity ---------------------------------------------------------------------


def test_the_report_carries_the_same_panels_without_links_into_the_app(client, auth, world):
    plans_of(world)
    link(world.go_live, "CHG0000200", "scheduled", world.owner, "https://itsm.example.com/CHG0000200")
    figures(world, 9, 15, 6)
    auth.login(world.sponsor.email)
    html = report(client, world)
    assert "Role-based training" in html and "Knowledge mean rose from 2.4 to 4.0" in html
    assert 'id="change-risks"' in html and "CHG0000200" in html
    assert 'data-target="usage-adoption"' in html and 'data-kpi="ultimate_utilisation">79%<' in html
    assert "/groups/" not in html and f"/initiatives/{world.initiative.id}/adoption" not in html


def test_moving_answers_between_hidden_groups_changes_no_panel(client, auth, world):
    plans_of(world)
    link(world.go_live, "CHG0000200", "scheduled", world.owner)
    figures(world, 9, 15, 6)
    auth.login(world.owner.email)
    before = (normalise(dashboard(client, world)), normalise(report(client, world)))
    replace_answers(world.pulse_id, world.field.id)
    replace_answers(world.pulse_id, world.legal.id)
    respond(world.pulse_id, world.field.id, [story.DISTINCT] * 4 + [story.ALL_FOUR])
    respond(world.pulse_id, world.legal.id, [story.ALL_FOUR] * 4, published_at_k=story.LEGAL_K)
    after = (normalise(dashboard(client, world)), normalise(report(client, world)))
    assert before[0] == after[0] and before[1] == after[1]


def test_query_count_with_every_panel_does_not_grow_with_actions_figures_or_responses(
    client, auth, factory, world
):
    plans_of(world)
    link(world.go_live, "CHG0000200", "scheduled", world.owner)
    figures(world, 9, 15, 6)
    auth.login(world.owner.email)
    db.session.rollback()
    with counting_queries() as small:
        dashboard(client, world)
    for number in range(8):
        act(world, world.desk, f"Extra action {number}", start=-number)
        resist(world, world.desk, number + 1)
    for days_ago in (5, 7, 9):
        figures(world, 3, 4, 1, days_ago=days_ago)
    link(world.training, "CHG0000100", "implement", world.owner)
    extra = make_wave(
        world.initiative,
        world.owner,
        [world.desk, world.field],
        name="Pulse 3",
        opens_on=world.day,
        closes_on=world.day + timedelta(days=3),
    )
    respond(extra.id, world.desk.id, [story.ALL_TWO] * 30)
    db.session.rollback()
    with counting_queries() as large:
        page = dashboard(client, world)
    assert "Extra action 7" in page
    assert len(large) == len(small), "\n".join([s[:60] for s in small] + ["---"] + [s[:60] for s in large])
    # The readiness dashboard's 11, then 3 for the plans of the groups at risk, 2 for the change
    # records and 4 for measured adoption (whether there are figures, the figures, the target, the groups).
    assert len(small) <= 20
