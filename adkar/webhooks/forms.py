"""The endpoint form: where to send, which events, for which initiative."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField
from wtforms.validators import DataRequired, Length

from ..plan.forms import MultiCheckboxField, choices
from .event_types import EVENT_TYPES
from .models import DESCRIPTION_MAX, URL_MAX

ALL_INITIATIVES = ""


def _initiative_id(value: object) -> int | None:
    return None if value in (None, ALL_INITIATIVES) else int(str(value))


class EndpointForm(FlaskForm):
    url = StringField(
        "URL",
        validators=[DataRequired("Give the URL that receives the events."), Length(max=URL_MAX)],
        description="An https:// address; redirects are not followed.",
    )
    description = StringField("Description", validators=[Length(max=DESCRIPTION_MAX)])
    event_types = MultiCheckboxField(
        "Events",
        choices=choices({key: f"{key}: {label}" for key, label in EVENT_TYPES.items()}),
        validate_choice=True,
        description="None ticked: every event, including those added later.",
    )
    initiative_id = SelectField("Initiative", coerce=_initiative_id, validate_choice=True)
    enabled = BooleanField("Enabled", default=True)

    def set_initiatives(self, initiatives) -> None:
        self.initiative_id.choices = [(ALL_INITIATIVES, "All initiatives")] + [
            (str(i.id), i.name) for i in initiatives
        ]

    def fields(self) -> dict:
        return {
            "url": self.url.data or "",
            "description": self.description.data or "",
            "event_types": list(self.event_types.data or []),
            "initiative_id": self.initiative_id.data,
            "enabled": bool(self.enabled.data),
        }
