"""Forms for a milestone's change records (with their lifecycle), the change rules, and the CSV upload."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import DateTimeLocalField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from ..plan.forms import choices
from .models import (
    CAB_LABELS,
    CHANGE_STATE_LABELS,
    CHANGE_TYPE_LABELS,
    IMPACT_LABELS,
    RESULT_LABELS,
    RISK_LABELS,
)
from .services import SERVICES_MAX, TEXT_MAX, URL_MAX

UTC_HELP = "UTC, as your ITSM tool's API gives it."


def _moment(label: str) -> DateTimeLocalField:
    return DateTimeLocalField(label, validators=[Optional()], format="%Y-%m-%dT%H:%M", description=UTC_HELP)


class ChangeRecordForm(FlaskForm):
    number = StringField(
        "Change number",
        validators=[DataRequired("Enter the change record's number."), Length(max=40)],
        description="As your ITSM tool shows it, e.g. CHG0031234.",
    )
    change_type = SelectField("Type", choices=choices(CHANGE_TYPE_LABELS), default="normal")
    state = SelectField("State", choices=choices(CHANGE_STATE_LABELS), default="new")
    url = StringField(
        "Link",
        validators=[Optional(), Length(max=URL_MAX)],
        description="Optional: the record's address in the ITSM tool (https:// or http://).",
        render_kw={"inputmode": "url", "autocomplete": "off"},
    )
    description = TextAreaField("What changes", validators=[Length(max=TEXT_MAX)])
    reason = TextAreaField("Why", validators=[Length(max=TEXT_MAX)])
    affected_services = StringField(
        "Systems and services affected", validators=[Length(max=SERVICES_MAX)], description="Comma-separated."
    )
    impact = SelectField("Impact", choices=choices(IMPACT_LABELS), default="")
    risk = SelectField("Risk", choices=choices(RISK_LABELS), default="")
    requested_at = _moment("Requested")
    planned_start = _moment("Planned window: start")
    planned_end = _moment("Planned window: end")
    cab_decision = SelectField("CAB decision", choices=choices(CAB_LABELS), default="")
    result = SelectField("Implementation result", choices=choices(RESULT_LABELS), default="")
    implemented_at = _moment("Implemented")
    review_notes = TextAreaField("Review notes", validators=[Length(max=TEXT_MAX)])


class ChangeSettingsForm(FlaskForm):
    emergency_review_days = IntegerField(
        "Retrospective review of an emergency change within (days)",
        validators=[InputRequired("Enter a number of days."), NumberRange(1, 90, "From 1 to 90 days.")],
        description="An emergency change passes the deployment gate; its people review is due this many days "
        "after its planned start.",
    )


class ChangeImportForm(FlaskForm):
    file = FileField(
        "CSV file",
        validators=[FileRequired("Choose a CSV file to upload.")],
        render_kw={"accept": ".csv,text/csv"},
    )
