"""The KPI chart: one KPI at a time with its baseline and target, against go-live and today."""

from __future__ import annotations

import json
from datetime import date

import plotly.graph_objects as go

from adkar.charts.kpis import KpiLine, kpi_chart, value_text
from adkar.charts.render import figure_json

GO_LIVE, TODAY = date(2026, 3, 1), date(2026, 5, 1)
HOURS = KpiLine(
    "Ticket resolution hours",
    "hours",
    30,
    18,
    "On track",
    [(date(2026, 2, 1), 30.0), (date(2026, 4, 1), 22.5)],
)
FCR = KpiLine("First-contact <b>resolution</b>", "%", 60, None, "No target")


def test_each_kpi_draws_its_measurements_baseline_and_target_and_the_menu_switches():
    chart = kpi_chart([HOURS, FCR], go_live=GO_LIVE, today=TODAY)
    data = chart["figure"]["data"]
    assert [(t["name"], t["visible"]) for t in data] == [
        ("Measured", True),
        ("Baseline", True),
        ("Target", True),
        ("Measured", False),
        ("Baseline", False),
    ]
    assert data[0]["y"] == [30.0, 22.5] and data[2]["y"] == [18.0, 18.0]
    menu = chart["figure"]["layout"]["updatemenus"][0]
    assert [b["label"] for b in menu["buttons"]] == [
        "Ticket resolution hours",
        "First-contact &lt;b&gt;resolution&lt;/b&gt;",
    ]
    assert (
        menu["buttons"][1]["args"][1]["yaxis.title.text"] == "First-contact &lt;b&gt;resolution&lt;/b&gt; (%)"
    )
    assert {s["name"] for s in chart["figure"]["layout"]["shapes"]} == {"go-live", "today"}
    assert chart["caption"].startswith(
        "Ticket resolution hours: 22.5 hours on 1 April 2026 (baseline 30 hours, target 18 hours); on track."
    )
    json.loads(str(figure_json(chart["figure"])))
    go.Figure(chart["figure"])


def test_without_kpis_the_chart_says_so():
    chart = kpi_chart([], go_live=GO_LIVE, today=TODAY)
    assert chart["caption"] == "No KPIs yet." and chart["figure"]["data"] == []
    go.Figure(chart["figure"])


def test_values_read_plainly():
    assert [value_text(v) for v in (1200.0, 12.5, 0.25, 99.95, 1234.56)] == [
        "1,200",
        "12.5",
        "0.25",
        "99.95",
        "1,234.6",
    ]
    assert value_text(18, "hours") == "18 hours"
