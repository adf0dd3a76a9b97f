"""The "E-mail alerts" page of a user's account: which alerts they get."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..forms import save_form
from . import bp
from .forms import AlertPreferencesForm
from .kinds import KIND_LABELS
from .preferences import preferences, save_preferences


@bp.route("/account/alerts", methods=["GET", "POST"], endpoint="preferences")
@login_required
def preferences_page():
    current = preferences(current_user)
    form = AlertPreferencesForm(data={"kinds": [k for k, on in current.items() if on]})
    saved = save_form(form, lambda: save_preferences(user=current_user, enabled=form.kinds.data or []))
    if saved is not None:
        flash("Your e-mail alerts are saved.", "success")
        return redirect(url_for("alerts.preferences"))
    status = 400 if request.method == "POST" else 200
    return render_template("alerts/preferences.html", form=form, labels=KIND_LABELS), status
