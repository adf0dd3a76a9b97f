"""Forms for a milestone's change record and the change-record CSV upload."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from ..plan.forms import choices
from .models import CHANGE_STATE_LABELS, CHANGE_TYPE_LABELS
from .services import URL_MAX


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


class ChangeImportForm(FlaskForm):
    file = FileField(
        "CSV file",
        validators=[FileRequired("Choose a CSV file to upload.")],
        render_kw={"accept": ".csv,text/csv"},
    )
