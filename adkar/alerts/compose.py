"""One alert for one person as a mail: a plain-text and an HTML part from templates/alerts/email/."""

from __future__ import annotations

from flask import render_template

from ..accounts.models import User
from ..mail import Mail
from .kinds import KIND_LABELS
from .links import absolute_url
from .rules import Alert


def _one_line(text: str) -> str:
    """A header value on one line (names typed by people may hold line breaks)."""
    return " ".join(text.split())


def compose(alert: Alert, user: User) -> Mail:
    values = {
        "alert": alert,
        "c": alert.context,
        "user": user,
        "link": absolute_url(alert.link.endpoint, alert.link.values, anchor=alert.link.anchor),
        "preferences_link": absolute_url("alerts.preferences", {}),
        "kind_label": KIND_LABELS[alert.kind],
    }
    return Mail(
        to=user.email,
        subject=_one_line(f"[{alert.initiative_name}] {alert.subject}"),
        text=render_template(f"alerts/email/{alert.kind}.txt", **values),
        html=render_template(f"alerts/email/{alert.kind}.html", **values),
    )
