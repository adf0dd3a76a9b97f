"""The portfolio's window: which month to start from and how many months to show (read from the query)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, timedelta

from werkzeug.datastructures import MultiDict
from wtforms import Form, IntegerField, StringField, ValidationError
from wtforms.validators import InputRequired, NumberRange

from .. import dates
from .saturation import MAX_MONTHS

DEFAULT_MONTHS = 9
_MONTH = re.compile(r"(\d{4})-(\d{2})")


def default_start(today: date) -> date:
    """Last month: the window shows a little recent history before what is coming."""
    return (today.replace(day=1) - timedelta(days=1)).replace(day=1)


def parse_month(text: str | None) -> date | None:
    """'2026-03' -> 1 March 2026; None when it is not a month between 2000 and 2100."""
    match = _MONTH.fullmatch((text or "").strip())
    if not match:
        return None
    year, month = int(match[1]), int(match[2])
    if not (dates.EARLIEST.year <= year <= dates.LATEST.year and 1 <= month <= 12):
        return None
    return date(year, month, 1)


class WindowForm(Form):
    """A GET form: no CSRF token (it changes nothing)."""

    start = StringField(
        "First month",
        validators=[InputRequired("Choose the first month (YYYY-MM).")],
        description="Written YYYY-MM, e.g. 2026-03.",
        render_kw={"type": "month", "pattern": r"\d{4}-\d{2}"},
    )
    months = IntegerField(
        "Months",
        default=DEFAULT_MONTHS,
        validators=[
            InputRequired("Choose how many months to show."),
            NumberRange(1, MAX_MONTHS, f"Show from 1 to {MAX_MONTHS} months."),
        ],
    )

    def validate_start(self, field) -> None:
        if parse_month(field.data) is None:
            raise ValidationError(
                f"Enter a month written YYYY-MM, between {dates.EARLIEST.year} and {dates.LATEST.year}."
            )


def window_form(args: Mapping[str, str], today: date) -> WindowForm:
    """The form over the query, a missing value taking its default (a bare ?months=6 starts last month)."""
    values = {"start": f"{default_start(today):%Y-%m}", "months": str(DEFAULT_MONTHS)}
    values.update({k: args[k] for k in ("start", "months") if k in args})
    return WindowForm(MultiDict(values))
