"""The gate override form; the rules (a justification of at least 20 characters) live in the service."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import TextAreaField


class OverrideForm(FlaskForm):
    justification = TextAreaField(
        "Why can this gate pass?",
        description=(
            "Kept with your name and the time, and shown to everyone who reads this dashboard. "
            "Say what the risk is and how it is handled (at least 20 characters)."
        ),
    )
