"""The portfolio heatmap: groups by month, counts, go-lives marked, a fixed colour scale."""

from __future__ import annotations

import json
from datetime import date

from adkar.charts.portfolio import portfolio_chart
from adkar.charts.render import figure_json
from adkar.portfolio.saturation import Change, months_from, saturation

from .test_all_charts import plain_json_types

MONTHS = months_from(date(2026, 5, 1), 3)


def view(changes):
    return saturation(changes, months=MONTHS)


CHANGES = [
    Change(1, "Migration", "Service desk", date(2026, 5, 4), "UAT", False),
    Change(1, "Migration", "Service desk", date(2026, 6, 15), "Go-live", True),
    Change(2, "Portal", "service desk", date(2026, 6, 2), "Pilot <b>1</b>", False),
    Change(2, "Portal", "Finance", date(2026, 7, 20), "Go-live", True),
]


def test_plain_json_with_labels():
    spec = portfolio_chart(view(CHANGES))
    plain_json_types(spec["figure"])
    json.dumps(spec, allow_nan=False)
    assert json.loads(str(figure_json(spec["figure"]))) == spec["figure"]
    layout = spec["figure"]["layout"]
    assert (
        layout["xaxis"]["title"]["text"] == "Month"
        and layout["yaxis"]["title"]["text"] == "Stakeholder group"
    )


def test_counts_and_go_live_marks():
    spec = portfolio_chart(view(CHANGES))
    trace = spec["figure"]["data"][0]
    assert trace["x"] == ["May 2026", "Jun 2026", "Jul 2026"]
    assert trace["y"] == ["Service desk", "Finance"]
    assert trace["z"] == [[1, 2, 0], [0, 0, 1]]
    assert (trace["zmin"], trace["zmax"]) == (0, 4)  # never fewer than 4 steps
    assert trace["showscale"] is False  # the counts are printed; the colour only repeats them
    notes = {(a["x"], a["y"]): a["text"] for a in spec["figure"]["layout"]["annotations"]}
    assert notes == {
        ("May 2026", "Service desk"): "1",
        ("Jun 2026", "Service desk"): "2 ★",
        ("Jul 2026", "Finance"): "1 ★",
    }
    hover = trace["text"][0][1]
    assert "Migration: Go-live (15 Jun) ★ go-live" in hover
    assert "Pilot &lt;b&gt;1&lt;/b&gt;" in hover  # user text shown literally
    assert "Busiest: Service desk in June 2026 with 2 changes from 2 initiatives." in spec["caption"]
    assert "1 group-month is hit by more than one initiative." in spec["caption"]


def test_the_scale_grows_with_the_busiest_cell():
    many = [Change(i, f"P{i}", "Desk", date(2026, 5, i + 1), "M", False) for i in range(6)]
    assert portfolio_chart(view(many))["figure"]["data"][0]["zmax"] == 6


def test_nothing_to_show():
    spec = portfolio_chart(view([]))
    assert spec["caption"] == "No milestone or go-live hits any group between May 2026 and Jul 2026."
    assert spec["figure"]["data"][0]["z"] == []
