"""Forms for the change-plan pages: initiatives (with template milestones), groups, milestones, people."""

from __future__ import annotations

from datetime import date

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (  # type: ignore[attr-defined]  # types-WTForms 3.2 predates SelectChoice (WTForms 3.3)
    BooleanField,
    EmailField,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    ValidationError,
    widgets,
)
from wtforms.fields import DateField, FieldList
from wtforms.validators import AnyOf, DataRequired, InputRequired, Length, NumberRange

from .. import dates
from ..elements import ELEMENT_LABELS, ELEMENTS
from .models import APPROACHES, MEMBER_ROLES
from .services import DESCRIPTION_MAX, MAX_HEADCOUNT, NAME_MAX
from .templates import KIND_LABELS, MILESTONE_KINDS

APPROACH_LABELS = {"sequential": "Sequential", "iterative": "Iterative", "hybrid": "Hybrid"}
APPROACH_HELP = {
    "sequential": "Waterfall: design, build, test and train in phases towards one go-live.",
    "iterative": "Agile: several releases; people adopt the change release by release.",
    "hybrid": "Sequential design and sign-off, then iterative build, pilots and training.",
}
ROLE_HELP = {
    "practitioner": "Practitioner: co-runs the plan (must have a practitioner account)",
    "sponsor": "Sponsor: reads the plan and the readiness dashboard",
}


def choices(labels: dict) -> list[SelectChoice]:
    return [SelectChoice(str(value), label) for value, label in labels.items()]


ELEMENT_CHOICES = choices({e: ELEMENT_LABELS[e] for e in ELEMENTS})
KIND_CHOICES = choices({k: KIND_LABELS[k] for k in MILESTONE_KINDS})
DATE_MESSAGE = "Enter a valid date (YYYY-MM-DD)."


def plausible_date(form, field) -> None:
    """The services' rule (adkar.dates), shown beside the field before anything else runs."""
    if isinstance(field.data, date) and not dates.is_plausible(field.data):
        raise ValidationError(dates.MESSAGE)


def date_field(label: str, **kwargs) -> DateField:
    return DateField(  # type: ignore[call-arg]  # invalid_value_message is WTForms 3.3's, newer than types-WTForms
        label,
        validators=[InputRequired(DATE_MESSAGE), plausible_date],
        invalid_value_message=DATE_MESSAGE,
        **kwargs,
    )


class InitiativeForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired("Give the initiative a name."), Length(max=200)])
    description = TextAreaField(
        "Description",
        validators=[Length(max=5000)],
        description="What changes for people, and why. Sponsors and practitioners see this.",
    )
    approach = RadioField(
        "Delivery approach",
        choices=choices({a: APPROACH_LABELS[a] for a in APPROACHES}),
        validators=[InputRequired("Choose a delivery approach.")],
    )
    go_live = date_field("Go-live date")


class TemplateMilestoneForm(Form):
    """One suggested milestone row; only rows left ticked are validated and saved."""

    keep = BooleanField("Include", default=True)
    name = StringField("Name", validators=[DataRequired("Give the milestone a name."), Length(max=200)])
    kind = HiddenField(validators=[AnyOf(MILESTONE_KINDS, message="Unknown milestone kind.")])
    due = date_field("Due date")
    target_element = SelectField("Target element", choices=ELEMENT_CHOICES)

    def validate(self, extra_validators=None) -> bool:
        if not self.keep.data:
            return True
        return super().validate(extra_validators)


class NewInitiativeForm(InitiativeForm):
    use_template = BooleanField(
        "Start from the template for this approach",
        description="Suggests the usual milestones with dates relative to go-live; you can edit them before saving.",
    )
    step = HiddenField(default="basics", validators=[AnyOf(("basics", "milestones"))])
    milestones = FieldList(FormField(TemplateMilestoneForm), max_entries=30)


class GroupForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired("Give the group a name."), Length(max=NAME_MAX)])
    headcount = IntegerField(
        "Headcount",
        validators=[
            InputRequired("Enter the number of people in the group."),
            NumberRange(1, MAX_HEADCOUNT, f"Enter a whole number between 1 and {MAX_HEADCOUNT:,}."),
        ],
        description="People in the group; used as the invited count when the group answers through an open link.",
    )
    description = TextAreaField("Description", validators=[Length(max=DESCRIPTION_MAX)])


class MultiCheckboxField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class MilestoneForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired("Give the milestone a name."), Length(max=200)])
    kind = SelectField("Kind", choices=KIND_CHOICES)
    due = date_field("Due date")
    target_element = SelectField(
        "Target element",
        choices=ELEMENT_CHOICES,
        description="The ADKAR element people must have reached by this date.",
    )
    threshold = IntegerField(
        "Readiness threshold (%)",
        default=80,
        validators=[
            InputRequired("Enter the threshold as a percentage."),
            NumberRange(1, 100, "Enter a whole percentage between 1 and 100."),
        ],
        description="Share of each impacted group that must have reached the target element for the gate to be ready.",
    )
    group_ids = MultiCheckboxField("Impacted groups", coerce=int, choices=[], validate_choice=True)

    def set_groups(self, groups) -> None:
        self.group_ids.choices = choices({g.id: g.name for g in groups})


class MemberForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired("Enter the person's email."), Length(max=254)])
    role = SelectField("Role", choices=choices({r: ROLE_HELP[r] for r in MEMBER_ROLES}), default="sponsor")


class GroupImportForm(FlaskForm):
    file = FileField(
        "CSV file",
        validators=[FileRequired("Choose a CSV file to upload.")],
        render_kw={"accept": ".csv,text/csv"},
    )


class DeleteInitiativeForm(FlaskForm):
    confirm_name = StringField(
        "Type the initiative's name to confirm", validators=[DataRequired("Type the name to confirm.")]
    )
