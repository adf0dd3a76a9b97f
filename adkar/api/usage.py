"""API endpoints: usage figures per group and date, the target utilisation, and the adoption report."""

from __future__ import annotations

import re
from datetime import date

import pandas as pd

from ..access import GROUP_INITIATIVE, load_initiative
from ..adoption import services
from ..adoption.metrics import AdoptionSummary
from ..adoption.models import UsageFigure
from ..validation import Problem, ValidationFailed
from . import bp
from .auth import api_user
from .crud import WRITE_ERRORS, api_record, delete_operation
from .http import json_response, no_content
from .openapi import component, operation
from .payload import Fields, Share, read_body
from .rows import RowList, problems_at_json_paths, row_shape_problems
from .serialise import DATE, ID, iso_date

TAG = "usage"
SHARE = {"type": "number", "minimum": 0, "maximum": 1}
SHARE_OR_NULL = {"type": ["number", "null"], "minimum": 0, "maximum": 1}
DATE_OR_NULL = {"type": ["string", "null"], "format": "date"}
DAYS_OR_NULL = {"type": ["integer", "null"], "minimum": 0}
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
FIGURE_KEYS = ("group_id", "date", "active_users")

FIGURE_IN = component(
    "UsageFigureIn",
    {
        "type": "object",
        "description": "Active users of the new system in one group on one day.",
        "properties": {
            "group_id": {**ID, "description": "A stakeholder group of the initiative."},
            "date": {**DATE, "description": "The day the figure describes; not in the future."},
            "active_users": {
                "type": "integer",
                "minimum": 0,
                "description": "From 0 to the group's headcount.",
            },
        },
        "required": list(FIGURE_KEYS),
        "additionalProperties": False,
    },
)


FIGURE_SHAPE = '{"group_id", "date", "active_users"}'
IMPORT = Fields(
    figures=RowList(
        noun="figures",
        max_rows=services.MAX_FIGURES,
        row=FIGURE_IN,
        shape=FIGURE_SHAPE,
        description="All are stored or none; an existing group and date is replaced.",
    )
)
TARGET = Fields(
    target_utilisation=Share(description="Share of headcount expected to use the system (0.8 means 80%).")
)
IMPORT_RESULT = component(
    "UsageImportResult",
    {
        "type": "object",
        "properties": {
            "created": {"type": "integer", "minimum": 0, "description": "Figures for a new group and date."},
            "replaced": {
                "type": "integer",
                "minimum": 0,
                "description": "Figures that changed a stored one.",
            },
        },
        "required": ["created", "replaced"],
        "additionalProperties": False,
    },
)
TARGET_OUT = component(
    "TargetUtilisation",
    {
        "type": "object",
        "properties": {"target_utilisation": {"type": "number", "exclusiveMinimum": 0, "maximum": 1}},
        "required": ["target_utilisation"],
        "additionalProperties": False,
    },
)
USAGE_REPORT = component(
    "UsageReport",
    {
        "type": "object",
        "description": (
            "Measured adoption. Overall utilisation on a day = the sum of every group's latest figure on or "
            "before it / the headcount of all groups (a group without a figure counts as 0). Speed of adoption = "
            "days from go-live to the first figure on or after go-live whose utilisation meets the target; "
            "null until it does. Ultimate utilisation = the latest overall utilisation."
        ),
        "properties": {
            "go_live": DATE,
            "target_utilisation": {"type": "number", "exclusiveMinimum": 0, "maximum": 1},
            "speed_of_adoption_days": DAYS_OR_NULL,
            "reached_target_on": DATE_OR_NULL,
            "ultimate_utilisation": SHARE_OR_NULL,
            "latest_date": DATE_OR_NULL,
            "overall": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "date": DATE,
                        "active_users": {"type": "integer", "minimum": 0},
                        "headcount": {"type": "integer", "minimum": 0},
                        "utilisation": SHARE_OR_NULL,
                    },
                    "required": ["date", "active_users", "headcount", "utilisation"],
                    "additionalProperties": False,
                },
            },
            "groups": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "group_id": ID,
                        "name": {"type": "string"},
                        "headcount": {"type": "integer", "minimum": 1},
                        "latest_date": DATE_OR_NULL,
                        "active_users": {"type": ["integer", "null"], "minimum": 0},
                        "utilisation": SHARE_OR_NULL,
                        "reached_target_on": DATE_OR_NULL,
                        "speed_of_adoption_days": DAYS_OR_NULL,
                    },
                    "required": [
                        "group_id",
                        "name",
                        "headcount",
                        "latest_date",
                        "active_users",
                        "utilisation",
                        "reached_target_on",
                        "speed_of_adoption_days",
                    ],
                    "additionalProperties": False,
                },
            },
            "figures": {
                "type": "array",
                "description": "Every stored figure, newest first.",
                "items": {
                    "type": "object",
                    "properties": {
                        "id": ID,
                        "group_id": ID,
                        "date": DATE,
                        "active_users": {"type": "integer", "minimum": 0},
                        "utilisation": SHARE,
                    },
                    "required": ["id", "group_id", "date", "active_users", "utilisation"],
                    "additionalProperties": False,
                },
            },
        },
        "required": [
            "go_live",
            "target_utilisation",
            "speed_of_adoption_days",
            "reached_target_on",
            "ultimate_utilisation",
            "latest_date",
            "overall",
            "groups",
            "figures",
        ],
        "additionalProperties": False,
    },
)


