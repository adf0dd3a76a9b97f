"""Survey waves appear on the plan timeline as bars from opening to closing day."""

from __future__ import annotations

import json
from datetime import date

from adkar.charts.timeline import timeline_caption, timeline_figure

MILESTONES = [{"name": "Go-live", "due": date(2030, 6, 1), "target_element": "ability"}]
WAVES = [
    {"name": "Pulse 2", "opens_on": date(2030, 5, 1), "closes_on": date(2030, 5, 14)},
    {"name": "Baseline <b>", "opens_on": date(2030, 3, 1), "closes_on": date(2030, 3, 10)},
]


def test_each_wave_is_a_segment_in_date_order():
    figure = timeline_figure(MILESTONES, go_live=date(2030, 6, 1), today=date(2030, 4, 1), waves=WAVES)
    (trace,) = [t for t in figure["data"] if t["name"] == "Survey waves"]
    assert trace["x"] == ["2030-03-01", "2030-03-10", None, "2030-05-01", "2030-05-14", None]
    assert "Baseline &lt;b&gt;" in trace["text"][0]
    assert figure["layout"]["xaxis"]["range"][0] < "2030-03-01"
    json.dumps(figure)


def test_no_wave_trace_without_waves_and_caption_mentions_them():
    figure = timeline_figure(MILESTONES, go_live=date(2030, 6, 1), today=date(2030, 4, 1))
    assert all(t["name"] != "Survey waves" for t in figure["data"])
    caption = timeline_caption(MILESTONES, go_live=date(2030, 6, 1), today=date(2030, 4, 1), waves=WAVES)
    assert "2 survey waves" in caption
