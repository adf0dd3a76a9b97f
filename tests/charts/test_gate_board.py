"""The gate board: milestones by date x groups, cells with symbol, value and projection."""

from __future__ import annotations

from datetime import date

import pytest

from adkar.analytics.gates import milestone_gate
from adkar.charts.common import STATUS_STYLE
from adkar.charts.gate_board import cell_text, gate_board_chart

from . import frames

GROUPS = {1: "Sales", 2: "Support", 3: "Finance"}
MILESTONES = [
    {"id": 5, "name": "Go-live", "due": date(2025, 6, 1)},
    {"id": 7, "name": "UAT", "due": date(2025, 4, 1), "overridden": True},
    {"id": 6, "name": "Training <complete>", "due": date(2025, 5, 1)},
]


def cell(group_id, status, value=None, projected=None):
    return {"group_id": group_id, "status": status, "value": value, "wave_id": 1, "projected": projected}


GATES = [
    {
        "milestone_id": 7,
        "status": "not_ready",
        "target_element": "desire",
        "threshold": 0.8,
        "groups": [cell(1, "ready", 0.85, 0.9), cell(2, "not_ready", 0.62, 0.71), cell(3, "no_data")],
    },
    {
        "milestone_id": 6,
        "status": "ready",
        "target_element": "knowledge",
        "threshold": 0.75,
        "groups": [cell(1, "ready", 0.8)],
    },
    {
        "milestone_id": 5,
        "status": "no_data",
        "target_element": "ability",
        "threshold": 0.8,
        "groups": [cell(1, "no_data", None, 0.55), cell(2, "no_data"), cell(3, "no_data")],
    },
]


def build():
    return gate_board_chart(GATES, milestones=MILESTONES, groups=GROUPS)


@pytest.mark.parametrize(
    ("entry", "text"),
    [
        (cell(1, "ready", 0.85), "✓ 85%"),
        (cell(1, "ready", 0.85, 0.9), "✓ 85% → 90%"),
        (cell(1, "not_ready", 0.62, 0.71), "✗ 62% → 71%"),
        (cell(1, "no_data"), "– no data"),
        (cell(1, "no_data", None, 0.55), "– no data → 55%"),
    ],
)
def test_cell_text(entry, text):
    assert cell_text(entry) == text


def test_rows_in_date_order_with_status_in_the_label():
    (trace,) = build()["figure"]["data"]
    assert trace["x"] == ["Sales", "Support", "Finance"]
    assert trace["y"] == [
        "UAT<br>1 Apr 2025 · ✗ not ready · overridden",
        "Training &lt;complete&gt;<br>1 May 2025 · ✓ ready",
        "Go-live<br>1 Jun 2025 · – no data",
    ]


def test_cells_carry_status_code_and_text():
    figure = build()["figure"]
    (trace,) = figure["data"]
    assert trace["z"] == [[2, 0, 1], [2, None, None], [1, 1, 1]]
    texts = {
        (a["y"].split("<br>")[0], a["x"]): a["text"]
        for a in figure["layout"]["annotations"]
        if a["yref"] == "y"
    }
    assert texts == {
        ("UAT", "Sales"): "✓ 85% → 90%",
        ("UAT", "Support"): "✗ 62% → 71%",
        ("UAT", "Finance"): "– no data",
        ("Training &lt;complete&gt;", "Sales"): "✓ 80%",
        ("Go-live", "Sales"): "– no data → 55%",
        ("Go-live", "Support"): "– no data",
        ("Go-live", "Finance"): "– no data",
    }
    assert "not impacted" in trace["text"][1][1]
    assert "62% have reached Desire (target 80%)" in trace["text"][0][1]


def test_colours_follow_status_and_a_key_explains_the_symbols():
    figure = build()["figure"]
    (trace,) = figure["data"]
    assert (trace["zmin"], trace["zmax"], trace["showscale"]) == (0, 2, False)
    stops = dict((round(p, 3), c) for p, c in trace["colorscale"])
    assert stops[0] == STATUS_STYLE["not_ready"][2]
    assert stops[1] == STATUS_STYLE["ready"][2]
    colours = {c for _, c in trace["colorscale"]}
    assert colours == {STATUS_STYLE[s][2] for s in ("ready", "not_ready", "no_data")}
    assert any("✓ ready" in a["text"] and "✗ not ready" in a["text"] for a in figure["layout"]["annotations"])


def test_caption_counts_statuses_and_names_groups_behind():
    caption = build()["caption"]
    assert caption == (
        "Of 3 milestones, 1 is ready, 1 not ready and 1 without data. "
        "Not ready: UAT (1 April 2025, target 80%): Support 62%. Passed by override: UAT."
    )


def test_board_from_real_gates_hides_suppressed_groups():
    trend = frames.trend()
    gates = [
        milestone_gate(m, group_ids=list(frames.GROUPS), waves=frames.WAVES, readiness=trend)
        for m in frames.MILESTONES
    ]
    figure = gate_board_chart(gates, milestones=frames.MILESTONES, groups=frames.GROUPS)["figure"]
    (trace,) = figure["data"]
    assert len(trace["y"]) == len(frames.MILESTONES)
    assert [row[2:] for row in trace["z"]] == [[1, 1]] * len(frames.MILESTONES)
    hidden = [a["text"] for a in figure["layout"]["annotations"] if a.get("x") in ("Finance", "Legal")]
    assert hidden == ["– no data"] * (2 * len(frames.MILESTONES))


def test_groups_missing_from_the_names_still_get_a_column():
    (trace,) = gate_board_chart(GATES, milestones=MILESTONES, groups={1: "Sales"})["figure"]["data"]
    assert trace["x"] == ["Sales", "Group 2", "Group 3"]


def test_no_gates_yet():
    spec = gate_board_chart([], milestones=MILESTONES, groups=GROUPS)
    assert spec["caption"] == "No milestone has a readiness gate yet."
    assert spec["figure"]["data"][0]["z"] == []
