"""The groups x elements heatmap: values, hidden rows, fixed colour scale, cell labels."""

from __future__ import annotations

import re

import pytest

from adkar.charts.heatmap import heatmap_chart
from adkar.elements import ELEMENTS

from . import frames

NAMES = ["Awareness", "Desire", "Knowledge", "Ability", "Reinforcement"]


def build(k=frames.K, **kwargs):
    return heatmap_chart(frames.latest(overall=True, k=k), k=k, **kwargs)


def test_rows_are_overall_then_groups_with_mean_values():
    figure = build()["figure"]
    (trace,) = figure["data"]
    assert trace["x"] == NAMES
    assert trace["y"] == ["Overall", "Sales", "Support", "Finance", "Legal"]
    latest = frames.latest(overall=True).set_index("name")
    for name, row in zip(trace["y"][:3], trace["z"][:3], strict=True):
        assert row == pytest.approx([latest.loc[name, f"mean_{e}"] for e in ELEMENTS])
    assert (trace["zmin"], trace["zmax"], trace["colorscale"]) == (1, 5, "Cividis")
    assert figure["layout"]["yaxis"]["autorange"] == "reversed"


def test_hidden_rows_have_no_values_and_say_why():
    figure = build()["figure"]
    (trace,) = figure["data"]
    assert trace["z"][3:] == [[None] * 5, [None] * 5]
    hidden_notes = [a for a in figure["layout"]["annotations"] if a["y"] in ("Finance", "Legal")]
    assert [a["text"] for a in hidden_notes] == ["hidden: fewer than 5 responses"] * 2
    for row in trace["text"][3:]:
        for text in row:
            assert text.endswith("hidden: fewer than 5 responses")
            assert not re.search(r"\d", text.replace("fewer than 5", ""))


def test_k_is_the_installation_value():
    """With k = 7 the 6 hidden responses would show by subtraction, so Support is hidden too."""
    spec = build(k=7)
    texts = [a["text"] for a in spec["figure"]["layout"]["annotations"]]
    assert "hidden: fewer than 7 responses" in texts
    assert "Hidden for anonymity (fewer than 7 responses): Support, Finance, Legal." in spec["caption"]
    assert spec["figure"]["data"][0]["z"][2] == [None] * 5


def test_cells_are_labelled_with_their_values_in_readable_colours():
    notes = build()["figure"]["layout"]["annotations"]
    sales = {a["x"]: a for a in notes if a["y"] == "Sales"}
    latest = frames.latest().set_index("name")
    assert set(sales) == set(NAMES)
    for element, name in zip(ELEMENTS, NAMES, strict=True):
        assert sales[name]["text"] == f"{latest.loc['Sales', f'mean_{element}']:.1f}"
        assert sales[name]["font"]["color"] == "#1a1a1a"  # means near 4 sit on the light end of Cividis


def test_favorable_measure_uses_shares_and_percent_labels():
    figure = build(measure="favorable")["figure"]
    (trace,) = figure["data"]
    latest = frames.latest(overall=True).set_index("name")
    assert trace["z"][1] == pytest.approx([latest.loc["Sales", f"favorable_{e}"] for e in ELEMENTS])
    assert (trace["zmin"], trace["zmax"]) == (0.0, 1.0)
    assert trace["showscale"] is False  # values are written in the cells instead
    sales = [a["text"] for a in figure["layout"]["annotations"] if a["y"] == "Sales"]
    assert all(text.endswith("%") for text in sales)


def test_unknown_measure_is_refused():
    with pytest.raises(ValueError, match="measure"):
        build(measure="median")


def test_caption_names_the_weakest_element_and_extremes():
    caption = build()["caption"]
    latest = frames.latest(overall=True)
    shown = latest[~latest["suppressed"].astype(bool)]
    means = shown.set_index("name")[[f"mean_{e}" for e in ELEMENTS]]
    low_name, low_col = means.stack().idxmin()
    low_label = low_col.removeprefix("mean_").capitalize()
    assert f"Lowest: {low_name}, {low_label} at {means.stack().min():.1f} of 5" in caption
    assert caption.endswith("Hidden for anonymity (fewer than 5 responses): Finance, Legal.")


def test_duplicate_names_stay_apart():
    frame = frames.latest()
    frame.loc[frame["name"] == "Support", "name"] = "Sales"
    (trace,) = heatmap_chart(frame, k=5)["figure"]["data"]
    assert trace["y"][:2] == ["Sales", "Sales (2)"]
