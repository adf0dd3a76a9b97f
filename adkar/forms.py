"""Form pieces shared by every feature: the POST-only button form, and handing a form's data to a service."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask_wtf import FlaskForm
from wtforms import SelectField

from .validation import ValidationFailed

T = TypeVar("T")


def validated(value: T | None) -> T:
    """The data of a required field once its form has validated. WTForms types every field's data as
    optional; after validation a required one is never None, and this says so (ValueError otherwise)."""
    if value is None:
        raise ValueError("a required field is empty: validate the form before reading it")
    return value


def choice_label(field: SelectField, value: object) -> str:
    """The label a select field shows for one of its choices (KeyError when it offers no such value)."""
    for choice, label, *_ in field.iter_choices():
        if choice == value:
            return str(label)
    raise KeyError(value)


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
