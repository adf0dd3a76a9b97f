"""Forms for action plans, the resistance log and the action library."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from ..plan.forms import ELEMENT_CHOICES, choices, date_field
from .models import ACTION_STATUS_LABELS, RESISTANCE_REASON_LABELS, RESISTANCE_STATUS_LABELS
from .seed import DESCRIPTION_MAX, TITLE_MAX
from .services import OWNER_MAX, RESPONSE_MAX, WHAT_MAX


class ActionForm(FlaskForm):
    element = SelectField(
        "ADKAR element", choices=ELEMENT_CHOICES, description="The element this action helps people reach."
    )
    what = TextAreaField(
        "What will be done",
        validators=[DataRequired("Describe the action."), Length(max=WHAT_MAX)],
        render_kw={"rows": 3},
    )
    owner = StringField(
        "Owner",
        validators=[DataRequired("Name who owns the action."), Length(max=OWNER_MAX)],
        description="The person accountable, e.g. the sponsor or a team lead.",
    )
    starts_on = date_field("Start date")
    due_on = date_field("Due date")
    status = SelectField("Status", choices=choices(ACTION_STATUS_LABELS), default="planned")
    library_entry_id = HiddenField()

    def entry_id(self) -> int | None:
        value = (self.library_entry_id.data or "").strip()
        return int(value) if value.isdigit() else None


class ResistanceForm(FlaskForm):
    what = TextAreaField(
        "What is being resisted",
        validators=[DataRequired("Describe what people resist."), Length(max=WHAT_MAX)],
        render_kw={"rows": 2},
    )
    reason = RadioField(
        "Why",
        choices=choices(RESISTANCE_REASON_LABELS),
        validators=[InputRequired("Choose the main reason.")],
    )
    people = IntegerField(
        "How many people",
        validators=[
            InputRequired("Enter how many people resist."),
            NumberRange(min=1, message="Enter a whole number of at least 1."),
        ],
        description="An estimate is fine; at most the group's headcount.",
    )
    response = TextAreaField(
        "Response",
        validators=[Optional(), Length(max=RESPONSE_MAX)],
        description="What is being done about it, and by whom.",
        render_kw={"rows": 3},
    )
    status = SelectField("Status", choices=choices(RESISTANCE_STATUS_LABELS), default="open")
    logged_on = date_field("Date noticed")


class LibraryEntryForm(FlaskForm):
    element = SelectField("ADKAR element", choices=ELEMENT_CHOICES)
    title = StringField("Title", validators=[DataRequired("Give the action a title."), Length(max=TITLE_MAX)])
    description = TextAreaField(
        "Description",
        validators=[Optional(), Length(max=DESCRIPTION_MAX)],
        description="How to run it, and what good looks like.",
        render_kw={"rows": 4},
    )
