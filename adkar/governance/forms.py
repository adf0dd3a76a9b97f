"""Forms of the governance page: advance a stage, name a sign-off, decide one."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, SelectField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from ..plan.forms import choices
from .models import APPROVER_ROLE_LABELS, STAGE_LABELS, STAGES
from .services import NOTE_MAX


class AdvanceForm(FlaskForm):
    to = HiddenField(validators=[DataRequired()])
    note = TextAreaField(
        "Note",
        validators=[Optional(), Length(max=NOTE_MAX)],
        description="Optional: what was decided, or where the evidence is.",
    )


class SignOffForm(FlaskForm):
    stage = SelectField("For entering", choices=choices({s: STAGE_LABELS[s] for s in STAGES[1:]}))
    role = SelectField("Role", choices=choices(APPROVER_ROLE_LABELS))
    approver_id = SelectField("Approver", coerce=int, validate_choice=False)


class DecisionForm(FlaskForm):
    decision = RadioField(
        "Decision",
        choices=choices({"approved": "Approve", "rejected": "Reject"}),
        validators=[DataRequired("Choose approve or reject.")],
    )
    comment = TextAreaField(
        "Comment",
        validators=[Optional(), Length(max=NOTE_MAX)],
        description="Required when you reject: say what needs to change.",
    )
