"""Every chart the pages embed is a valid plotly figure by plotly's own schema.

plotly.js ignores a property it does not know (a misspelt `hoverinfo`, a layout key in the wrong place)
without a word, so a chart can silently lose a label or an axis. `plotly.graph_objects.Figure` validates a
figure dict against the schema shipped with the same plotly package that serves plotly.js, and raises on
anything unknown or out of range. The figures are taken from the rendered pages of the demo data, which
carry every kind of chart the app draws.
"""

from __future__ import annotations

import json
import re

import plotly.graph_objects as go
import pytest
from sqlalchemy import select

from adkar.extensions import db
from adkar.plan.models import Initiative
from adkar.surveys.models import Wave

PASSWORD = "demo-password"
CHART_DATA = re.compile(
    r'<script type="application/json" class="chart-data" data-target="([^"]+)">(.*?)</script>', re.S
)


def _figures(html: str) -> dict[str, dict]:
    return {target: json.loads(text) for target, text in CHART_DATA.findall(html)}


@pytest.fixture
def demo_pages(app, client, runner) -> dict[str, dict]:
    """Every embedded figure of the demo's chart pages, keyed by page and chart id."""
    result = runner.invoke(args=["demo", "--password", PASSWORD])
    assert result.exit_code == 0, result.output
    with app.app_context():
        initiative_ids = db.session.scalars(select(Initiative.id)).all()
        wave_ids = db.session.scalars(select(Wave.id)).all()
    signed_in = client.post("/login", data={"email": "practitioner@demo.adkar.test", "password": PASSWORD})
    assert signed_in.status_code == 302
    urls = ["/portfolio"]
    for initiative_id in initiative_ids:
        urls += [f"/initiatives/{initiative_id}{page}" for page in ("", "/dashboard", "/adoption", "/kpis")]
    urls += [f"/waves/{wave_id}/readiness" for wave_id in wave_ids]
    figures: dict[str, dict] = {}
    for url in urls:
        page = client.get(url)
        assert page.status_code == 200, url
        for chart_id, figure in _figures(page.get_data(as_text=True)).items():
            figures[f"{url}#{chart_id}"] = figure
    return figures


def test_every_embedded_chart_passes_plotlys_schema(demo_pages):
    chart_ids = {key.split("#", 1)[1] for key in demo_pages}
    # The demo draws every kind of chart the app has (adkar/charts/): a new kind belongs in this list.
    assert chart_ids >= {
        "plan-timeline",
        "portfolio-heatmap",
        "usage-adoption",
        "kpi-trend",
        "readiness-trend",
        "readiness-heatmap",
        "adkar-profile",
        "barrier-points",
        "gate-board",
        "response-rates",
    }, sorted(chart_ids)
    problems = {}
    for key, figure in demo_pages.items():
        try:
            go.Figure(figure)
        except ValueError as exc:
            problems[key] = str(exc).splitlines()[0:6]
    assert not problems, json.dumps(problems, indent=1)


def test_the_schema_check_refuses_a_misspelt_property():
    """The check above can fail: plotly's validator rejects what plotly.js would silently ignore."""
    with pytest.raises(ValueError, match="hoverinfos"):
        go.Figure({"data": [{"type": "bar", "x": [1], "y": [2], "hoverinfos": "x"}], "layout": {}})
