"""The ADKAR profile: full element names, the 3.0 barrier line, the modal barrier point, hidden groups."""

from __future__ import annotations

import pandas as pd
import pytest

from adkar.analytics.counts import counts_from_scores
from adkar.analytics.readiness import wave_readiness
from adkar.analytics.rows import modal_barrier
from adkar.charts.profile import profile_chart
from adkar.elements import ELEMENT_COLOURS, ELEMENTS

from . import frames

NAMES = ["Awareness", "Desire", "Knowledge", "Ability", "Reinforcement"]


def build(**kwargs):
    return profile_chart(frames.latest(overall=True, **kwargs), k=frames.K)


def test_five_distinct_full_name_categories():
    figure = build()["figure"]
    assert figure["layout"]["xaxis"]["categoryarray"] == NAMES
    for trace in figure["data"]:
        assert trace["x"] == NAMES and len(set(trace["x"])) == 5
        assert trace["marker"]["color"] == [ELEMENT_COLOURS[e] for e in ELEMENTS]


def test_barrier_line_at_three_is_labelled():
    layout = build()["figure"]["layout"]
    (line,) = [s for s in layout["shapes"] if s["name"] == "barrier-line"]
    assert line["y0"] == line["y1"] == 3.0 and line["xref"] == "paper"
    assert "Barrier (3.0)" in [a["text"] for a in layout["annotations"]]
    assert layout["yaxis"]["range"][0] == 1


def test_overall_first_then_visible_groups_in_the_menu():
    spec = build()
    figure = spec["figure"]
    assert [t["name"] for t in figure["data"]] == ["Overall", "Sales", "Support"]
    assert [t["visible"] for t in figure["data"]] == [True, False, False]
    latest = frames.latest(overall=True).set_index("name")
    for trace in figure["data"]:
        assert trace["y"] == pytest.approx([latest.loc[trace["name"], f"mean_{e}"] for e in ELEMENTS])
    (menu,) = figure["layout"]["updatemenus"]
    assert [b["label"] for b in menu["buttons"]] == ["Overall", "Sales", "Support"]
    sales = menu["buttons"][1]["args"]
    assert sales[0]["visible"] == [False, True, False]
    assert sales[1]["title.text"] == "ADKAR profile: Sales"
    assert "Hidden for anonymity (fewer than 5 responses): Finance, Legal." in spec["caption"]


def test_modal_barrier_point_is_highlighted():
    """Sales' last wave: 2 of 10 stop at ability, 1 each at awareness, desire, knowledge."""
    figure = build()["figure"]
    sales = next(t for t in figure["data"] if t["name"] == "Sales")
    assert sales["marker"]["line"]["width"] == [0.5, 0.5, 0.5, 3, 0.5]
    assert sales["marker"]["pattern"]["shape"] == ["", "", "", "/", ""]
    notes = figure["layout"]["updatemenus"][0]["buttons"][1]["args"][1]["annotations"]
    (highlight,) = [n for n in notes if "most common barrier" in n["text"]]
    assert highlight["x"] == "Ability" and highlight["text"].endswith("(20%)")


def test_modal_barrier_ties_go_to_the_earlier_element_and_none_means_none():
    row = {f"barrier_{e}": 0.125 for e in ELEMENTS} | {"barrier_reinforcement": 0.0}
    assert modal_barrier(row) == "awareness"
    row["barrier_knowledge"] = 0.25
    assert modal_barrier(row) == "knowledge"
    assert modal_barrier(dict.fromkeys((f"barrier_{e}" for e in ELEMENTS), 0.0)) is None


def test_caption_states_the_barrier_point_and_low_elements():
    rows = [frames.person("knowledge", 1, 1, low=1.0) for _ in range(4)]
    rows += [frames.person("ability", 1, 1), frames.person("none", 1, 1)]
    scores = pd.DataFrame(rows, columns=["wave_id", "group_id", *ELEMENTS])
    readiness = wave_readiness(counts_from_scores(scores), 5).groups
    spec = profile_chart(readiness, k=5)
    assert spec["caption"] == (
        "Group 1: the most common barrier point is Knowledge (67% of respondents stop there first); "
        "the lowest mean is Knowledge at 2.2 of 5. At or below the 3.0 barrier line: Knowledge."
    )
    assert "updatemenus" not in spec["figure"]["layout"]


def test_every_group_hidden():
    readiness = frames.latest(k=11)
    spec = profile_chart(readiness, k=11)
    assert spec["figure"]["data"] == []
    assert spec["caption"].startswith("No group has enough responses to show its profile.")
    assert "Sales, Support, Finance, Legal" in spec["caption"]


def test_refuses_rows_of_several_waves():
    with pytest.raises(ValueError, match="one wave"):
        profile_chart(frames.trend(), k=5)
