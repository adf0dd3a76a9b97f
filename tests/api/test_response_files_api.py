"""POST /api/v1/waves/{id}/response-files[/preview]: the mapping step of a survey tool's export, by API."""

from __future__ import annotations

import base64

import pytest
from sqlalchemy import select

from adkar.extensions import db
from adkar.plan.models import Initiative
from adkar.surveys.models import ImportMapping, Response, Wave, WaveGroup
from adkar.timeutil import today

from ..surveys import tool_files
from ..surveys.test_tool_files import ROWS
from .helpers import count


@pytest.fixture
def wave(cast, factory):
    initiative = db.session.get(Initiative, cast.initiative_id)
    a, b = factory.group(initiative, name="Team A"), factory.group(initiative, name="Team B")
    wave = Wave(
        initiative_id=initiative.id,
        name="Pulse",
        survey_key="adkar-pulse",
        opens_on=today(),
        closes_on=today(),
        wave_groups=[WaveGroup(group_id=a.id), WaveGroup(group_id=b.id)],
    )
    db.session.add(wave)
    db.session.commit()
    return {"id": wave.id, "a": a.id, "b": b.id}


def encoded(data: bytes) -> str:
    return base64.b64encode(data).decode()


def test_preview_states_the_reading_the_columns_and_the_counts(api, cast, wave):
    body = {"filename": "Sheet_1.csv", "content_base64": encoded(tool_files.surveymonkey_csv(ROWS))}

    response = api.post(f"/waves/{wave['id']}/response-files/preview", cast.owner.token, json=body)

    assert response.status_code == 200, response.get_json()
    preview = response.get_json()
    assert preview["read_as"] == "Read as UTF-8 (with BOM), comma-separated, 2 header rows"
    assert (preview["rows"], preview["counts"], preview["ready"]) == (10, {"Team A": 5, "Team B": 5}, True)
    targets = {c["name"]: c["target"] for c in preview["columns"]}
    assert targets["Which team are you in?"] == "group"
    assert targets["I understand why we are introducing the new system."] == "aw1"
    identity = [c["name"] for c in preview["columns"] if c["identity"]]
    assert {"Respondent ID", "IP Address", "Email Address", "First Name", "Last Name"} <= set(identity)
    assert count(Response) == 0


def test_import_with_corrections_all_or_nothing_and_a_saved_mapping(api, cast, wave):
    path = f"/waves/{wave['id']}/response-files"
    data = encoded(tool_files.google_csv(ROWS, "de"))
    wrong = {"content_base64": data, "columns": {"Gruppe": "ignore"}}
    refused = api.post(path, cast.owner.token, json=wrong)
    assert refused.status_code == 400
    messages = [p["message"] for p in refused.get_json()["error"]["problems"]]
    assert "Choose the group these responses belong to, or the column that names it." in messages
    assert count(Response) == 0

    body = {"content_base64": data, "columns": {"Kommentar": "comment"}, "source": "Google Formular"}
    response = api.post(path, cast.owner.token, json=body)

    assert response.status_code == 201, response.get_json()
    assert response.get_json() == {"created": 10, "held": 0, "counts": {"Team A": 5, "Team B": 5}}
    assert count(Response) == 10
    saved = db.session.scalars(select(ImportMapping)).one()
    assert saved.name == "Google Formular" and saved.targets["Kommentar"] == "comment"
    again = api.post(
        f"{path}/preview", cast.owner.token, json={"content_base64": data, "source": "Google Formular"}
    ).get_json()
    assert {c["name"]: c["target"] for c in again["columns"]}["Kommentar"] == "comment"


def test_bad_rows_and_bad_requests(api, cast, wave):
    path = f"/waves/{wave['id']}/response-files"
    rows = [("Vertrieb", [4, 4, 4, 4, 4], ""), *ROWS[1:]]
    data = encoded(tool_files.limesurvey_csv(rows))
    response = api.post(path, cast.owner.token, json={"content_base64": data})
    assert response.status_code == 400
    problem = response.get_json()["error"]["problems"][0]
    assert (problem["row"], problem["column"]) == (2, "Gruppe")
    assert "“Vertrieb” is not a group of this wave" in problem["message"]
    not_base64 = api.post(path, cast.owner.token, json={"content_base64": "***"})
    assert not_base64.status_code == 400
    assert not_base64.get_json()["error"]["problems"][0]["field"] == "content_base64"
    unknown = api.post(path, cast.owner.token, json={"content_base64": data, "columns": {"nope": "aw1"}})
    assert unknown.get_json()["error"]["problems"][0]["field"] == "columns.nope"
    sponsor = api.post(path, cast.sponsor.token, json={"content_base64": data})
    assert sponsor.status_code == 403
    assert count(Response) == 0
