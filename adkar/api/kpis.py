"""API endpoints: an initiative's outcome KPIs, each with its status, and their measurements (all or nothing)."""

from __future__ import annotations

from typing import Any

from flask import url_for

from ..access import load_initiative
from ..kpis import services
from ..kpis.measurements import KpiView, import_measurements, kpi_views, status_of
from ..kpis.models import Kpi
from ..validation import ValidationFailed
from . import bp
from .auth import api_user
from .crud import WRITE_ERRORS, api_record, create_operation, delete_operation, items, update_operation
from .http import created, json_response, no_content
from .openapi import operation
from .payload import read_body, read_changes
from .rows import problems_at_json_paths, row_shape_problems, row_value
from .schemas import kpis as schema
from .serialise import iso_date, iso_datetime

TAG = "kpis"
MEASUREMENT_KEYS = tuple(schema.MeasurementIn.model_fields)


def kpi_json(view: KpiView) -> dict[str, Any]:
    kpi, result = view.kpi, view.result
    return {
        "id": kpi.id,
        "name": kpi.name,
        "unit": kpi.unit,
        "direction": kpi.direction,
        "baseline": kpi.baseline,
        "target": kpi.target,
        "owner": kpi.owner,
        "due_on": iso_date(kpi.due_on) if kpi.due_on else None,
        "source": kpi.source,
        "legacy": kpi.legacy,
        "explanation": kpi.explanation,
        "status": result.status,
        "latest": {"date": iso_date(result.latest[0]), "value": result.latest[1]} if result.latest else None,
        "projected": result.projected,
        "measurements": len(view.points),
        "created_at": iso_datetime(kpi.created_at),
        "updated_at": iso_datetime(kpi.updated_at),
        "url": url_for("api.get_kpi", kpi_id=kpi.id),
    }


def _kpi(kpi_id: int, *, write: bool = False) -> Kpi:
    return api_record(Kpi, kpi_id, write=write)


def read_measurements(kpi: Kpi, measurements: list) -> list[dict]:
    """Each item's shape; problems carry `row` (index from 0), `column` and `field` (its JSON path)."""
    rows, problems = [], []
    expected = f"Expected an object {schema.MEASUREMENT_SHAPE}."
    for index, item in enumerate(measurements):
        path = f"measurements[{index}]"
        problems += row_shape_problems(
            item, index=index, path=path, keys=MEASUREMENT_KEYS, expected=expected, required=True
        )
        if not isinstance(item, dict):
            continue
        day = None
        if "date" in item:
            day, refused = row_value(schema.MeasurementIn, item, "date", index=index, path=path)
            problems += refused
        rows.append({"row": index, "kpi_id": kpi.id, "day": day, "value": item.get("value")})
    if problems:
        raise ValidationFailed(problems)
    return rows


@bp.get("/initiatives/<id:initiative_id>/kpis")
@operation(
    summary="The outcome KPIs of an initiative, by name, each with its status",
    tag=TAG,
    responses={200: schema.KpiList},
)
def list_kpis(initiative_id: int):
    initiative = load_initiative(api_user(), initiative_id)
    return items(kpi_views(initiative.id), kpi_json)


@bp.post("/initiatives/<id:initiative_id>/kpis")
@create_operation(summary="Add an outcome KPI", tag=TAG, body=schema.KpiIn, answer=schema.Kpi)
def create_kpi(initiative_id: int):
    user = api_user()
    initiative = load_initiative(user, initiative_id, write=True)
    kpi = services.create_kpi(initiative=initiative, actor=user, **read_body(schema.KpiIn))
    return created(kpi_json(status_of(kpi)))


@bp.get("/kpis/<id:kpi_id>")
@operation(summary="One outcome KPI with its status", tag=TAG, responses={200: schema.Kpi})
def get_kpi(kpi_id: int):
    return json_response(kpi_json(status_of(_kpi(kpi_id))))


@bp.patch("/kpis/<id:kpi_id>")
@update_operation(
    summary="Change some fields of a KPI (its target or explanation, say)",
    tag=TAG,
    body=schema.KpiChanges,
    answer=schema.Kpi,
)
def update_kpi(kpi_id: int):
    kpi = _kpi(kpi_id, write=True)
    services.update_kpi(kpi=kpi, actor=api_user(), **read_changes(schema.KpiChanges, kpi))
    return json_response(kpi_json(status_of(kpi)))


@bp.delete("/kpis/<id:kpi_id>")
@delete_operation(summary="Delete a KPI and its measurements", tag=TAG)
def delete_kpi(kpi_id: int):
    services.delete_kpi(kpi=_kpi(kpi_id, write=True), actor=api_user())
    return no_content()


@bp.get("/kpis/<id:kpi_id>/measurements")
@operation(summary="A KPI's measurements, oldest first", tag=TAG, responses={200: schema.MeasurementList})
def list_measurements(kpi_id: int):
    kpi = _kpi(kpi_id)
    return items(kpi.measurements, lambda m: {"id": m.id, "date": iso_date(m.day), "value": m.value})


@bp.post("/kpis/<id:kpi_id>/measurements")
@operation(
    summary="Import measurements of a KPI (all or nothing)",
    tag=TAG,
    body=schema.MeasurementImport,
    responses={201: schema.MeasurementImportResult},
    errors=WRITE_ERRORS,
    description=(
        "When any measurement has a problem nothing is stored, and `problems` lists each one with `row` (its "
        "index in `measurements`, from 0), `column` and `field` (its JSON path). A day in the future, or twice "
        "in one request, is refused. A day that is stored already is replaced, so sending the same list again "
        "changes nothing (`created` and `replaced` are 0)."
    ),
)
def import_kpi_measurements(kpi_id: int):
    user = api_user()
    kpi = _kpi(kpi_id, write=True)
    rows = read_measurements(kpi, read_body(schema.MeasurementImport)["measurements"])
    initiative = load_initiative(user, kpi.initiative_id, write=True)
    with problems_at_json_paths("measurements"):
        created_count, replaced = import_measurements(
            initiative=initiative, actor=user, rows=rows, source="api"
        )
    kpi = _kpi(kpi_id)
    return json_response(
        {"created": created_count, "replaced": replaced, "kpi": kpi_json(status_of(kpi))}, 201
    )
