"""Shared helpers: JSON-safe numbers, wording, labels plotly would otherwise merge or interpret."""

from __future__ import annotations

import math
from datetime import date, datetime

import numpy as np
import pandas as pd
import pytest

from adkar.charts.common import (
    base_layout,
    dropdown,
    hidden_note,
    long_date,
    number,
    pct,
    plot_text,
    score,
    to_day,
    unique_labels,
)


@pytest.mark.parametrize("missing", [None, float("nan"), np.nan, pd.NA, math.inf])
def test_number_turns_missing_values_into_none(missing):
    assert number(missing) is None
    assert pct(missing) == "no data" and score(missing) == "no data"


def test_number_returns_plain_floats():
    value = number(np.float64(0.4567))
    assert type(value) is float and value == pytest.approx(0.4567)
    assert type(number(np.int64(3))) is float
    assert pct(0.4567) == "46%" and score(3.449) == "3.4"


def test_dates_from_any_type():
    for value in (date(2025, 6, 1), datetime(2025, 6, 1, 13), pd.Timestamp("2025-06-01"), "2025-06-01"):
        assert to_day(value) == date(2025, 6, 1)
    assert long_date("2025-06-01") == "1 June 2025"


def test_plot_text_escapes_markup_plotly_would_render():
    assert plot_text('<a href="x">R&D</a>') == '&lt;a href="x"&gt;R&amp;D&lt;/a&gt;'


def test_unique_labels_keep_equal_names_apart():
    assert unique_labels(["A", "B", "A", "A"]) == ["A", "B", "A (2)", "A (3)"]


def test_hidden_note():
    assert hidden_note([], 5) == ""
    assert hidden_note(["HR", "Legal"], 5) == "Hidden for anonymity (fewer than 5 responses): HR, Legal."


def test_base_layout_merges_axis_settings():
    layout = base_layout("T", x_title="X", y_title="Y", yaxis={"tickformat": ".0%"}, barmode="stack")
    assert layout["yaxis"]["title"]["text"] == "Y" and layout["yaxis"]["tickformat"] == ".0%"
    assert layout["xaxis"]["title"]["text"] == "X" and layout["barmode"] == "stack"


def test_dropdown_buttons_pair_visibility_and_layout_updates():
    menu = dropdown(["a", "b"], [[True, False], [False, True]], **{"title.text": ["A", "B"]})
    assert [b["args"] for b in menu["buttons"]] == [
        [{"visible": [True, False]}, {"title.text": "A"}],
        [{"visible": [False, True]}, {"title.text": "B"}],
    ]
