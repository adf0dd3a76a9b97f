"""Forms of the wave pages. Shape checks live here; the rules (dates, groups, milestone) live in services.py."""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from datetime import date, timedelta

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from ... import dates
from ...plan.forms import choices
from ...plan.models import Initiative
from ...plan.roster.models import DEFAULT_LANGUAGE, LANGUAGE_NAMES
from ...timeutil import today as current_day
from ...validation import ValidationFailed
from ..definitions import registry
from ..definitions.survey import survey_title
from ..invitations.sending import MAX_EMAIL_BATCH, survey_languages
from ..invitations.services import MAX_BATCH
from ..models import Wave
from .services import MAX_NAME, MAX_PURPOSE, default_survey

NO_MILESTONE = 0
DEFAULT_DAYS_OPEN = 14  # two weeks: long enough for holidays and shifts, short enough to keep momentum
ALL_GROUPS = 0


class CheckboxesField(SelectMultipleField):
    """A list of checkboxes (a fieldset in the page), easier than a multi-select on every device."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class WaveForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=MAX_NAME)])
    survey = SelectField("Survey", validators=[DataRequired()])
    opens_on = DateField(
        "Opens on", validators=[InputRequired()], description="The first day people can answer."
    )
    closes_on = DateField(
        "Closes on", validators=[InputRequired()], description="The last day people can answer (included)."
    )
    groups = CheckboxesField("Stakeholder groups", coerce=int, validators=[Optional()])
    milestone = SelectField(
        "Milestone",
        coerce=int,
        description="The readiness gate this wave informs; it should close before the milestone.",
    )
    purpose = TextAreaField(
        "Purpose",
        validators=[Length(max=MAX_PURPOSE)],
        description="What the team wants to learn from this wave (shown to practitioners and sponsors only).",
    )

    def fill_choices(self, initiative: Initiative) -> WaveForm:
        self.survey.choices = [(key, survey_title(d, "en")) for key, d in registry.definitions().items()]
        self.groups.choices = [(g.id, f"{g.name} ({g.headcount:,} people)") for g in initiative.groups]
        self.milestone.choices = [(NO_MILESTONE, "No milestone")] + [
            (m.id, f"{m.name} ({m.due.isoformat()})") for m in initiative.milestones
        ]
        return self

    def service_args(self) -> dict:
        """Keyword arguments for waves.create_wave / update_wave."""
        return {
            "name": self.name.data or "",
            "survey_key": self.survey.data or "",
            "opens_on": self.opens_on.data,
            "closes_on": self.closes_on.data,
            "group_ids": list(self.groups.data or []),
            "milestone_id": self.milestone.data or None,
            "purpose": self.purpose.data or "",
        }

    def show_problems(self, failed: ValidationFailed) -> None:
        fields = {"survey": self.survey, "group_ids": self.groups, "milestone_id": self.milestone}
        for name, messages in failed.by_field().items():
            target = fields.get(name) or getattr(self, name, None)
            if target is None or not hasattr(target, "errors"):
                self.form_errors.extend(messages)
            else:
                target.errors = [*target.errors, *messages]


def wave_form_data(wave: Wave) -> dict:
    return {
        "name": wave.name,
        "survey": wave.survey_key,
        "opens_on": wave.opens_on,
        "closes_on": wave.closes_on,
        "groups": [wg.group_id for wg in wave.wave_groups],
        "milestone": wave.milestone_id or NO_MILESTONE,
        "purpose": wave.purpose,
    }


def prefill_data(args: Mapping, initiative: Initiative) -> dict:
    """Start values for a new wave from query args (a suggestion's "adjust" link); bad values are ignored."""
    data: dict = {
        "groups": [g.id for g in initiative.groups],
        "survey": default_survey(initiative),
        "opens_on": current_day(),
        "closes_on": current_day() + timedelta(days=DEFAULT_DAYS_OPEN - 1),
    }
    for key in ("name", "purpose"):
        if args.get(key):
            data[key] = str(args[key])[: MAX_PURPOSE if key == "purpose" else MAX_NAME]
    if args.get("survey") in registry.definitions():
        data["survey"] = args["survey"]
    for key in ("opens_on", "closes_on"):
        with contextlib.suppress(ValueError):
            day = date.fromisoformat(str(args.get(key, "")))
            if dates.is_plausible(day):
                data[key] = day
    milestone = next((m for m in initiative.milestones if str(m.id) == str(args.get("milestone", ""))), None)
    if milestone is not None:
        data["milestone"] = milestone.id
        if milestone.groups:
            data["groups"] = [g.id for g in milestone.groups]
    return data


def _group_choices(wave: Wave) -> list[tuple[int, str]]:
    return [(wg.group_id, wg.group.name) for wg in wave.wave_groups]


class LinksForm(FlaskForm):
    group = SelectField("Group", coerce=int)
    count = IntegerField(
        "Number of links",
        validators=[InputRequired(), NumberRange(min=1, max=MAX_BATCH)],
        description=f"One per person, 1 to {MAX_BATCH:,}. Each link works once.",
    )

    def for_wave(self, wave: Wave) -> LinksForm:
        self.group.choices = _group_choices(wave)
        return self


class EmailInviteForm(FlaskForm):
    group = SelectField("Group", coerce=int)
    emails = TextAreaField(
        "Email addresses",
        validators=[DataRequired(message="Give at least one email address.")],
        description=f'One per line, or separated by commas, "Name <address>" keeps the name; up to '
        f"{MAX_EMAIL_BATCH:,}. Everyone gets their own link; addresses already invited to this wave are skipped.",
    )
    send_when = SelectField(
        "Send",
        choices=choices({"now": "Now", "open": "On the day the wave opens"}),
        default="now",
        description="Messages go out from the background worker; this page shows their progress.",
    )
    language = SelectField(
        "Language",
        description="The language of these invitations and of the survey they open (each person can still "
        "switch on the survey page).",
    )

    def for_wave(self, wave: Wave) -> EmailInviteForm:
        self.group.choices = _group_choices(wave)
        self.language.choices = [(c, LANGUAGE_NAMES.get(c, (c, c))[1]) for c in survey_languages(wave)]
        if not self.language.data:
            self.language.data = DEFAULT_LANGUAGE  # every survey has it (the fallback language)
        return self


class RosterInviteForm(FlaskForm):
    group = SelectField("Group", coerce=int)
    send_when = SelectField(
        "Send",
        choices=choices({"now": "Now", "open": "On the day the wave opens"}),
        default="now",
    )

    def for_wave(self, wave: Wave) -> RosterInviteForm:
        self.group.choices = _group_choices(wave)
        return self


class ReminderForm(FlaskForm):
    group = SelectField("Remind", coerce=int)

    def for_wave(self, wave: Wave) -> ReminderForm:
        self.group.choices = [(ALL_GROUPS, "Every group"), *_group_choices(wave)]
        return self


class ReminderScheduleForm(FlaskForm):
    days = StringField(
        "Remind automatically on days",
        validators=[Optional(), Length(max=60)],
        description="Days after opening, e.g. 3, 6 (leave empty for no automatic reminders). Everyone e-mailed "
        "who has not answered gets a new link on each of these days.",
    )


class OpenLinkForm(FlaskForm):
    group = SelectField("Group", coerce=int)

    def for_wave(self, wave: Wave) -> OpenLinkForm:
        self.group.choices = _group_choices(wave)
        return self


class LinksCsvForm(FlaskForm):
    """Carries freshly shown links back for the mail-merge download (they are not stored anywhere)."""

    group = HiddenField(validators=[DataRequired()])
    tokens = HiddenField(validators=[DataRequired()])


class PulseSeriesForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=MAX_NAME - 10)], default="Pulse")
    survey = SelectField("Survey", validators=[DataRequired()])
    groups = CheckboxesField("Stakeholder groups", coerce=int, validators=[Optional()])
    every_days = IntegerField(
        "Every (days)", validators=[InputRequired()], default=21, description="21 is every three weeks."
    )
    open_days = IntegerField("Each wave open for (days)", validators=[InputRequired()], default=7)
    starts_on = DateField("First wave opens on", validators=[InputRequired()])
    until_milestone = SelectField(
        "Until",
        coerce=int,
        description="A milestone's date (e.g. the end of hypercare), or the date below.",
    )
    ends_on = DateField("Or until this date", validators=[Optional()])
    reminder_days = StringField(
        "Remind on days",
        validators=[Optional(), Length(max=60)],
        description="Days after each opening, e.g. 3, 5.",
    )
    invite_roster = BooleanField(
        "Invite each group's roster",
        description="Each wave e-mails the groups' rosters on its opening day; no pasting.",
    )

    def fill_choices(self, initiative: Initiative) -> PulseSeriesForm:
        self.survey.choices = [(key, survey_title(d, "en")) for key, d in registry.definitions().items()]
        self.groups.choices = [(g.id, f"{g.name} ({g.headcount:,} people)") for g in initiative.groups]
        self.until_milestone.choices = [(NO_MILESTONE, "The date below")] + [
            (m.id, f"{m.name} ({m.due.isoformat()})") for m in initiative.milestones
        ]
        return self

    def ends(self, initiative: Initiative) -> date | None:
        chosen = next((m for m in initiative.milestones if m.id == self.until_milestone.data), None)
        return chosen.due if chosen else self.ends_on.data
