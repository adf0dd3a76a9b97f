"""The plan timeline figure, its safe embedding in pages, and plotly.js served without a CDN."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go

from adkar.charts.render import figure_json
from adkar.charts.timeline import timeline_caption, timeline_figure
from adkar.elements import ELEMENT_COLOURS
from adkar.resources import resource_dir

from .helpers import text

GO_LIVE, TODAY = date(2026, 6, 1), date(2026, 3, 1)
MILESTONES = [
    {"name": "Go-live", "due": date(2026, 6, 1), "target_element": "ability"},
    {"name": "Design sign-off", "due": date(2026, 2, 1), "target_element": "awareness"},
    {"name": "UAT", "due": "2026-04-01", "target_element": "desire"},
    {"name": "Pilot", "due": date(2026, 4, 15), "target_element": "awareness"},
]


def markers(figure: dict) -> list[tuple[str, str, str]]:
    """(text, date, colour) for every milestone marker in the figure."""
    found = []
    for trace in figure["data"]:
        if "markers" in trace["mode"]:
            found += [
                (t, x, trace["marker"]["color"]) for t, x in zip(trace["text"], trace["x"], strict=True)
            ]
    return found


def shape(figure: dict, name: str) -> dict:
    (match,) = [s for s in figure["layout"]["shapes"] if s["name"] == name]
    return match


def test_one_marker_per_milestone_coloured_by_target_element():
    figure = timeline_figure(MILESTONES, go_live=GO_LIVE, today=TODAY)
    assert sorted(markers(figure)) == sorted(
        [
            ("Go-live", "2026-06-01", ELEMENT_COLOURS["ability"]),
            ("Design sign-off", "2026-02-01", ELEMENT_COLOURS["awareness"]),
            ("UAT", "2026-04-01", ELEMENT_COLOURS["desire"]),
            ("Pilot", "2026-04-15", ELEMENT_COLOURS["awareness"]),
        ]
    )
    legend = [t["name"] for t in figure["data"] if t.get("showlegend", True)]
    assert legend == ["Awareness", "Desire", "Ability"]  # ADKAR order, full names


def test_today_and_go_live_lines_with_go_live_emphasised():
    figure = timeline_figure(MILESTONES, go_live=GO_LIVE, today=TODAY)
    today, go_live = shape(figure, "today"), shape(figure, "go-live")
    assert (today["x0"], today["x1"], today["yref"]) == ("2026-03-01", "2026-03-01", "paper")
    assert (go_live["x0"], go_live["x1"]) == ("2026-06-01", "2026-06-01")
    assert go_live["line"]["width"] > today["line"]["width"]
    labels = [a["text"] for a in figure["layout"]["annotations"]]
    assert "Today" in labels and "Go-live 01 Jun 2026" in labels


def test_layout_has_title_axis_labels_and_a_range_covering_everything():
    figure = timeline_figure(MILESTONES, go_live=GO_LIVE, today=date(2026, 9, 1), title="Plan timeline")
    layout = figure["layout"]
    assert layout["title"]["text"] == "Plan timeline"
    assert layout["xaxis"]["title"]["text"] == "Date" and layout["xaxis"]["type"] == "date"
    low, high = layout["xaxis"]["range"]
    assert low < "2026-02-01" and high > "2026-09-01"


def test_accepts_a_dataframe_and_is_valid_plotly():
    frame = pd.DataFrame(MILESTONES).assign(due=lambda f: pd.to_datetime(f["due"]))
    figure = timeline_figure(frame, go_live=GO_LIVE, today=TODAY)
    assert len(markers(figure)) == 4
    go.Figure(figure)  # raises on any property plotly does not know
    json.loads(figure_json(figure))


def test_no_milestones_still_marks_today_and_go_live():
    figure = timeline_figure([], go_live=GO_LIVE, today=TODAY)
    assert markers(figure) == [] and figure["data"] == []
    assert {s["name"] for s in figure["layout"]["shapes"]} == {"today", "go-live"}
    assert timeline_caption([], go_live=GO_LIVE, today=TODAY) == (
        "Plan timeline with no milestones yet; go-live 01 Jun 2026, today 01 Mar 2026."
    )


def test_caption_summarises_the_chart():
    assert timeline_caption(MILESTONES, go_live=GO_LIVE, today=TODAY) == (
        "Plan timeline: 4 milestones from 01 Feb 2026 to 01 Jun 2026; go-live 01 Jun 2026, today 01 Mar 2026."
    )


def test_names_are_escaped_for_plotly_and_long_ones_shortened():
    name = "<a href='javascript:alert(1)'>x</a> and a very long milestone name indeed"
    figure = timeline_figure(
        [{"name": name, "due": GO_LIVE, "target_element": "desire"}], go_live=GO_LIVE, today=TODAY
    )
    (trace,) = [t for t in figure["data"] if "markers" in t["mode"]]
    assert "<a" not in trace["text"][0] and trace["text"][0].startswith("&lt;a href=")
    assert trace["text"][0].endswith("…") and len(trace["text"][0]) < len(name)
    assert trace["customdata"][0][0].startswith("&lt;a href='javascript:alert(1)'&gt;")


def test_figure_json_cannot_break_out_of_its_script_element():
    evil = "</script><svg onload=alert(1)>&amp;\u2028"
    embedded = figure_json({"data": [{"text": [evil]}], "layout": {"title": {"text": float("nan")}}})
    assert "<" not in embedded and ">" not in embedded and "&" not in embedded and "\u2028" not in embedded
    decoded = json.loads(embedded)
    assert decoded["data"][0]["text"] == [evil] and decoded["layout"]["title"]["text"] is None


def test_plan_page_embeds_a_hostile_milestone_name_inertly(client, auth, cast, factory):
    factory.milestone(cast.initiative, name="</script><svg onload=alert(1)>")
    auth.login(cast.sponsor.email)
    body = text(client.get(f"/initiatives/{cast.initiative.id}"))
    assert "<svg onload" not in body
    (payload,) = re.findall(
        r'<script type="application/json" class="chart-data" data-target="plan-timeline">(.*?)</script>',
        body,
        re.S,
    )
    (trace,) = [t for t in json.loads(payload)["data"] if "markers" in t["mode"]]
    assert trace["customdata"][0][0] == "&lt;/script&gt;&lt;svg onload=alert(1)&gt;"
    assert "&lt;/script&gt;&lt;svg onload=alert(1)&gt;" in body  # the table shows it as text


def test_plan_page_loads_plotly_and_charts_js_from_this_site(client, auth, cast):
    auth.login(cast.owner.email)
    body = text(client.get(f"/initiatives/{cast.initiative.id}"))
    scripts = re.findall(r'<script src="([^"]+)"', body)
    assert (
        f"/static/vendor/plotly.min.js?v={_plotly_version()}" in scripts and "/static/js/charts.js" in scripts
    )
    assert all(src.startswith("/") and not src.startswith("//") for src in scripts)
    assert "<script>" not in body and " style=" not in body


def _plotly_version() -> str:
    from importlib.metadata import version

    return version("plotly")


def test_plotly_js_is_served_from_the_installed_package(client):
    response = client.get("/static/vendor/plotly.min.js")
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert (
        "immutable" in response.headers["Cache-Control"]
        and "max-age=31536000" in response.headers["Cache-Control"]
    )
    import plotly

    packaged = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    assert response.data == packaged.read_bytes()
    response.close()


def test_charts_js_is_served_and_draws_every_chart(client):
    response = client.get("/static/js/charts.js")
    source = response.get_data(as_text=True)
    response.close()
    assert response.status_code == 200
    assert "Plotly.newPlot" in source and "displaylogo: false" in source and "responsive: true" in source
    assert 'script[type="application/json"].chart-data[data-target]' in source


EXTERNAL = re.compile(
    r"""(?:src|href)\s*=\s*["']?(?:https?:)?//|cdn\.plot\.ly|cdnjs|jsdelivr|unpkg\.com|googleapis""", re.I
)


def test_no_template_or_script_reaches_for_a_cdn():
    files = [*resource_dir("templates").rglob("*.html"), *(resource_dir("static") / "js").rglob("*.js")]
    assert any(f.name == "chart.html" for f in files)
    offenders = [str(f) for f in files if EXTERNAL.search(f.read_text(encoding="utf-8"))]
    assert offenders == []
