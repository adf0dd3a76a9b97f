"""API endpoints: usage figures per group and date, the target utilisation, and the adoption report."""

from __future__ import annotations

from datetime import date

import pandas as pd

from ..access import GROUP_INITIATIVE, load_initiative
from ..adoption import services
from ..adoption.metrics import AdoptionSummary
from ..adoption.models import UsageFigure
from ..validation import ValidationFailed
from . import bp
from .auth import api_user
from .crud import WRITE_ERRORS, api_record, delete_operation
from .http import json_response, no_content
from .openapi import operation
from .payload import read_body
from .rows import problems_at_json_paths, row_shape_problems, row_value
from .schemas import usage as schema
from .serialise import iso_date

TAG = "usage"
FIGURE_KEYS = tuple(schema.UsageFigureIn.model_fields)


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
    expected = f"Expected an object {schema.FIGURE_SHAPE}."
    for index, item in enumerate(figures):
        path = f"figures[{index}]"
        problems += row_shape_problems(
            item, index=index, path=path, keys=FIGURE_KEYS, expected=expected, required=True
        )
        if not isinstance(item, dict):
            continue
        day = None
        if "date" in item:
            day, refused = row_value(schema.UsageFigureIn, item, "date", index=index, path=path)
            problems += refused
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
    responses={200: schema.UsageReport},
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
    body=schema.UsageImport,
    responses={201: schema.UsageImportResult},
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
    rows = read_figures(read_body(schema.UsageImport)["figures"])
    with problems_at_json_paths("figures"):
        created_count, replaced = services.import_figures(
            initiative=initiative, actor=user, rows=rows, source="api"
        )
    return json_response({"created": created_count, "replaced": replaced}, 201)


@bp.put("/initiatives/<id:initiative_id>/usage/target")
@operation(
    summary="Set the target utilisation of an initiative",
    tag=TAG,
    body=schema.TargetIn,
    responses={200: schema.TargetUtilisation},
    errors=WRITE_ERRORS,
)
def set_target(initiative_id: int):
    user = api_user()
    initiative = load_initiative(user, initiative_id, write=True)
    target = services.set_target(
        initiative=initiative, actor=user, target=read_body(schema.TargetIn)["target_utilisation"]
    )
    return json_response({"target_utilisation": target})


@bp.delete("/usage-figures/<id:figure_id>")
@delete_operation(summary="Delete one usage figure", tag=TAG)
def delete_figure(figure_id: int):
    figure = api_record(UsageFigure, figure_id, write=True, initiative_of=GROUP_INITIATIVE)
    services.delete_figure(figure=figure, actor=api_user())
    return no_content()