def _day(value: date | None) -> str | None:
    return None if value is None else iso_date(value)


def report_json(summary: AdoptionSummary, figures: list[UsageFigure], headcounts: dict[int, int]) -> dict:
    return {
        "go_live": iso_date(summary.go_live),
        "target_utilisation": summary.target,
        "speed_of_adoption_days": summary.speed_days,
        "reached_target_on": _day(summary.reached_on),
        "ultimate_utilisation": summary.ultimate,
        "latest_date": _day(summary.latest_day),
        "overall": [
            {
                "date": iso_date(r.day),
                "active_users": int(r.active_users),
                "headcount": int(r.headcount),
                "utilisation": None if pd.isna(r.utilisation) else float(r.utilisation),
            }
            for r in summary.overall.itertuples(index=False)
        ],
        "groups": [
            {
                "group_id": g.group_id,
                "name": g.name,
                "headcount": g.headcount,
                "latest_date": _day(g.latest_day),
                "active_users": g.latest_active,
                "utilisation": g.utilisation,
                "reached_target_on": _day(g.reached_on),
                "speed_of_adoption_days": g.speed_days,
            }
            for g in summary.groups
        ],
        "figures": [
            {
                "id": f.id,
                "group_id": f.group_id,
                "date": iso_date(f.day),
                "active_users": f.active_users,
                "utilisation": f.active_users / headcounts[f.group_id],
            }
            for f in figures
        ],
    }


def read_figures(figures: list) -> list[dict]:
    """Each item's shape; problems carry `row` (index from 0), `column` and `field` (its JSON path)."""
    rows, problems = [], []
    expected = f"Expected an object {FIGURE_SHAPE}."
    for index, item in enumerate(figures):
        path = f"figures[{index}]"
        problems += row_shape_problems(
            item, index=index, path=path, keys=FIGURE_KEYS, expected=expected, required=True
        )
        if not isinstance(item, dict):
            continue
        raw = item.get("date")
        day = None
        if isinstance(raw, str) and _DATE.fullmatch(raw):
            try:
                day = date.fromisoformat(raw)
            except ValueError:
                day = None
        if "date" in item and day is None:
            problems.append(
                Problem("Expected a date written YYYY-MM-DD.", field=f"{path}.date", row=index, column="date")
            )
        rows.append(
            {
                "row": index,
                "group_id": item.get("group_id"),
                "day": day,
                "active_users": item.get("active_users"),
            }
        )
    if problems:
        raise ValidationFailed(problems)
    return rows


@bp.get("/initiatives/<id:initiative_id>/usage")
@operation(
    summary="Measured adoption: utilisation, speed of adoption and the figures",
    tag=TAG,
    responses={200: USAGE_REPORT},
)
def get_usage(initiative_id: int):
    initiative = load_initiative(api_user(), initiative_id)
    headcounts = {g.id: g.headcount for g in initiative.groups}
    return json_response(
        report_json(
            services.adoption_summary(initiative), services.initiative_figures(initiative.id), headcounts
        )
    )


@bp.post("/initiatives/<id:initiative_id>/usage")
@operation(
    summary="Import usage figures (all or nothing)",
    tag=TAG,
    body=IMPORT.schema(),
    responses={201: IMPORT_RESULT},
    errors=WRITE_ERRORS,
    description=(
        "When any figure has a problem nothing is stored, and `problems` lists each one with `row` (its index "
        "in `figures`, from 0), `column` and `field` (its JSON path). Active users above the group's headcount "
        "are refused. A figure for a group and date that is stored already is replaced."
    ),
)
def import_usage(initiative_id: int):
    user = api_user()
    initiative = load_initiative(user, initiative_id, write=True)
    rows = read_figures(read_body(IMPORT)["figures"])
    with problems_at_json_paths("figures"):
        created_count, replaced = services.import_figures(
            initiative=initiative, actor=user, rows=rows, source="api"
        )
    return json_response({"created": created_count, "replaced": replaced}, 201)


@bp.put("/initiatives/<id:initiative_id>/usage/target")
@operation(
    summary="Set the target utilisation of an initiative",
    tag=TAG,
    body=TARGET.schema(),
    responses={200: TARGET_OUT},
    errors=WRITE_ERRORS,
)
def set_target(initiative_id: int):
    user = api_user()
    initiative = load_initiative(user, initiative_id, write=True)
    target = services.set_target(
        initiative=initiative, actor=user, target=read_body(TARGET)["target_utilisation"]
    )
    return json_response({"target_utilisation": target})


@bp.delete("/usage-figures/<id:figure_id>")
@delete_operation(summary="Delete one usage figure", tag=TAG)
def delete_figure(figure_id: int):
    figure = api_record(UsageFigure, figure_id, write=True, initiative_of=GROUP_INITIATIVE)
    services.delete_figure(figure=figure, actor=api_user())
    return no_content()
