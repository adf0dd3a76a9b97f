"""KPI files: the measurements CSV import (all or nothing) and the exports, each as CSV and XLSX."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from flask import url_for
from flask_login import current_user, login_required

from ..access import load_initiative
from ..import_page import csv_import
from ..plan.models import Initiative
from ..spreadsheet import CSV_MEDIA_TYPE, download, table_download
from ..timeutil import today
from . import bp, services
from .csv_import import COLUMNS, FIELD_COLUMNS, example_csv, parse_kpi_csv
from .exports import BENEFIT_HEADER, KPI_HEADER, MEASUREMENT_HEADER, benefit_rows, kpi_rows, measurement_rows
from .forms import KpiImportForm
from .measurements import MAX_MEASUREMENTS, import_measurements, kpi_views


@bp.route("/initiatives/<int:initiative_id>/kpis/import", methods=["GET", "POST"])
@login_required
def import_measurements_page(initiative_id: int):
    initiative = load_initiative(current_user, initiative_id, write=True)
    kpis = services.initiative_kpis(initiative.id)

    def store(upload) -> str:
        rows = parse_kpi_csv(upload, kpis)
        created, replaced = import_measurements(
            initiative=initiative, actor=current_user, rows=rows, source="csv"
        )
        measurements = f"{len(rows)} measurement{'s' if len(rows) != 1 else ''}"
        return f"Imported {measurements}: {created} new, {replaced} replaced."

    return csv_import(
        KpiImportForm(),
        store=store,
        done=url_for("kpis.index", initiative_id=initiative.id),
        template="kpis/import.html",
        example=lambda: example_csv(kpis),
        field_columns=FIELD_COLUMNS,
        initiative=initiative,
        columns=COLUMNS,
        max_rows=MAX_MEASUREMENTS,
        kpis=kpis,
    )


@bp.get("/initiatives/<int:initiative_id>/kpis/import/example.csv")
@login_required
def import_example(initiative_id: int):
    initiative = load_initiative(current_user, initiative_id, write=True)
    return download(example_csv(services.initiative_kpis(initiative.id)), CSV_MEDIA_TYPE, "kpi-example.csv")


def _export(
    initiative_id: int,
    kind: str,
    what: str,
    header: Sequence[str],
    rows: Callable[[Initiative], list],
    note: str,
):
    initiative = load_initiative(current_user, initiative_id)
    return table_download(
        kind,
        header,
        rows(initiative),
        stem=f"{initiative.id}-{what}-{today().isoformat()}",
        sheet=what.replace("-", " ").capitalize(),
        notes=[f"Initiative: {initiative.name}. Exported on {today().isoformat()}.", note],
    )


def _kpi_table(initiative: Initiative) -> list:
    return kpi_rows(kpi_views(initiative.id))


def _measurement_table(initiative: Initiative) -> list:
    return measurement_rows(kpi_views(initiative.id))


def _benefit_table(initiative: Initiative) -> list:
    return benefit_rows(services.initiative_benefits(initiative.id))


KPI_NOTE = (
    "One row per KPI. status: Met when the latest value reaches the target in the KPI's direction; On track "
    "when the projection (from the latest value with the slope of the last three) reaches it by the due date; "
    "otherwise Off track. Legacy KPIs contradict the change and do not hold up closing."
)


@bp.get("/initiatives/<int:initiative_id>/kpis.csv")
@login_required
def export_kpis(initiative_id: int):
    return _export(initiative_id, "csv", "kpis", KPI_HEADER, _kpi_table, KPI_NOTE)


@bp.get("/initiatives/<int:initiative_id>/kpis.xlsx")
@login_required
def export_kpis_xlsx(initiative_id: int):
    return _export(initiative_id, "xlsx", "kpis", KPI_HEADER, _kpi_table, KPI_NOTE)


MEASUREMENT_NOTE = "One row per measurement (KPI and date), with the columns the import reads."


@bp.get("/initiatives/<int:initiative_id>/kpi-measurements.csv")
@login_required
def export_measurements(initiative_id: int):
    return _export(
        initiative_id, "csv", "kpi-measurements", MEASUREMENT_HEADER, _measurement_table, MEASUREMENT_NOTE
    )


@bp.get("/initiatives/<int:initiative_id>/kpi-measurements.xlsx")
@login_required
def export_measurements_xlsx(initiative_id: int):
    return _export(
        initiative_id, "xlsx", "kpi-measurements", MEASUREMENT_HEADER, _measurement_table, MEASUREMENT_NOTE
    )


BENEFIT_NOTE = "One row per benefit: baseline, target, forecast and actual, kept apart from the stages."


@bp.get("/initiatives/<int:initiative_id>/benefits.csv")
@login_required
def export_benefits(initiative_id: int):
    return _export(initiative_id, "csv", "benefits", BENEFIT_HEADER, _benefit_table, BENEFIT_NOTE)


@bp.get("/initiatives/<int:initiative_id>/benefits.xlsx")
@login_required
def export_benefits_xlsx(initiative_id: int):
    return _export(initiative_id, "xlsx", "benefits", BENEFIT_HEADER, _benefit_table, BENEFIT_NOTE)
