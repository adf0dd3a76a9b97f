"""What every chart promises: labelled, JSON-clean, dict-only, and silent about hidden groups."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable

import pytest

from adkar.analytics.gates import milestone_gate
from adkar.charts.barriers import barrier_chart
from adkar.charts.common import ChartSpec
from adkar.charts.gate_board import gate_board_chart
from adkar.charts.heatmap import heatmap_chart
from adkar.charts.profile import profile_chart
from adkar.charts.readiness_trend import readiness_trend_chart
from adkar.charts.render import figure_json
from adkar.charts.response_rates import response_rate_chart

from . import frames


def trend_chart(hidden_variant: bool = False) -> ChartSpec:
    return readiness_trend_chart(
        frames.trend(hidden_variant=hidden_variant),
        milestones=frames.MILESTONES,
        go_live=frames.GO_LIVE,
        today=frames.TODAY,
    )


def gates_chart(hidden_variant: bool = False, k: int = frames.K) -> ChartSpec:
    trend = frames.trend(hidden_variant=hidden_variant, k=k)
    gates = [
        milestone_gate(m, group_ids=list(frames.GROUPS), waves=frames.WAVES, readiness=trend)
        for m in frames.MILESTONES
    ]
    return gate_board_chart(gates, milestones=frames.MILESTONES, groups=frames.GROUPS)


BUILDERS: dict[str, Callable[[], ChartSpec]] = {
    "trend": trend_chart,
    "profile": lambda: profile_chart(frames.latest(overall=True), k=frames.K),
    "heatmap-mean": lambda: heatmap_chart(frames.latest(overall=True), k=frames.K),
    "heatmap-favorable": lambda: heatmap_chart(frames.latest(overall=True), k=frames.K, measure="favorable"),
    "barriers": lambda: barrier_chart(frames.latest(overall=True), k=frames.K),
    "gates": gates_chart,
    "response-rates": lambda: response_rate_chart(frames.trend()),
}


def plain_json_types(value, path="figure"):
    """Only JSON's own types: numpy floats subclass float and would slip through json.dumps."""
    if isinstance(value, dict):
        for key, item in value.items():
            assert type(key) is str, f"{path}: key {key!r}"
            plain_json_types(item, f"{path}.{key}")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            plain_json_types(item, f"{path}[{i}]")
    else:
        assert value is None or type(value) in (str, int, float, bool), f"{path}: {type(value).__name__}"


@pytest.mark.parametrize("name", BUILDERS)
def test_chart_is_labelled_and_json_clean(name):
    spec = BUILDERS[name]()
    assert set(spec) == {"id", "title", "caption", "figure"}
    assert spec["id"] and spec["title"].strip() and len(spec["caption"]) > 30
    layout = spec["figure"]["layout"]
    assert layout["title"]["text"].strip()
    assert layout["xaxis"]["title"]["text"].strip()
    assert layout["yaxis"]["title"]["text"].strip()
    assert spec["figure"]["data"], "every chart here has data to draw"
    plain_json_types(spec["figure"])
    text = json.dumps(spec, allow_nan=False)
    assert "NaN" not in text and "Infinity" not in text
    assert json.loads(str(figure_json(spec["figure"]))) == spec["figure"]


def test_chart_ids_are_distinct_by_default():
    ids = [BUILDERS[name]()["id"] for name in BUILDERS if name != "heatmap-favorable"]
    assert len(ids) == len(set(ids))


LEAK_CHECKED: dict[str, Callable[[bool, int], ChartSpec]] = {
    "profile": lambda v, k: profile_chart(frames.latest(hidden_variant=v, k=k), k=k),
    "heatmap-mean": lambda v, k: heatmap_chart(frames.latest(hidden_variant=v, k=k), k=k),
    "heatmap-favorable": lambda v, k: heatmap_chart(
        frames.latest(hidden_variant=v, k=k), k=k, measure="favorable"
    ),
    "barriers": lambda v, k: barrier_chart(frames.latest(hidden_variant=v, k=k), k=k),
    "gates": gates_chart,
}


@pytest.mark.parametrize("name", LEAK_CHECKED)
def test_hidden_groups_leave_no_trace(name):
    """Whatever the hidden groups answered, the figure is byte for byte the same; and the check has
    teeth: with k = 3 those groups are visible and the same change shows.

    The trend and response-rate charts also read the overall rows, which legitimately pool hidden
    responses; their hidden groups are checked in their own modules.
    """
    build = LEAK_CHECKED[name]
    hidden = [json.dumps(build(v, frames.K), sort_keys=True) for v in (False, True)]
    assert hidden[0] == hidden[1]
    shown = [json.dumps(build(v, 3), sort_keys=True) for v in (False, True)]
    assert shown[0] != shown[1]


def test_chart_modules_do_not_import_plotly():
    """Figures are dicts for the browser; importing plotly costs start-up time for nothing."""
    code = (
        "import sys\n"
        "import adkar.charts.readiness_trend, adkar.charts.profile, adkar.charts.heatmap\n"
        "import adkar.charts.barriers, adkar.charts.gate_board, adkar.charts.response_rates\n"
        "print(sorted(m for m in sys.modules if m == 'plotly' or m.startswith('plotly.')))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


@pytest.mark.parametrize("name", ["profile", "heatmap", "barriers", "trend"])
def test_the_suppressed_flag_wins_over_values_in_the_frame(name):
    """A caller that flags a row suppressed (e.g. a stricter filter) gets no value drawn from it."""
    latest = frames.latest(k=3)  # Finance and Legal are visible with k = 3
    trend = frames.trend(k=3)
    for frame in (latest, trend):
        frame["suppressed"] = frame["suppressed"] | frame["name"].isin(["Finance", "Legal"])
    spec = {
        "profile": lambda: profile_chart(latest, k=3),
        "heatmap": lambda: heatmap_chart(latest, k=3),
        "barriers": lambda: barrier_chart(latest, k=3),
        "trend": lambda: readiness_trend_chart(
            trend[trend["group_id"].notna()], milestones=[], go_live=frames.GO_LIVE, today=frames.TODAY
        ),
    }[name]()
    reference = {
        "profile": lambda: profile_chart(frames.latest(), k=3),
        "heatmap": lambda: heatmap_chart(frames.latest(), k=3),
        "barriers": lambda: barrier_chart(frames.latest(), k=3),
        "trend": lambda: readiness_trend_chart(
            frames.trend()[frames.trend()["group_id"].notna()],
            milestones=[],
            go_live=frames.GO_LIVE,
            today=frames.TODAY,
        ),
    }[name]()
    assert json.dumps(spec, sort_keys=True) == json.dumps(reference, sort_keys=True)
