"""The KPI pages: the list with statuses, the forms (400 with the problems), the CSV import all or nothing,
and the exports (CSV and XLSX the same, formulas neutralised)."""

from __future__ import annotations

import io
from datetime import date, timedelta

from adkar.kpis import services
from adkar.kpis.measurements import import_measurements
from adkar.kpis.models import Benefit, Kpi, KpiMeasurement
from tests.actions.support import audit_actions, count, has_csrf_field, login, text
from tests.spreadsheet_support import csv_rows, same_cell, xlsx_rows

from .conftest import kpi_fields

DAY = date.today() - timedelta(days=3)
FORM = {
    "name": "First-contact resolution",
    "unit": "%",
    "direction": "increase",
    "baseline": "55",
    "target": "70",
    "due_on": (date.today() + timedelta(days=30)).isoformat(),
    "owner": "Service desk lead",
    "source": "ITSM survey",
    "explanation": "",
}


def upload(client, initiative, content: str):
    data = {"file": (io.BytesIO(content.encode("utf-8")), "kpis.csv")}
    return client.post(
        f"/initiatives/{initiative.id}/kpis/import", data=data, content_type="multipart/form-data"
    )


def test_a_kpi_is_added_through_its_form_and_listed_with_its_status(client, world):
    initiative, owner, _ = world
    login(client, owner)
    form = text(client.get(f"/initiatives/{initiative.id}/kpis/new"))
    assert has_csrf_field(form) and "Legacy measure" in form
    assert client.post(f"/initiatives/{initiative.id}/kpis/new", data=FORM).status_code == 302
    kpi = services.initiative_kpis(initiative.id)[0]
    assert (kpi.baseline, kpi.target, kpi.legacy) == (55.0, 70.0, False)
    page = text(client.get(f"/initiatives/{initiative.id}/kpis"))
    assert "First-contact resolution" in page and "No data" in page and 'id="kpi-trend"' in page
    assert "KPIs</a>" in text(client.get(f"/initiatives/{initiative.id}"))  # the initiative's navigation


def test_a_bad_form_comes_back_with_its_problems_and_stores_nothing(client, world):
    initiative, owner, _ = world
    services.create_kpi(initiative=initiative, actor=owner, **kpi_fields(name="Uptime"))
    login(client, owner)
    response = client.post(
        f"/initiatives/{initiative.id}/kpis/new", data={**FORM, "name": "Uptime", "baseline": "lots"}
    )
    assert response.status_code == 400
    assert "Not a valid float value" in text(response)
    response = client.post(f"/initiatives/{initiative.id}/kpis/new", data={**FORM, "name": "Uptime"})
    assert response.status_code == 400 and "a KPI of that name already" in text(response)
    assert count(Kpi) == 1


def test_editing_marks_a_kpi_legacy_and_deleting_takes_its_measurements(client, world):
    initiative, owner, _ = world
    kpi = services.create_kpi(initiative=initiative, actor=owner, **kpi_fields())
    import_measurements(
        initiative=initiative, actor=owner, rows=[{"kpi_id": kpi.id, "day": DAY, "value": 25}], source="csv"
    )
    login(client, owner)
    edit = text(client.get(f"/kpis/{kpi.id}/edit"))
    assert "25 hours" in edit
    data = {**FORM, "name": kpi.name, "legacy": "y", "explanation": "The old tool's metric."}
    assert client.post(f"/kpis/{kpi.id}/edit", data=data).status_code == 302
    assert "Legacy</span>" in text(client.get(f"/initiatives/{initiative.id}/kpis"))
    measurement_id = kpi.measurements[0].id
    assert client.post(f"/kpi-measurements/{measurement_id}/delete").status_code == 302
    assert count(KpiMeasurement) == 0
    assert client.post(f"/kpis/{kpi.id}/delete").status_code == 302
    assert count(Kpi) == 0
    assert audit_actions(initiative.id)[-3:] == ["kpi.update", "kpi_measurement.delete", "kpi.delete"]


def test_the_csv_import_stores_every_row_or_none(client, world):
    initiative, owner, _ = world
    kpi = services.create_kpi(initiative=initiative, actor=owner, **kpi_fields())
    login(client, owner)
    bad = upload(
        client,
        initiative,
        f"kpi;date;value\nticket RESOLUTION hours;{DAY};24.5\nNope;{DAY};3\n{kpi.id};2026-13-01;1,200\n",
    )
    assert bad.status_code == 400
    page = text(bad)
    for problem in (
        "No KPI “Nope” in this initiative.",
        "is not a date written YYYY-MM-DD",
        "“1,200” is not a number",
    ):
        assert problem in page
    assert count(KpiMeasurement) == 0
    good = upload(
        client,
        initiative,
        f"kpi,date,value\nTicket resolution hours,{DAY},24.5\n{kpi.id},{DAY - timedelta(days=7)},27\n",
    )
    assert good.status_code == 302
    assert "Imported 2 measurements: 2 new, 0 replaced." in text(client.get(good.headers["Location"]))
    assert sorted(m.value for m in kpi.measurements) == [24.5, 27.0]


def test_exports_match_in_both_formats_and_neutralise_formulas(client, world):
    initiative, owner, sponsor = world
    kpi = services.create_kpi(
        initiative=initiative, actor=owner, **kpi_fields(name='=HYPERLINK("http://x","y")')
    )
    import_measurements(
        initiative=initiative, actor=owner, rows=[{"kpi_id": kpi.id, "day": DAY, "value": 20}], source="csv"
    )
    services.create_benefit(
        initiative=initiative,
        actor=owner,
        name="@SUM(1)",
        unit="EUR",
        baseline=0,
        target=1000,
        forecast=800,
        actual=None,
    )
    login(client, sponsor)  # sponsors read the exports
    for stem, first in (("kpis", "kpi"), ("kpi-measurements", "kpi"), ("benefits", "benefit")):
        as_csv = csv_rows(client.get(f"/initiatives/{initiative.id}/{stem}.csv"))
        as_xlsx = xlsx_rows(client.get(f"/initiatives/{initiative.id}/{stem}.xlsx"))
        assert as_csv[0][0] == first and as_csv[1][0].startswith("'")
        assert all(same_cell(t, v) for t, v in zip(as_csv[1], as_xlsx[1], strict=True)), (as_csv, as_xlsx)
    # 20 hours against a target of 18, and one measurement gives no trend: off track.
    assert csv_rows(client.get(f"/initiatives/{initiative.id}/kpis.csv"))[1][10] == "Off track"
    assert count(Benefit) == 1


def test_sponsors_read_the_page_without_the_forms(client, world):
    initiative, owner, sponsor = world
    services.create_kpi(initiative=initiative, actor=owner, **kpi_fields())
    login(client, sponsor)
    page = text(client.get(f"/initiatives/{initiative.id}/kpis"))
    assert "Ticket resolution hours" in page and "New KPI" not in page and "New benefit" not in page
    assert client.post(f"/initiatives/{initiative.id}/kpis/new", data=FORM).status_code == 403
