"""Declaration of the change saturation answer."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import Field

from ...portfolio.forms import DEFAULT_MONTHS
from ...portfolio.saturation import MAX_MONTHS
from .base import Answer, Query, absent
from .common import Count, Id

Month = Annotated[str, Field(pattern=r"^\d{4}-\d{2}$", description="YYYY-MM")]


class PortfolioChange(Answer):
    initiative_id: Id
    initiative: str
    name: Annotated[str, Field(description="The milestone's name, or Go-live.")]
    date: date
    go_live: bool


class PortfolioMonth(Answer):
    month: Month
    changes: Count
    go_lives: Count
    initiatives: Count
    items: list[PortfolioChange]


class PortfolioGroup(Answer):
    name: str
    initiatives: list[str]
    total: Count
    months: list[PortfolioMonth]


class Portfolio(Answer):
    """Changes per stakeholder group and month. Groups are matched across initiatives by name (ignoring case
    and surrounding spaces); a change is a milestone that impacts the group or a go-live."""

    months: list[Month]
    groups: Annotated[
        list[PortfolioGroup], Field(description="Busiest first; only groups hit by a change in the window.")
    ]


class Window(Query):
    """The window of months, as documented; the portfolio's window form reads it, for the page, its exports and
    the API alike (it owns the rule: a month from 2000 to 2100)."""

    start: Annotated[str, Field(pattern=r"^\d{4}-\d{2}$", description="The first month, YYYY-MM.")] = absent()
    months: Annotated[int, Field(ge=1, le=MAX_MONTHS, description="How many months.")] = DEFAULT_MONTHS
