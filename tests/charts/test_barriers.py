"""Barrier points: 100% stacks per visible group in ADKAR order, labelled empty rows for hidden ones."""

from __future__ import annotations

import pytest

from adkar.charts.barriers import barrier_chart
from adkar.elements import BARRIER_CHOICES, ELEMENT_COLOURS

from . import frames


def build(**kwargs):
    return barrier_chart(frames.latest(overall=True, **kwargs), k=frames.K)


def test_one_trace_per_barrier_choice_in_adkar_order():
    figure = build()["figure"]
    assert [t["name"] for t in figure["data"]] == [
        "Awareness",
        "Desire",
        "Knowledge",
        "Ability",
        "Reinforcement",
        "No barrier",
    ]
    assert [t["marker"]["color"] for t in figure["data"]] == [ELEMENT_COLOURS[b] for b in BARRIER_CHOICES]
    assert figure["layout"]["barmode"] == "stack"
    assert figure["data"][0]["y"] == ["Overall", "Sales", "Support", "Finance", "Legal"]


def test_visible_stacks_sum_to_one_and_match_the_shares():
    figure = build()["figure"]
    latest = frames.latest(overall=True).set_index("name")
    for i, name in enumerate(["Overall", "Sales", "Support"]):
        shares = [t["x"][i] for t in figure["data"]]
        assert sum(shares) == pytest.approx(1.0)
        assert shares == pytest.approx([latest.loc[name, f"barrier_{b}"] for b in BARRIER_CHOICES])


def test_sales_segments_carry_percentages():
    """Sales' last wave: 1, 1, 1, 2, 0 and 5 of 10 people."""
    figure = build()["figure"]
    assert [t["text"][1] for t in figure["data"]] == ["10%", "10%", "10%", "20%", "", "50%"]
    assert figure["data"][3]["hovertext"][1] == "Sales: barrier point Ability for 20% of respondents (n = 10)"
    assert figure["data"][5]["hovertext"][1] == "Sales: no barrier point for 50% of respondents (n = 10)"


def test_hidden_groups_are_labelled_empty_rows():
    figure = build()["figure"]
    for trace in figure["data"]:
        assert trace["x"][3:] == [None, None] and trace["text"][3:] == ["", ""]
        assert trace["hovertext"][3:] == ["Finance: hidden for anonymity", "Legal: hidden for anonymity"]
    notes = {a["y"]: a["text"] for a in figure["layout"]["annotations"]}
    assert notes == {"Finance": "hidden: fewer than 5 responses", "Legal": "hidden: fewer than 5 responses"}


def test_caption_headlines_overall_and_the_largest_group_barrier():
    latest = frames.latest(overall=True).set_index("name")
    caption = build()["caption"]
    assert caption.startswith(
        f"Overall, the most common barrier point is Ability ({latest.loc['Overall', 'barrier_ability']:.0%})"
    )
    assert "The largest single barrier is Ability for 20% of Sales." in caption
    assert caption.endswith("Hidden for anonymity (fewer than 5 responses): Finance, Legal.")


def test_axis_runs_from_zero_to_one_hundred_percent():
    layout = build()["figure"]["layout"]
    assert layout["xaxis"]["range"] == [0, 1] and layout["xaxis"]["tickformat"] == ".0%"
