"""The offline HTML report: one file with plotly.js and the styles inline, and nothing fetched from the web."""

from __future__ import annotations

import re

import pytest
from markupsafe import escape

from adkar.vendor import plotly_js_path

from . import scenario as story
from .pages import CHART_IDS, kpi, text


@pytest.fixture
def world(factory):
    return story.build(factory)


def test_report_is_a_self_contained_download(client, auth, world):
    auth.login(world.sponsor.email)
    response = client.get(f"/initiatives/{world.initiative.id}/report.html")
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="initiative-{world.initiative.id}-readiness-report-{world.day.isoformat()}.html"'
    )
    report = text(response)
    plotly = plotly_js_path().read_text(encoding="utf-8")
    assert plotly in report
    rest = report.replace(plotly, "")
    assert not re.search(r"<script[^>]*\bsrc=", rest) and not re.search(r"<link[^>]*\bhref=", rest)
    assert "cdn" not in rest.lower() and "http://" not in rest and "https://" not in rest
    assert ".kpi-value" in rest and "@media print" in rest  # the stylesheets travel inside
    assert "connect-src &#39;none&#39;" in rest  # the file cannot reach the network when opened
    for chart_id in CHART_IDS:
        assert f'data-target="{chart_id}"' in rest
    assert kpi(rest, "adoption") == "47%"
    assert "<form" not in rest and "/override" not in rest


def test_report_escapes_user_text(client, auth, factory):
    owner = factory.user("practitioner")
    name = "Rollout </script><script>alert(1)</script>"
    initiative = factory.initiative(owner, name=name)
    factory.milestone(initiative, name="<img src=x onerror=alert(2)>")
    auth.login(owner.email)
    report = text(client.get(f"/initiatives/{initiative.id}/report.html"))
    assert "<script>alert(1)" not in report and "<img src=x" not in report
    assert str(escape(name)) in report
