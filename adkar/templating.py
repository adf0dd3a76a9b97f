"""What every template may use, registered once: the number wording of adkar.rules.formatting and the
elements' names (for the one element chip, templates/partials/elements.html)."""

from __future__ import annotations

from flask import Flask

from .elements import ELEMENT_LABELS
from .rules import formatting


def init_app(app: Flask) -> None:
    app.add_template_global(formatting.percent, "percent")
    app.add_template_global(formatting.precise_percent, "precise_percent")
    app.add_template_global(formatting.mean_score, "mean_score")
    app.jinja_env.globals["element_names"] = ELEMENT_LABELS
