"""Forms of the KPI pages: a KPI, a benefit, and the measurements CSV upload."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, FloatField, SelectField, StringField, TextAreaField
from wtforms.fields import DateField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from ..plan.forms import choices
from .models import NAME_MAX, OWNER_MAX, SOURCE_MAX, UNIT_MAX
from .services import EXPLANATION_MAX
from .status import DIRECTION_LABELS

NUMBER_HELP = "A number; decimals with a full stop (12.5)."


def _number(label: str, *, required: bool = False, description: str = NUMBER_HELP) -> FloatField:
    check = InputRequired(f"Enter the {label.lower()}.") if required else Optional()
    return FloatField(label, validators=[check], description=description, render_kw={"step": "any"})


class KpiForm(FlaskForm):
    name = StringField(
        "Name",
        validators=[DataRequired("Name the KPI."), Length(max=NAME_MAX)],
        description="E.g. ticket resolution hours, first-contact resolution, uptime, deployment frequency.",
    )
    unit = StringField(
        "Unit", validators=[Optional(), Length(max=UNIT_MAX)], description="E.g. hours, %, per week."
    )
    direction = SelectField("Better when", choices=choices(DIRECTION_LABELS), default="increase")
    baseline = _number("Baseline", required=True, description="Where it stood before the change.")
    target = _number("Target", description="Optional: where it should get to. Without one it has no status.")
    due_on = DateField(
        "Due date", validators=[Optional()], description="Optional: when the target should be reached."
    )
    owner = StringField("Owner", validators=[Optional(), Length(max=OWNER_MAX)])
    source = StringField(
        "Source", validators=[Optional(), Length(max=SOURCE_MAX)], description="Where the figures come from."
    )
    legacy = BooleanField(
        "Legacy measure that contradicts the change (left out of the closing criterion)",
    )
    explanation = TextAreaField(
        "Explanation",
        validators=[Optional(), Length(max=EXPLANATION_MAX)],
        description="Why a missed target is accepted; an explained KPI does not hold up closing.",
        render_kw={"rows": 3},
    )


class BenefitForm(FlaskForm):
    name = StringField(
        "Name",
        validators=[DataRequired("Name the benefit."), Length(max=NAME_MAX)],
        description="E.g. cost saved, hours freed for agents.",
    )
    unit = StringField("Unit", validators=[Optional(), Length(max=UNIT_MAX)], description="E.g. EUR, hours.")
    baseline = _number("Baseline", required=True)
    target = _number("Target")
    forecast = _number("Forecast")
    actual = _number("Actual")


class KpiImportForm(FlaskForm):
    file = FileField(
        "CSV file",
        validators=[FileRequired("Choose a CSV file to upload.")],
        render_kw={"accept": ".csv,text/csv"},
    )
