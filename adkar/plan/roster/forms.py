"""Forms of the roster page: upload a file, add one person, and whether the headcount follows the roster."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, EmailField, SelectField, StringField
from wtforms.validators import DataRequired, Length

from ..forms import choices
from .models import DEFAULT_LANGUAGE, EMAIL_MAX, LANGUAGE_NAMES, LANGUAGES, NAME_MAX

LANGUAGE_CHOICES = choices({code: LANGUAGE_NAMES[code][1] for code in LANGUAGES})


class RosterImportForm(FlaskForm):
    file = FileField(
        "CSV or XLSX file",
        validators=[FileRequired("Choose a CSV or XLSX file to upload.")],
        render_kw={
            "accept": ".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        },
    )


class ParticipantForm(FlaskForm):
    email = EmailField(
        "E-mail", validators=[DataRequired("Enter the person's e-mail address."), Length(max=EMAIL_MAX)]
    )
    name = StringField("Name", validators=[Length(max=NAME_MAX)])
    language = SelectField("Language", choices=LANGUAGE_CHOICES, default=DEFAULT_LANGUAGE)


class FollowForm(FlaskForm):
    follows = BooleanField(
        "The headcount follows the roster",
        description=(
            "The group's headcount becomes the number of people on its roster, now and whenever the roster "
            "changes. It is what an open link counts as invited and what utilisation divides by."
        ),
    )
