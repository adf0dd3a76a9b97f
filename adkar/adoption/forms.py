"""Forms of the adoption pages: the target utilisation and the usage CSV upload."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import IntegerField
from wtforms.validators import InputRequired, NumberRange


class TargetForm(FlaskForm):
    target = IntegerField(
        "Target utilisation (%)",
        validators=[
            InputRequired("Enter the target as a percentage."),
            NumberRange(1, 100, "Enter a whole percentage between 1 and 100."),
        ],
        description="Share of each group's headcount expected to use the new system; speed of adoption counts the days from go-live to reaching it.",
    )


class UsageImportForm(FlaskForm):
    file = FileField(
        "CSV file",
        validators=[FileRequired("Choose a CSV file to upload.")],
        render_kw={"accept": ".csv,text/csv"},
    )
