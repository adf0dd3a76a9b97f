"""plotly.js and its styles come from the installed plotly package, shaped for a strict CSP."""

from __future__ import annotations

import re

from adkar.vendor import (
    extract_guarded_styles,
    extract_plotly_css,
    plotly_css,
    plotly_js_path,
    plotly_style_ids,
)

from .helpers import text

BUNDLE = (
    'var Q={"X,X div":\'direction:ltr;font-family:"Open Sans";\',"X .main-svg":"position:absolute;top:0;",'
    'Y:"position:fixed;","Y p":"margin:0;"};for(k in Q)r=k.replace(/^,/," ,").replace(/X/g,".js-plotly-plot .plotly")'
    '.replace(/Y/g,".plotly-notifier"),add(r,Q[k]);'
    '(function(){if(!document.getElementById("abc123")){var e=document.createElement("style");'
    "e.id=\"abc123\",e.textContent='.map{font:12px/20px Arial}',document.head.appendChild(e)}})()"
)


def test_extracts_the_global_rules_plotly_would_inject():
    assert extract_plotly_css(BUNDLE).splitlines() == [
        '.js-plotly-plot .plotly,.js-plotly-plot .plotly div { direction:ltr;font-family:"Open Sans"; }',
        ".js-plotly-plot .plotly .main-svg { position:absolute;top:0; }",
        ".plotly-notifier { position:fixed; }",
        ".plotly-notifier p { margin:0; }",
    ]
    assert extract_guarded_styles(BUNDLE) == {"abc123": ".map{font:12px/20px Arial}"}


def test_the_installed_bundle_yields_its_stylesheet():
    css = plotly_css()
    assert ".js-plotly-plot .plotly .main-svg { position:absolute;top:0;left:0;pointer-events:none; }" in css
    assert ".js-plotly-plot .plotly .modebar {" in css
    source = plotly_js_path().read_text("utf-8")
    for ident in plotly_style_ids():
        assert f'document.getElementById("{ident}")' in source


def test_stylesheet_route_is_css_with_a_long_cache(client):
    response = client.get("/static/vendor/plotly.css")
    assert response.status_code == 200 and response.mimetype == "text/css"
    assert "immutable" in response.headers["Cache-Control"]
    assert response.get_data(as_text=True) == plotly_css()
    again = client.get("/static/vendor/plotly.css", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304


def test_chart_pages_mark_the_bundled_stylesheets_as_present(client, auth, cast):
    auth.login(cast.owner.email)
    body = text(client.get(f"/initiatives/{cast.initiative.id}"))
    ids = re.findall(r'<template id="([^"]+)"></template>', body)
    assert ids == list(plotly_style_ids()) and ids
