"""Third-party browser code served from installed Python packages, so no page needs a CDN.

plotly.js comes from the plotly package itself (plotly/package_data/plotly.min.js). Under our strict CSP
(style-src 'self') plotly cannot inject its own stylesheet, so its rules are lifted out of the bundle and
served as plotly.css, linked with id="plotly.js-style-global" class="no-inline-styles", the switch
plotly.js reads to skip the injection. URLs carry the package version (?v=...), so browsers may cache
the files for a year and still pick up an upgrade.
"""

from __future__ import annotations

import logging
import re
from functools import cache
from importlib import metadata, resources
from pathlib import Path

from flask import Blueprint, Response, abort, request, send_file

bp = Blueprint("vendor", __name__)
log = logging.getLogger(__name__)

ONE_YEAR = 365 * 24 * 60 * 60
# plotly.js builds its global rules from {selector-template: declarations}, X and Y standing for these:
_SELECTOR_MACROS = {"X": ".js-plotly-plot .plotly", "Y": ".plotly-notifier"}
_RULES_LOOP = re.compile(
    r'for\((\w+) in (\w+)\)\w+=\1\.replace\(/\^,/," ,"\)\.replace\(/X/g,"\.js-plotly-plot \.plotly"\)'
)
# The rules the charts cannot do without, in case a future bundle is laid out differently.
_FALLBACK_CSS = """\
.js-plotly-plot .plotly, .js-plotly-plot .plotly div { direction: ltr; margin: 0; padding: 0; border: 0; }
.js-plotly-plot .plotly .main-svg { position: absolute; top: 0; left: 0; pointer-events: none; }
.js-plotly-plot .plotly .main-svg .draglayer { pointer-events: all; }
.js-plotly-plot .plotly .modebar { position: absolute; top: 2px; right: 2px; }
.js-plotly-plot .plotly .modebar-group { float: left; display: inline-block; box-sizing: border-box;
  padding-left: 8px; position: relative; vertical-align: middle; white-space: nowrap; }
.js-plotly-plot .plotly .modebar-btn { position: relative; font-size: 16px; padding: 3px 4px; height: 22px;
  cursor: pointer; line-height: normal; box-sizing: border-box; border: none; background: transparent; }
.js-plotly-plot .plotly .modebar-btn svg { position: relative; }
"""


@cache
def plotly_version() -> str:
    return metadata.version("plotly")


@cache
def plotly_js_path() -> Path | None:
    """The bundled plotly.min.js on disk, or None if the installed plotly does not ship it."""
    path = Path(str(resources.files("plotly") / "package_data" / "plotly.min.js"))
    return path if path.is_file() else None


def _js_string(source: str, at: int) -> tuple[str, int]:
    """The JavaScript string literal starting at `at` (quote included) and the index after it."""
    quote, out, i = source[at], [], at + 1
    while source[i] != quote:
        if source[i] == "\\":
            nxt = source[i + 1]
            if nxt == "u":
                out.append(chr(int(source[i + 2 : i + 6], 16)))
                i += 6
                continue
            out.append({"n": "\n", "t": "\t"}.get(nxt, nxt))
            i += 2
            continue
        out.append(source[i])
        i += 1
    return "".join(out), i + 1


def _js_string_object(source: str, at: int) -> dict[str, str]:
    """A JavaScript object literal of string keys and string values, starting at the "{" at `at`."""
    rules, i = {}, at + 1
    while source[i] != "}":
        if source[i] in "'\"":
            key, i = _js_string(source, i)
        else:  # a bare identifier key
            name = re.compile(r"[A-Za-z_$][\w$]*").match(source, i)
            if name is None:
                raise ValueError("expected a key")
            key, i = name.group(0), name.end()
        if source[i] != ":":
            raise ValueError("expected ':'")
        value, i = _js_string(source, i + 1)
        rules[key] = value
        if source[i] == ",":
            i += 1
    return rules


def extract_plotly_css(bundle: str) -> str:
    """plotly.js's global stylesheet, as it would inject it, from the minified bundle's source."""
    loop = _RULES_LOOP.search(bundle)
    if loop is None:
        raise ValueError("plotly.js style rules not found")
    start = bundle.rfind(f"{loop.group(2)}={{", 0, loop.start())
    if start < 0:
        raise ValueError("plotly.js style object not found")
    rules = _js_string_object(bundle, start + len(loop.group(2)) + 1)
    lines = []
    for template, declarations in rules.items():
        selector = re.sub("^,", " ,", template)
        for macro, value in _SELECTOR_MACROS.items():
            selector = selector.replace(macro, value)
        lines.append(f"{selector} {{ {declarations} }}")
    return "\n".join(lines) + "\n"


_GUARDED_STYLE = re.compile(
    r'if\(!document\.getElementById\("([\w-]+)"\)\)\{var (\w+)=document\.createElement\("style"\);'
    r'\2\.id="\1",\2\.textContent='
)


def extract_guarded_styles(bundle: str) -> dict[str, str]:
    """Stylesheets the bundle injects at load unless an element with their id exists: {id: css}."""
    return {m.group(1): _js_string(bundle, m.end())[0] for m in _GUARDED_STYLE.finditer(bundle)}


@cache
def _bundle() -> str:
    path = plotly_js_path()
    return path.read_text("utf-8") if path is not None else ""


@cache
def _guarded_styles() -> dict[str, str]:
    try:
        return extract_guarded_styles(_bundle())
    except (ValueError, IndexError) as exc:
        log.warning("plotly.js bundled stylesheets not found: %s", exc)
        return {}


@bp.app_template_global("plotly_style_ids")
def plotly_style_ids() -> tuple[str, ...]:
    """Ids to place on the page so plotly.js skips injecting those stylesheets (plotly.css has them)."""
    return tuple(_guarded_styles())


@cache
def plotly_css() -> str:
    header = f"/* plotly.js styles, from the plotly {plotly_version()} Python package */\n"
    try:
        rules = extract_plotly_css(_bundle())
    except (ValueError, IndexError) as exc:
        log.warning("serving fallback plotly.css: %s", exc)
        rules = _FALLBACK_CSS
    guarded = "".join(
        f"\n/* bundled stylesheet {ident} */\n{css}\n" for ident, css in _guarded_styles().items()
    )
    return header + rules + guarded


def _long_cache(response: Response) -> Response:
    response.cache_control.max_age = ONE_YEAR
    response.cache_control.public = True
    response.cache_control.immutable = True
    return response


@bp.get("/static/vendor/plotly.min.js")
def plotly_js():
    path = plotly_js_path()
    if path is None:
        abort(404)
    return _long_cache(send_file(path, mimetype="text/javascript", conditional=True, etag=True))


@bp.get("/static/vendor/plotly.css")
def plotly_stylesheet():
    response = Response(plotly_css(), mimetype="text/css")
    response.set_etag(f"plotly-css-{plotly_version()}")
    return _long_cache(response.make_conditional(request))


@bp.app_url_defaults
def _versioned(endpoint: str, values: dict) -> None:
    if endpoint in ("vendor.plotly_js", "vendor.plotly_stylesheet"):
        values.setdefault("v", plotly_version())
