"""The e-mail alerts form: one checkbox per alert kind; a value that is not a kind fails validation."""

from __future__ import annotations

from flask_wtf import FlaskForm

from ..plan.forms import MultiCheckboxField, choices
from .kinds import KIND_LABELS


class AlertPreferencesForm(FlaskForm):
    kinds = MultiCheckboxField(
        "Send me an e-mail when",
        choices=choices(KIND_LABELS),
        description="Alerts come only for initiatives you can open. Clear every box to get none.",
    )
