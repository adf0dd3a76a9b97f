"""Form pieces shared by every feature: the POST-only button form, and handing a form's data to a service."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask_wtf import FlaskForm

from .validation import ValidationFailed

T = TypeVar("T")


class EmptyForm(FlaskForm):
    """For POST-only buttons: carries the CSRF token and nothing else."""


def save_form(form: FlaskForm, save: Callable[[], T]) -> T | None:
    """What `save` stores from the posted form once its fields are valid; None when the page must show the
    form again: on GET, with invalid fields, or with a service's problems, attached beside their fields."""
    if not form.validate_on_submit():
        return None
    try:
        return save()
    except ValidationFailed as exc:
        attach_problems(form, exc)
        return None


def attach_problems(form: FlaskForm, exc: ValidationFailed) -> None:
    """Show a service's problems beside the fields they name; the rest above the form."""
    for problem in exc.problems:
        field = form._fields.get(problem.field or "")
        if field is not None:
            field.errors = [*field.errors, problem.message]
        else:
            form.form_errors.append(problem.message)
