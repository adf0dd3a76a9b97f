"""One wording for numbers everywhere (adkar.rules.formatting), registered once for templates."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from adkar.rules.formatting import mean_score, pace_sentence, percent, precise_percent, weekly_points


@pytest.mark.parametrize(
    ("share", "whole", "precise"),
    [
        (0.456, "46%", "45.6%"),
        (0.8, "80%", "80%"),
        (0.825, "82%", "82.5%"),
        (0, "0%", "0%"),
        (1, "100%", "100%"),
    ],
)
def test_shares_read_as_percentages(share, whole, precise):
    assert percent(share) == whole and precise_percent(share) == precise


@pytest.mark.parametrize("missing", [None, math.nan, pd.NA, pd.NaT, "n/a"])
def test_a_missing_figure_reads_as_missing(missing):
    assert percent(missing) == precise_percent(missing) == mean_score(missing) == "–"
    assert percent(missing, missing="no data") == "no data"


def test_means_have_one_decimal():
    assert mean_score(3.44) == "3.4" and mean_score(3.46) == "3.5" and mean_score(5) == "5.0"


def test_templates_share_the_wording(app):
    with app.app_context():
        render = app.jinja_env.from_string(
            "{{ percent(0.456) }} {{ precise_percent(0.825) }} {{ mean_score(3.4) }}"
        )
        assert render.render() == "46% 82.5% 3.4"


@pytest.mark.parametrize(
    ("pace", "text"),
    [(0.04, "+4"), (-0.012, "-1"), (0.003, "0"), (0.1449, "+14"), (None, "–"), (float("nan"), "–")],
)
def test_weekly_points_are_signed_whole_points(pace, text):
    assert weekly_points(pace) == text


def test_pace_sentence_says_what_is_needed_and_what_is_happening():
    assert pace_sentence(0.01, 0.04) == "needs +4 pts a week, going +1"
    assert pace_sentence(None, 0.04) == "needs +4 pts a week"
    assert pace_sentence(-0.02, None) == "going -2 pts a week"
    assert pace_sentence(None, None) == ""
