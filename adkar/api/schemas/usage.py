"""Declarations of usage figures, the target utilisation and the adoption report."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from pydantic import Field

from ...adoption import services
from ..fields import Day, Rows, Share, Whole
from .base import Answer, Body
from .common import Count, Id

Utilisation = Annotated[float, Field(ge=0, le=1)]
Target = Annotated[float, Field(gt=0, le=1)]

# --- answers ---------------------------------------------------------------------------------------------


class OverallUsage(Answer):
    date: date
    active_users: Count
    headcount: Count
    utilisation: Utilisation | None


class GroupUsage(Answer):
    group_id: Id
    name: str
    headcount: Annotated[int, Field(ge=1)]
    latest_date: date | None
    active_users: Count | None
    utilisation: Utilisation | None
    reached_target_on: date | None
    speed_of_adoption_days: Count | None


class StoredFigure(Answer):
    id: Id
    group_id: Id
    date: date
    active_users: Count
    utilisation: Utilisation


class UsageReport(Answer):
    """Measured adoption. Overall utilisation on a day = the sum of every group's latest figure on or before it
    / the headcount of all groups (a group without a figure counts as 0). Speed of adoption = days from
    go-live to the first figure on or after go-live whose utilisation meets the target; null until it does.
    Ultimate utilisation = the latest overall utilisation."""

    go_live: date
    target_utilisation: Target
    speed_of_adoption_days: Count | None
    reached_target_on: date | None
    ultimate_utilisation: Utilisation | None
    latest_date: date | None
    overall: list[OverallUsage]
    groups: list[GroupUsage]
    figures: Annotated[list[StoredFigure], Field(description="Every stored figure, newest first.")]


class UsageImportResult(Answer):
    created: Annotated[int, Field(ge=0, description="Figures for a new group and date.")]
    replaced: Annotated[int, Field(ge=0, description="Figures that changed a stored one.")]


class TargetUtilisation(Answer):
    target_utilisation: Target


# --- bodies ----------------------------------------------------------------------------------------------


class UsageFigureIn(Body):
    """Active users of the new system in one group on one day."""

    group_id: Annotated[int, Whole(minimum=1), Field(description="A stakeholder group of the initiative.")]
    date: Annotated[date, Day(), Field(description="The day the figure describes; not in the future.")]
    active_users: Annotated[int, Whole(minimum=0), Field(description="From 0 to the group's headcount.")]


FIGURE_SHAPE = '{"group_id", "date", "active_users"}'


class UsageImport(Body):
    """Usage figures of the initiative's groups."""

    figures: Annotated[
        list[Any],
        Rows(row=UsageFigureIn, noun="figures", max_rows=services.MAX_FIGURES, shape=FIGURE_SHAPE),
        Field(description="All are stored or none; an existing group and date is replaced."),
    ]


class TargetIn(Body):
    target_utilisation: Annotated[
        float, Share(), Field(description="Share of headcount expected to use the system (0.8 means 80%).")
    ]
