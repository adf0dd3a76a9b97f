"""Serialise a figure dict for a page: JSON that is safe inside <script type="application/json">.

The HTML parser ends a script element at the first "</script", whatever the type, so user text in a
figure (a milestone named "</script><svg onload=...>") could otherwise break out. Escaping <, > and &
as \\u003c, \\u003e and \\u0026 keeps the JSON identical for JSON.parse and inert for the HTML parser.
"""

from __future__ import annotations

import json
import math
from datetime import date, datetime
from typing import Any

import pandas as pd
from markupsafe import Markup

_ESCAPES = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}


def _plain(value: Any) -> Any:
    """Turn NaN/inf into null (invalid in JSON) and dates, numpy and pandas scalars into JSON types."""
    if value is pd.NaT or value is pd.NA:
        return None
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, datetime | date):
        return value.isoformat()
    if hasattr(value, "tolist"):  # numpy arrays and scalars
        return _plain(value.tolist())
    if hasattr(value, "isoformat"):  # pandas Timestamp
        return value.isoformat()
    return value


def figure_json(figure: dict) -> Markup:
    """The figure as JSON text to embed verbatim in a <script type="application/json"> element."""
    text = json.dumps(_plain(figure), ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    for char, escaped in _ESCAPES.items():
        text = text.replace(char, escaped)
    return Markup(text)  # noqa: S704 - every character that HTML could act on is escaped above
