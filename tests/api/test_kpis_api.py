"""The KPI API: practitioners with write access create, change and measure KPIs, sponsors read them; each
answer carries the status its measurements give (hand-computed below); measurements are stored all or
nothing, with every problem at its JSON path, and sending the same list twice changes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest

from adkar.audit.models import AuditEvent
from adkar.kpis.models import Kpi, KpiMeasurement
from adkar.timeutil import today

from .helpers import count, problem_fields

RESOLUTION = {
    "name": "Ticket resolution hours",
    "unit": "hours",
    "direction": "decrease",
    "baseline": 30,
    "target": 18,
    "owner": "Service desk lead",
    "source": "ITSM",
}


def new_kpi(api, cast, **extra) -> dict:
    response = api.post(f"/initiatives/{cast.initiative_id}/kpis", cast.owner.token, json=RESOLUTION | extra)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def days_ago(n: int) -> str:
    return (today() - timedelta(days=n)).isoformat()


def test_a_kpi_is_created_read_by_the_sponsor_and_refused_to_them_for_writing(api, cast):
    before = count(AuditEvent)
    refused = api.post(f"/initiatives/{cast.initiative_id}/kpis", cast.sponsor.token, json=RESOLUTION)
    assert refused.status_code == 403 and count(Kpi) == 0
    kpi = new_kpi(api, cast)
    assert (kpi["status"], kpi["latest"], kpi["measurements"], kpi["target"]) == ("no_data", None, 0, 18.0)
    assert count(AuditEvent) == before + 1
    listed = api.get(f"/initiatives/{cast.initiative_id}/kpis", cast.sponsor.token).get_json()["items"]
    assert [k["name"] for k in listed] == ["Ticket resolution hours"]
    assert api.get(f"/kpis/{kpi['id']}", cast.sponsor.token).status_code == 200
    assert api.get(f"/kpis/{kpi['id']}", cast.stranger.token).status_code == 404
    for call in (
        lambda: api.patch(f"/kpis/{kpi['id']}", cast.sponsor.token, json={"target": 10}),
        lambda: api.delete(f"/kpis/{kpi['id']}", cast.sponsor.token),
        lambda: api.post(
            f"/kpis/{kpi['id']}/measurements",
            cast.sponsor.token,
            json={"measurements": [{"date": days_ago(1), "value": 20}]},
        ),
    ):
        assert call().status_code == 403
    assert count(KpiMeasurement) == 0 and count(Kpi) == 1


def test_bad_kpis_are_refused_with_every_field_and_nothing_stored(api, cast):
    bad = RESOLUTION | {"name": " ", "direction": "sideways", "baseline": "30", "target": True}
    response = api.post(f"/initiatives/{cast.initiative_id}/kpis", cast.owner.token, json=bad)
    assert problem_fields(response) >= {"name", "direction", "baseline", "target"}
    new_kpi(api, cast)
    twice = api.post(f"/initiatives/{cast.initiative_id}/kpis", cast.owner.token, json=RESOLUTION)
    assert problem_fields(twice) == {"name"} and count(Kpi) == 1


def test_measurements_give_the_hand_computed_status(api, cast):
    # 30, 27, 24 hours ten days apart: -0.3 hours a day. Due in 30 days: 24 - 9 = 15 <= 18, on track.
    kpi = new_kpi(api, cast, due_on=(today() + timedelta(days=30)).isoformat())
    path = f"/kpis/{kpi['id']}/measurements"
    rows = [
        {"date": days_ago(20), "value": 30},
        {"date": days_ago(10), "value": 27},
        {"date": days_ago(0), "value": 24},
    ]
    stored = api.post(path, cast.owner.token, json={"measurements": rows})
    assert stored.status_code == 201
    body = stored.get_json()
    assert (body["created"], body["replaced"], body["kpi"]["status"]) == (3, 0, "on_track")
    assert body["kpi"]["projected"] == pytest.approx(15.0)
    assert body["kpi"]["latest"] == {"date": days_ago(0), "value": 24.0}

    again = api.post(path, cast.owner.token, json={"measurements": rows}).get_json()
    assert (again["created"], again["replaced"], count(KpiMeasurement)) == (0, 0, 3)  # idempotent

    # Due in 10 days: 24 - 3 = 21 > 18, off track.
    changed = api.patch(f"/kpis/{kpi['id']}", cast.owner.token, json={"due_on": days_ago(-10)})
    assert changed.get_json()["status"] == "off_track"
    assert changed.get_json()["projected"] == pytest.approx(21.0)

    # Today at 18 hours reaches the target (exactly at target counts): met, today's 24 replaced.
    met = api.post(path, cast.owner.token, json={"measurements": [{"date": days_ago(0), "value": 18}]})
    assert (met.get_json()["replaced"], met.get_json()["kpi"]["status"]) == (1, "met")
    listed = api.get(path, cast.sponsor.token).get_json()["items"]
    assert [(m["date"], m["value"]) for m in listed] == [
        (days_ago(20), 30.0),
        (days_ago(10), 27.0),
        (days_ago(0), 18.0),
    ]


def test_a_bad_measurement_refuses_the_whole_list_with_each_row_named(api, cast):
    kpi = new_kpi(api, cast)
    path = f"/kpis/{kpi['id']}/measurements"
    rows = [
        {"date": days_ago(3), "value": 20},  # fine
        {"date": days_ago(-1), "value": 20},  # tomorrow
        {"date": days_ago(2), "value": "20"},  # text
        {"date": days_ago(3), "value": 21},  # the first row's day again
        {"date": "2026-02-30", "value": 1},  # no such day
        {"value": 1, "note": "x"},  # no date, an unknown field
    ]
    response = api.post(path, cast.owner.token, json={"measurements": rows})
    fields = problem_fields(response)
    assert {"measurements[4].date", "measurements[5].date", "measurements[5].note"} <= fields
    assert count(KpiMeasurement) == 0
    shape_fixed = rows[:4]
    response = api.post(path, cast.owner.token, json={"measurements": shape_fixed})
    assert problem_fields(response) == {
        "measurements[1].date",
        "measurements[2].value",
        "measurements[3].date",
    }
    rows_of = {p["field"]: p["row"] for p in response.get_json()["error"]["problems"]}
    assert rows_of["measurements[3].date"] == 3
    assert count(KpiMeasurement) == 0
    assert problem_fields(api.post(path, cast.owner.token, json={"measurements": []})) == {"measurements"}


def test_deleting_a_kpi_takes_its_measurements(api, cast):
    kpi = new_kpi(api, cast)
    path = f"/kpis/{kpi['id']}/measurements"
    api.post(path, cast.owner.token, json={"measurements": [{"date": days_ago(1), "value": 25}]})
    assert api.delete(f"/kpis/{kpi['id']}", cast.colleague.token).status_code == 204
    assert count(Kpi) == 0 and count(KpiMeasurement) == 0
    assert api.get(f"/kpis/{kpi['id']}", cast.owner.token).status_code == 404
