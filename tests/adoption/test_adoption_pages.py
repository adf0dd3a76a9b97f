"""The measured-adoption page: tiles, the chart, the target form, figures, export and access."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import timedelta

import pytest

from adkar.adoption import services
from adkar.adoption.models import AdoptionSettings, UsageFigure
from adkar.extensions import db
from adkar.timeutil import today
from tests.actions.support import audit_actions, count, has_csrf_field, login, text


@pytest.fixture
def live(cast):
    """Went live ten days ago; usage figures before and after."""
    cast.initiative.go_live = today() - timedelta(days=10)
    db.session.commit()
    rows = [
        (cast.desk, 12, 4),  # a pilot: 4 of 20
        (cast.desk, 5, 16),  # 16 of 20 after go-live
        (cast.field, 5, 8),  # 8 of 10
        (cast.field, 1, 9),
    ]
    services.import_figures(
        initiative=cast.initiative,
        actor=cast.owner,
        rows=[{"group_id": g.id, "day": today() - timedelta(days=d), "active_users": a} for g, d, a in rows],
        source="test",
    )
    return cast


def chart_figure(page: str) -> dict:
    match = re.search(
        r'<script type="application/json" class="chart-data" data-target="usage-adoption">(.*?)</script>',
        page,
        re.S,
    )
    return json.loads(match.group(1))


def test_page_shows_speed_ultimate_and_the_chart(client, live):
    login(client, live.sponsor)
    page = text(client.get(f"/initiatives/{live.initiative.id}/adoption"))
    # day -5: 16 + 8 = 24 of 30 = 80% -> the target, 5 days after go-live; latest: 16 + 9 = 25 of 30
    assert re.search(r'data-kpi="speed_of_adoption">5 days<', page)
    assert re.search(r'data-kpi="ultimate_utilisation">83%<', page)
    figure = chart_figure(page)
    assert any(s.get("name") == "target-line" and s["y0"] == 0.8 for s in figure["layout"]["shapes"])
    assert "Import usage figures" not in page and "Save target" not in page  # sponsors read only
    assert "The target was reached on" in page


def test_target_form_validates_and_saves(client, live):
    login(client, live.owner)
    page = text(client.get(f"/initiatives/{live.initiative.id}/adoption"))
    assert has_csrf_field(page) and 'name="target" type="number" value="80"' in page.replace("required ", "")
    for bad in ("0", "101", "", "half"):
        response = client.post(f"/initiatives/{live.initiative.id}/adoption/target", data={"target": bad})
        assert response.status_code == 400, bad
    assert db.session.get(AdoptionSettings, live.initiative.id) is None
    response = client.post(
        f"/initiatives/{live.initiative.id}/adoption/target", data={"target": "90"}, follow_redirects=True
    )
    assert "The target utilisation is now 90%." in text(response)
    assert re.search(r'data-kpi="speed_of_adoption">Not yet<', text(response))  # 25 of 30 never reached 90%
    assert audit_actions(live.initiative.id)[-1] == "usage.target"


def test_delete_a_figure(client, live):
    figure = db.session.scalars(db.select(UsageFigure).order_by(UsageFigure.id)).first()
    login(client, live.sponsor)
    url = f"/initiatives/{live.initiative.id}/usage/{figure.id}/delete"
    assert client.post(url).status_code == 403
    login(client, live.owner)
    other = live.initiative.id + 999
    assert client.post(f"/initiatives/{other}/usage/{figure.id}/delete").status_code == 404
    assert client.post(url).status_code == 302
    assert count(UsageFigure) == 3
    assert audit_actions(live.initiative.id)[-1] == "usage.delete"


def test_export_lists_figures_and_the_overall_series(client, live):
    login(client, live.sponsor)
    response = client.get(f"/initiatives/{live.initiative.id}/usage.csv")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0] == ["group", "group_id", "date", "active_users", "headcount", "utilisation"]
    overall = [r for r in rows[1:] if r[0] == "Overall"]
    assert [r[3:] for r in overall] == [["4", "30", "0.1333"], ["24", "30", "0.8000"], ["25", "30", "0.8333"]]
    assert [
        "Field engineers",
        str(live.field.id),
        (today() - timedelta(days=1)).isoformat(),
        "9",
        "10",
        "0.9000",
    ] in rows


def test_export_neutralises_a_formula_in_a_group_name(client, cast):
    cast.desk.name = "=cmd|' /C calc'!A0"
    db.session.commit()
    services.import_figures(
        initiative=cast.initiative,
        actor=cast.owner,
        rows=[{"group_id": cast.desk.id, "day": today(), "active_users": 1}],
        source="test",
    )
    login(client, cast.owner)
    body = client.get(f"/initiatives/{cast.initiative.id}/usage.csv").get_data(as_text=True)
    assert "\n'=cmd|" in body.replace("\r\n", "\n")


def test_strangers_see_nothing(client, live):
    login(client, live.stranger)
    for url in ("adoption", "adoption/import", "usage.csv"):
        assert client.get(f"/initiatives/{live.initiative.id}/{url}").status_code == 404
    assert (
        client.post(f"/initiatives/{live.initiative.id}/adoption/target", data={"target": "50"}).status_code
        == 404
    )
    login(client, live.sponsor)
    assert client.get(f"/initiatives/{live.initiative.id}/adoption/import").status_code == 403


def test_empty_state(client, cast):
    login(client, cast.owner)
    page = text(client.get(f"/initiatives/{cast.initiative.id}/adoption"))
    assert "No usage figures yet." in page
    assert re.search(r'data-kpi="ultimate_utilisation">No figures<', page)


def test_the_dashboard_view_model(app, live):
    from adkar.adoption.dashboard import adoption_for_dashboard
    from adkar.readiness.figures import initiative_report

    view = adoption_for_dashboard(live.initiative, initiative_report(live.initiative), today=today())
    assert (view.summary.speed_days, view.summary.ultimate) == (5, pytest.approx(25 / 30))
    assert view.chart["id"] == "usage-adoption"
    assert "The target was reached on" in view.chart["caption"]
    usage = view.chart["figure"]["data"][0]
    assert usage["name"] == "Utilisation (usage)" and usage["y"][-1] == pytest.approx(25 / 30)
