"""Deleting from a page: one flow for every record, a confirmation page first and the deletion on its POST."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import flash, redirect, render_template

from .forms import EmptyForm


def confirm_delete(template: str, *, delete: Callable[[], object], done: str, then: str, **page: Any):
    """GET shows `template` asking to confirm (with the form and `page`: what, consequence, action...); a POST
    carrying the form's CSRF token calls `delete`, flashes `done` and goes to `then`."""
    form = EmptyForm()
    if form.validate_on_submit():
        delete()
        flash(done, "success")
        return redirect(then)
    return render_template(template, form=form, **page)
