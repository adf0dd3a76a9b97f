"""Forms of the governance page: advance a stage, name a sign-off, decide one."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, RadioField, SelectField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from ..plan.forms import MultiCheckboxField, choices
from .criteria import SWITCHABLE
from .models import APPROVER_ROLE_LABELS, STAGE_LABELS, STAGES
from .services import NOTE_MAX
from .settings import JUSTIFICATION_MAX, JUSTIFICATION_MIN


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


class CriterionSwitchForm(FlaskForm):
    criterion = SelectField(
        "Criterion",
        choices=choices(
            {
                f"{stage}:{key}": f"{STAGE_LABELS[stage]}: {label}"
                for (stage, key), label in SWITCHABLE.items()
            }
        ),
    )
    enabled = RadioField(
        "Setting",
        choices=choices({"off": "Switch off for this initiative", "on": "Switch on again"}),
        validators=[DataRequired("Choose on or off.")],
    )
    justification = TextAreaField(
        "Justification",
        validators=[Optional(), Length(max=JUSTIFICATION_MAX)],
        description=f"Required to switch a criterion off: at least {JUSTIFICATION_MIN} characters, kept in the audit trail.",
    )


class RolesForm(FlaskForm):
    stage = SelectField("For entering", choices=choices({s: STAGE_LABELS[s] for s in STAGES[1:]}))
    roles = MultiCheckboxField("Sign-off roles it requires", choices=choices(APPROVER_ROLE_LABELS))
    restore = BooleanField(
        "Restore the default (Closed requires a controller; no other stage requires a role)"
    )
    justification = TextAreaField(
        "Justification",
        validators=[Optional(), Length(max=JUSTIFICATION_MAX)],
        description=f"Required unless you restore the default: at least {JUSTIFICATION_MIN} characters.",
    )
