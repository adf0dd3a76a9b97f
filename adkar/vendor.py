"""Third-party browser code served from installed Python packages, so no page needs a CDN.

plotly.js comes from the plotly package itself (plotly/package_data/plotly.min.js). URLs carry the
package version (?v=...), so browsers may cache the file for a year and still pick up an upgrade.
"""

from __future__ import annotations

from functools import cache
from importlib import metadata, resources
from pathlib import Path

from flask import Blueprint, abort, send_file

bp = Blueprint("vendor", __name__)

ONE_YEAR = 365 * 24 * 60 * 60


@cache
def plotly_version() -> str:
    return metadata.version("plotly")


@cache
def plotly_js_path() -> Path | None:
    """The bundled plotly.min.js on disk, or None if the installed plotly does not ship it."""
    path = Path(str(resources.files("plotly") / "package_data" / "plotly.min.js"))
    return path if path.is_file() else None


@bp.get("/static/vendor/plotly.min.js")
def plotly_js():
    path = plotly_js_path()
    if path is None:
        abort(404)
    response = send_file(path, mimetype="text/javascript", max_age=ONE_YEAR, conditional=True, etag=True)
    response.cache_control.public = True
    response.cache_control.immutable = True
    return response


@bp.app_url_defaults
def _versioned(endpoint: str, values: dict) -> None:
    if endpoint == "vendor.plotly_js":
        values.setdefault("v", plotly_version())
