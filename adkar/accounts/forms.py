"""Sign-in, password, token and user-administration forms."""

from flask_wtf import FlaskForm
from wtforms import (  # type: ignore[attr-defined]  # types-WTForms 3.2 predates SelectChoice (WTForms 3.3)
    EmailField,
    PasswordField,
    SelectChoice,
    SelectField,
    StringField,
)
from wtforms.validators import DataRequired, EqualTo, Length, Regexp

from ..rules.roles import ROLES
from .services import MIN_PASSWORD_LENGTH

ROLE_CHOICES = [SelectChoice(r, r.capitalize()) for r in ROLES]
# Shape only: intranet domains such as .local or .internal are real addresses here, so no DNS rules.
EMAIL_SHAPE = r"^[^@\s]+@[^@\s]+$"
NEW_PASSWORD_HELP = (
    f"At least {MIN_PASSWORD_LENGTH} characters. A short sentence is easy to remember and hard to guess."
)


class LoginForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired("Enter your email address."), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired("Enter your password."), Length(max=200)])


class PasswordForm(FlaskForm):
    current = PasswordField("Current password", validators=[DataRequired("Enter your current password.")])
    new = PasswordField(
        "New password",
        validators=[
            DataRequired("Enter a new password."),
            Length(min=MIN_PASSWORD_LENGTH, max=200, message=f"Use {MIN_PASSWORD_LENGTH} to 200 characters."),
        ],
        description=NEW_PASSWORD_HELP,
    )
    confirm = PasswordField(
        "Repeat the new password",
        validators=[DataRequired("Repeat the new password."), EqualTo("new", "The passwords do not match.")],
    )


class TokenForm(FlaskForm):
    name = StringField(
        "Token name",
        validators=[Length(max=120)],
        description="What the token is for, e.g. 'HR sync'. It helps you recognise it later.",
    )


class UserForm(FlaskForm):
    email = EmailField(
        "Email",
        validators=[
            DataRequired("Enter an email address."),
            Regexp(EMAIL_SHAPE, message="Enter an email address like name@example.org."),
            Length(max=254),
        ],
    )
    name = StringField("Name", validators=[Length(max=120)])
    role = SelectField(
        "Role",
        choices=ROLE_CHOICES,
        default="practitioner",
        description="Practitioners run change plans, sponsors read dashboards, admins also manage users.",
    )
    password = PasswordField(
        "Initial password",
        validators=[
            DataRequired("Enter an initial password."),
            Length(min=MIN_PASSWORD_LENGTH, max=200, message=f"Use {MIN_PASSWORD_LENGTH} to 200 characters."),
        ],
        description="Share it privately; the person can change it on their account page.",
    )


class RoleForm(FlaskForm):
    role = SelectField("Role", choices=ROLE_CHOICES)


class ResetPasswordForm(FlaskForm):
    new = PasswordField(
        "New password",
        validators=[
            DataRequired("Enter a new password."),
            Length(min=MIN_PASSWORD_LENGTH, max=200, message=f"Use {MIN_PASSWORD_LENGTH} to 200 characters."),
        ],
    )
