"""The self-contained HTML report: the dashboard's content in one file a steering committee opens offline.

plotly.js (from the plotly package), charts.js and the stylesheets are inlined, so the file needs no
network. The file is a download, never served as a page; user text is still escaped by Jinja and the
figures still travel as escaped JSON (charts.render.figure_json). A meta CSP inside the file forbids
any network access when it is opened.
"""

from __future__ import annotations

import re
from datetime import date
from functools import cache
from pathlib import Path

from flask import current_app, render_template
from markupsafe import Markup

from ..plan.models import Initiative
from ..timeutil import utc_now
from ..vendor import plotly_js_path, plotly_version
from .context import build_dashboard
from .labels import labels

CSP = "; ".join(
    [
        "default-src 'none'",
        "script-src 'unsafe-inline'",
        "style-src 'unsafe-inline'",
        "img-src data: blob:",
        "font-src data:",
        "connect-src 'none'",
        "form-action 'none'",
        "base-uri 'none'",
    ]
)
STYLESHEETS = ("css/app.css", "css/dashboard.css")
PRINT_STYLESHEET = "css/print.css"
SCRIPT = "js/charts.js"
_SCRIPT_END = re.compile(r"</(script)", re.IGNORECASE)
_STYLE_END = re.compile(r"</(style)", re.IGNORECASE)


def inline_script(source: str) -> Markup:
    """JavaScript safe inside <script>: a literal "</script" would end the element early."""
    return Markup(_SCRIPT_END.sub(r"<\\/\1", source).replace("<!--", "<\\!--"))  # noqa: S704 - file text


def inline_style(source: str) -> Markup:
    return Markup(_STYLE_END.sub(r"<\\/\1", source))  # noqa: S704 - our own stylesheet


@cache
def _plotly_source(version: str) -> str:
    """The bundled plotly.min.js (4.8 MB), read once per plotly version."""
    path = plotly_js_path()
    if path is None:
        raise RuntimeError("The installed plotly package does not ship plotly.min.js; reinstall plotly.")
    return path.read_text(encoding="utf-8")


def _static(name: str) -> str:
    return (Path(current_app.static_folder or "static") / name).read_text(encoding="utf-8")


def styles() -> Markup:
    screen = "\n".join(_static(name) for name in STYLESHEETS)
    return inline_style(f"{screen}\n@media print {{\n{_static(PRINT_STYLESHEET)}\n}}\n")


def render(initiative: Initiative) -> str:
    """The report as one HTML document."""
    return render_template(
        "dashboard/report.html",
        board=build_dashboard(initiative),
        initiative=initiative,
        generated_at=utc_now(),
        csp=CSP,
        styles=styles(),
        plotly_js=inline_script(_plotly_source(plotly_version())),
        charts_js=inline_script(_static(SCRIPT)),
        **labels(),
    )


def filename(initiative: Initiative, on: date) -> str:
    return f"initiative-{initiative.id}-readiness-report-{on.isoformat()}.html"
