"""The CSV import page, one flow for stakeholder groups, usage figures and change records: all or nothing."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from flask import flash, redirect, render_template, request
from flask_wtf import FlaskForm
from werkzeug.datastructures import FileStorage

from .csvio import by_column
from .validation import Problem, ValidationFailed

SHOWN_PROBLEMS = 200


def csv_import(
    form: FlaskForm,
    *,
    store: Callable[[FileStorage], str],
    done: str,
    template: str,
    example: Callable[[], bytes],
    field_columns: Mapping[str, str] | None = None,
    **context: Any,
):
    """GET shows the upload form. A POST hands the file to `store`, which reads it, stores every row or none
    and returns the message to flash; the browser then goes to `done`. A bad file shows the page again (400)
    with its problems named by column (`field_columns` maps service fields the file calls otherwise)."""

    def page(problems: list[Problem], status: int):
        return render_template(
            template,
            form=form,
            problems=problems[:SHOWN_PROBLEMS],  # a bad file can hold thousands
            more_problems=max(0, len(problems) - SHOWN_PROBLEMS),
            example=example().decode("utf-8-sig").replace("\r\n", "\n").strip(),
            **context,
        ), status

    if not form.validate_on_submit():
        return page([], 400 if request.method == "POST" else 200)
    try:
        message = store(form.file.data)
    except ValidationFailed as exc:
        return page(by_column(exc.problems, field_columns), 400)
    flash(message, "success")
    return redirect(done)
