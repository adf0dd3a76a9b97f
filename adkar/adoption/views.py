"""Adoption pages (thin): usage against survey readiness, the target, and usage import (CSV) and export."""

from __future__ import annotations

from datetime import date
from functools import partial

import pandas as pd
from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from ..access import WRITE, access_level, load_initiative
from ..charts.render import figure_json
from ..extensions import db
from ..forms import EmptyForm, validated
from ..import_page import csv_import
from ..plan.models import Initiative
from ..readiness.figures import initiative_report
from ..spreadsheet import CSV_MEDIA_TYPE, download, table_download
from ..timeutil import today
from ..validation import ValidationFailed
from . import bp, services
from .csv_import import COLUMNS, FIELD_COLUMNS, example_csv, parse_usage_csv
from .dashboard import adoption_for_dashboard
from .forms import TargetForm, UsageImportForm
from .metrics import GroupInfo, usage_frame
from .models import UsageFigure

SHOWN_FIGURES = 100


def _page(initiative: Initiative, *, target_form: TargetForm | None = None, status: int = 200):
    view = adoption_for_dashboard(initiative, initiative_report(initiative))
    form = target_form or TargetForm(formdata=None, data={"target": round(view.summary.target * 100)})
    listed = services.initiative_figures(initiative.id)
    return render_template(
        "adoption/adoption.html",
        initiative=initiative,
        summary=view.summary,
        chart=view.chart,
        chart_json=figure_json(view.chart["figure"]),
        figures=listed[:SHOWN_FIGURES],
        more_figures=max(0, len(listed) - SHOWN_FIGURES),
        groups={g.id: g for g in initiative.groups},
        target_form=form,
        delete_form=EmptyForm(),
        can_write=access_level(current_user, initiative) == WRITE,
    ), status


@bp.get("/initiatives/<int:initiative_id>/adoption")
@login_required
def show(initiative_id: int):
    return _page(load_initiative(current_user, initiative_id))


@bp.post("/initiatives/<int:initiative_id>/adoption/target")
@login_required
def set_target(initiative_id: int):
    initiative = load_initiative(current_user, initiative_id, write=True)
    form = TargetForm()
    if not form.validate_on_submit():
        return _page(initiative, target_form=form, status=400)
    try:
        services.set_target(
            initiative=initiative, actor=current_user, target=validated(form.target.data) / 100
        )
    except ValidationFailed as exc:
        form.target.errors = [*form.target.errors, *(p.message for p in exc.problems)]
        return _page(initiative, target_form=form, status=400)
    flash(f"The target utilisation is now {form.target.data}%.", "success")
    return redirect(url_for("adoption.show", initiative_id=initiative.id, _anchor="target"))


@bp.route("/initiatives/<int:initiative_id>/adoption/import", methods=["GET", "POST"])
@login_required
def import_usage(initiative_id: int):
    initiative = load_initiative(current_user, initiative_id, write=True)

    def store(upload) -> str:
        rows = parse_usage_csv(upload, initiative)
        created, replaced = services.import_figures(
            initiative=initiative, actor=current_user, rows=rows, source="csv"
        )
        figures = f"{len(rows)} figure{'s' if len(rows) != 1 else ''}"
        return f"Imported {figures}: {created} new, {replaced} replaced."

    return csv_import(
        UsageImportForm(),
        store=store,
        done=url_for("adoption.show", initiative_id=initiative.id),
        template="adoption/import.html",
        example=partial(example_csv, initiative),
        field_columns=FIELD_COLUMNS,
        initiative=initiative,
        columns=COLUMNS,
        max_rows=services.MAX_FIGURES,
    )


@bp.get("/initiatives/<int:initiative_id>/adoption/import/example.csv")
@login_required
def import_example(initiative_id: int):
    initiative = load_initiative(current_user, initiative_id, write=True)
    return download(example_csv(initiative), CSV_MEDIA_TYPE, "usage-example.csv")


@bp.post("/initiatives/<int:initiative_id>/usage/<int:figure_id>/delete")
@login_required
def delete_figure(initiative_id: int, figure_id: int):
    initiative = load_initiative(current_user, initiative_id, write=True)
    figure = db.session.get(UsageFigure, figure_id)
    if figure is None or figure.group.initiative_id != initiative.id:
        abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    services.delete_figure(figure=figure, actor=current_user)
    flash("The usage figure is deleted.", "success")
    return redirect(url_for("adoption.show", initiative_id=initiative.id, _anchor="figures"))


EXPORT_HEADER = ("group", "group_id", "date", "active_users", "headcount", "utilisation")
SHARE_DECIMALS = 4


def usage_rows(initiative: Initiative) -> list[list]:
    """Every figure with its utilisation (a fraction, 4 decimals), then the overall series ("Overall", no id)."""
    groups = [GroupInfo(g.id, g.name, g.headcount) for g in initiative.groups]
    frame = usage_frame(services.figures_frame(initiative.id), groups)
    overall = frame[frame["group_id"].isna()]
    per_group = frame[frame["group_id"].notna()].sort_values(["day", "group_id"])
    return [
        [r.name, int(r.group_id), _day(r.day), int(r.active_users), int(r.headcount), _share(r.utilisation)]
        for r in per_group.itertuples(index=False)
    ] + [
        ["Overall", None, _day(r.day), int(r.active_users), int(r.headcount), _share(r.utilisation)]
        for r in overall.itertuples(index=False)
    ]


def _export_usage(initiative_id: int, kind: str):
    initiative = load_initiative(current_user, initiative_id)
    rows = usage_rows(initiative)
    if kind == "csv":  # the CSV has always written shares with four decimals ("0.8000")
        rows = [[*row[:-1], "" if row[-1] is None else f"{row[-1]:.{SHARE_DECIMALS}f}"] for row in rows]
    return table_download(
        kind,
        EXPORT_HEADER,
        rows,
        stem=f"{initiative.id}-usage-{today().isoformat()}",
        sheet="Usage",
        notes=[
            f"Initiative: {initiative.name}. Exported on {today().isoformat()}.",
            "One row per usage figure (group and date), then the Overall series.",
            "utilisation = active_users / headcount, a fraction from 0 to 1 (0.8 = 80%).",
            "Overall on a date: each group's latest figure on or before that date, summed, over the "
            "headcount of every group (a group without a figure yet counts as 0 active users).",
        ],
        number_formats={"utilisation": "0.0000"},
    )


@bp.get("/initiatives/<int:initiative_id>/usage.csv")
@login_required
def export_usage(initiative_id: int):
    return _export_usage(initiative_id, "csv")


@bp.get("/initiatives/<int:initiative_id>/usage.xlsx")
@login_required
def export_usage_xlsx(initiative_id: int):
    return _export_usage(initiative_id, "xlsx")


def _day(value) -> date:
    return pd.Timestamp(value).date()


def _share(value: float | None) -> float | None:
    return None if value is None or pd.isna(value) else round(float(value), SHARE_DECIMALS)
