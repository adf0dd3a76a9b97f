"""The sponsor dashboard: who may read it, what it shows, and that its numbers are the API's numbers."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import timedelta

import pytest
from markupsafe import escape
from sqlalchemy import event

from adkar.extensions import db

from . import scenario as story
from .builders import make_wave, respond
from .pages import CHART_IDS, kpi, section, text


@pytest.fixture
def world(factory):
    return story.build(factory)


def dashboard(client, world):
    return client.get(f"/initiatives/{world.initiative.id}/dashboard")


@pytest.mark.parametrize("who", ["owner", "colleague", "sponsor"])
def test_readers_see_every_chart_with_title_and_caption(client, auth, world, who):
    auth.login(getattr(world, who).email)
    response = dashboard(client, world)
    assert response.status_code == 200
    page = text(response)
    for chart_id in CHART_IDS:
        assert f'id="{chart_id}" class="chart-canvas" role="img" aria-label="' in page
        assert f'<script type="application/json" class="chart-data" data-target="{chart_id}">' in page
        figure = page[page.index(f'id="figure-{chart_id}"') :]
        figure = figure[: figure.index("</figure>")]
        assert '<h3 class="chart-title"' in figure and '<p class="caption">' in figure
    assert "Service desk migration: readiness" in page
    assert "20 days to go-live" in page
    assert "/static/vendor/plotly.min.js" in page and "cdn" not in page.lower()


def test_admin_reads_and_stranger_gets_404(client, auth, factory, world):
    admin = factory.user("admin")
    auth.login(admin.email)
    assert dashboard(client, world).status_code == 200
    auth.logout()
    auth.login(world.stranger.email)
    assert dashboard(client, world).status_code == 404
    assert client.get(f"/waves/{world.pulse_id}/readiness").status_code == 404
    assert client.get(f"/initiatives/{world.initiative.id}/readiness.csv").status_code == 404
    assert client.get(f"/initiatives/{world.initiative.id}/report.html").status_code == 404


def test_signed_out_visitors_are_sent_to_sign_in(client, world):
    response = dashboard(client, world)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_kpis_are_the_api_numbers_rounded_as_displayed(client, auth, factory, world):
    token = factory.token(world.sponsor)
    api = client.get(
        f"/api/v1/waves/{world.pulse_id}/readiness", headers={"Authorization": f"Bearer {token}"}
    ).get_json()["overall"]
    auth.login(world.sponsor.email)
    page = text(dashboard(client, world))
    assert kpi(page, "adoption") == f"{api['adoption']:.0%}" == "47%"
    assert kpi(page, "resistance") == f"{api['resistance']:.0%}" == "40%"
    assert kpi(page, "response_rate") == f"{api['response_rate']:.0%}" == "50%"
    # Baseline: adoption 20%, resistance 80% -> the tiles say how far each moved.
    assert "up 27 pts since Baseline" in page
    assert "down 40 pts since Baseline" in page
    assert "Pulse 2: 15 of 30 invited" in page


def test_groups_at_risk_name_the_barrier_point(client, auth, world):
    auth.login(world.sponsor.email)
    at_risk = section(text(dashboard(client, world)), "at-risk")
    # Go-live asks 50% adoption: Service desk has 2 of 6 (33%); Field engineers and Legal are hidden.
    assert "below 50%, the Go-live threshold" in at_risk
    assert "Service desk" in at_risk and "33%" in at_risk and '<span class="chip chip-awareness">' in at_risk
    assert "Field engineers" not in at_risk and "Legal" not in at_risk


def test_gate_board_lists_statuses_values_and_projections(client, auth, world):
    auth.login(world.sponsor.email)
    gates = section(text(dashboard(client, world)), "gates")
    training = gates[
        gates.index(f'id="gate-{world.training.id}"') : gates.index(f'id="gate-{world.go_live.id}"')
    ]
    assert '<span class="badge status-ready">Ready</span>' in training
    assert "✓ 20%" in training and training.count("not impacted") == 2
    go_live = gates[gates.index(f'id="gate-{world.go_live.id}"') :]
    go_live = go_live[: go_live.index("</tr>")]
    assert '<span class="badge status-not_ready">Not ready</span>' in go_live
    assert "✗ 33% → 53%" in go_live  # 2 of 6 now; the line through 20% and 33% reaches 53% at go-live
    # going 13.3 points in 10 days (+9 a week); 50% - 33% in the 15 days left needs +8 a week
    assert "needs +8 pts a week, going +9" in go_live
    assert go_live.count("– no data") == 2


def test_sponsor_sees_no_override_form_and_practitioner_does(client, auth, world):
    auth.login(world.sponsor.email)
    page = text(dashboard(client, world))
    assert "/override" not in page and "<textarea" not in page
    auth.logout()
    auth.login(world.colleague.email)
    page = text(dashboard(client, world))
    assert f'action="/milestones/{world.go_live.id}/override"' in page
    assert f'action="/milestones/{world.training.id}/override"' not in page  # ready: nothing to pass


def test_practitioners_get_links_into_each_wave(client, auth, world):
    auth.login(world.owner.email)
    page = text(dashboard(client, world))
    for wave_id in (world.baseline_id, world.pulse_id):
        assert f'href="/waves/{wave_id}/readiness"' in page
        assert f'href="/waves/{wave_id}"' in page
    auth.logout()
    auth.login(world.sponsor.email)
    page = text(dashboard(client, world))
    assert f'href="/waves/{world.pulse_id}/readiness"' in page
    assert f'href="/waves/{world.pulse_id}"' not in page


def test_user_text_is_escaped(client, auth, factory):
    owner = factory.user("practitioner")
    initiative = factory.initiative(owner, name='<img src=x onerror="alert(1)">')
    group = factory.group(initiative, name="</script><script>alert(2)</script>")
    wave = make_wave(
        initiative,
        owner,
        [group],
        name="<b>Pulse</b>",
        opens_on=initiative.go_live - timedelta(days=100),
        closes_on=initiative.go_live - timedelta(days=80),
    )
    respond(wave.id, group.id, [story.ALL_FOUR] * 5)
    auth.login(owner.email)
    page = text(client.get(f"/initiatives/{initiative.id}/dashboard"))
    assert "<img src=x" not in page and "<script>alert(2)" not in page and "<b>Pulse</b>" not in page
    assert str(escape('<img src=x onerror="alert(1)">')) in page


def test_initiative_without_waves_or_milestones_still_renders(client, auth, factory):
    owner = factory.user("practitioner")
    initiative = factory.initiative(owner, name="Fresh start")
    auth.login(owner.email)
    response = client.get(f"/initiatives/{initiative.id}/dashboard")
    assert response.status_code == 200
    page = text(response)
    assert "No survey wave yet" in page and "Plan a survey wave" in page
    assert "no gate to read" in page
    assert kpi(page, "adoption") == "Not shown" and "at least 5 responses" in page


def test_went_live_initiative_says_how_long(client, auth, factory):
    owner = factory.user("practitioner")
    initiative = factory.initiative(owner, name="Live one")
    initiative.go_live = initiative.go_live - timedelta(days=102)  # 90 days ahead by default -> 12 days ago
    db.session.commit()
    auth.login(owner.email)
    assert "live for 12 days" in text(client.get(f"/initiatives/{initiative.id}/dashboard"))


@contextmanager
def counting_queries():
    statements: list[str] = []

    def before(conn, cursor, statement, *args):
        statements.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", before)


def test_query_count_does_not_grow_with_waves_responses_or_milestones(client, auth, factory, world):
    auth.login(world.owner.email)
    db.session.rollback()  # requests share the test's session here: start both from a cold one
    with counting_queries() as small:
        assert dashboard(client, world).status_code == 200
    extra = make_wave(
        world.initiative,
        world.owner,
        [world.desk, world.field, world.legal],
        name="Pulse 3",
        opens_on=world.day,
        closes_on=world.day + timedelta(days=3),
    )
    for group in (world.desk, world.field, world.legal):
        respond(extra.id, group.id, [story.ALL_FOUR, story.ALL_TWO] * 20)
    for days in (30, 40, 50):
        factory.milestone(
            world.initiative, name=f"Hypercare {days}", kind="hypercare-end", due=world.day + timedelta(days)
        )
    db.session.rollback()
    with counting_queries() as large:
        assert dashboard(client, world).status_code == 200
    assert len(large) == len(small), "\n".join([s[:60] for s in small] + ["---"] + [s[:60] for s in large])
    assert len(small) <= 20
