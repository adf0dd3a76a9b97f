"""Usage figures in: CSV and service rules, all or nothing, figures replaced by group and date."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest

from adkar.adoption import services
from adkar.adoption.csv_import import parse_usage_csv
from adkar.adoption.models import AdoptionSettings, UsageFigure
from adkar.extensions import db
from adkar.timeutil import today
from adkar.validation import ValidationFailed
from tests.actions.support import audit_actions, count, has_csrf_field, login, text

DAY = today() - timedelta(days=3)


def upload(client, cast, content: str):
    data = {"file": (io.BytesIO(content.encode("utf-8")), "usage.csv")}
    return client.post(
        f"/initiatives/{cast.initiative.id}/adoption/import", data=data, content_type="multipart/form-data"
    )


def test_csv_rows_match_groups_by_name_or_id(app, cast):
    content = f"Group;Date;Active users\n service DESK ;{DAY};12\n{cast.field.id};{DAY};7.0\n"
    rows = parse_usage_csv(content.encode(), cast.initiative)
    assert [(r["group_id"], r["day"], r["active_users"]) for r in rows] == [
        (cast.desk.id, DAY, 12),
        (cast.field.id, DAY, 7),
    ]


def test_upload_stores_then_replaces_and_reports_counts(client, cast):
    login(client, cast.owner)
    form = text(client.get(f"/initiatives/{cast.initiative.id}/adoption/import"))
    assert has_csrf_field(form) and "active_users" in form
    response = upload(
        client, cast, f"group,date,active_users\nService desk,{DAY},12\nField engineers,{DAY},7\n"
    )
    assert response.status_code == 302
    assert count(UsageFigure) == 2
    response = upload(
        client, cast, f"group,date,active_users\nService desk,{DAY},15\nField engineers,{DAY},7\n"
    )
    flashes = text(client.get(response.headers["Location"]))
    assert "Imported 2 figures: 0 new, 1 replaced." in flashes
    assert sorted(f.active_users for f in db.session.scalars(db.select(UsageFigure))) == [7, 15]
    assert audit_actions(cast.initiative.id)[-2:] == ["usage.import", "usage.import"]


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (f"Service desk,{DAY},21", "21 active users is more than the headcount of “Service desk” (20)."),
        (f"Service desk,{DAY},-1", "“-1” is not a whole number."),
        (f"Service desk,{DAY},2.5", "“2.5” is not a whole number."),
        (f"Legal,{DAY},2", "No group “Legal” in this initiative."),
        ("Service desk,31/03/2026,2", "“31/03/2026” is not a date written YYYY-MM-DD."),
        ("Service desk,2026-02-30,2", "“2026-02-30” is not a date written YYYY-MM-DD."),
        (f"Service desk,{today() + timedelta(days=1)},2", "is in the future"),
        (
            f"Service desk,{DAY},1\nservice desk,{DAY},2",
            "row 3, column date: This group and date appear twice (also row 2).",
        ),
    ],
)
def test_bad_rows_refuse_the_whole_file(client, cast, row, message):
    login(client, cast.member)
    response = upload(client, cast, f"group,date,active_users\nField engineers,{DAY},3\n{row}\n")
    assert response.status_code == 400
    assert message in text(response).replace("&#34;", '"')
    assert "Nothing was stored." in text(response)
    assert count(UsageFigure) == 0


def test_every_problem_of_the_file_is_listed_by_row_and_column(client, cast):
    login(client, cast.owner)
    response = upload(client, cast, f"group,date,active_users\nNobody,{DAY},3\nService desk,soon,x\n")
    page = text(response)
    assert "row 1, column group" in page
    assert "row 2, column date" in page and "row 2, column active_users" in page


def test_a_missing_column_or_empty_file_is_refused(client, cast):
    login(client, cast.owner)
    assert "This required column is missing" in text(
        upload(client, cast, "group,date\nService desk,2026-01-01\n")
    )
    assert upload(client, cast, "").status_code == 400
    assert "Choose a CSV file to upload." in text(
        client.post(f"/initiatives/{cast.initiative.id}/adoption/import", data={})
    )
    assert count(UsageFigure) == 0


def test_service_rules_for_api_shaped_rows(app, cast):
    rows = [
        {"group_id": cast.desk.id, "day": DAY, "active_users": True},
        {"group_id": "1", "day": "2026-01-01", "active_users": 3},
        {"group_id": cast.field.id, "day": DAY, "active_users": 10},
    ]
    with pytest.raises(ValidationFailed) as caught:
        services.import_figures(initiative=cast.initiative, actor=cast.owner, rows=rows, source="api")
    assert [(p.row, p.field) for p in caught.value.problems] == [
        (1, "active_users"),
        (2, "group_id"),
        (2, "date"),
    ]
    with pytest.raises(ValidationFailed, match="at least one figure"):
        services.import_figures(initiative=cast.initiative, actor=cast.owner, rows=[], source="api")
    assert count(UsageFigure) == 0


def test_target_is_kept_in_its_own_table(app, cast):
    assert services.target_utilisation(cast.initiative) == 0.8
    services.set_target(initiative=cast.initiative, actor=cast.owner, target=0.65)
    assert db.session.get(AdoptionSettings, cast.initiative.id).target_utilisation == 0.65
    for bad in (0, 1.01, "0.7", True, float("nan")):
        with pytest.raises(ValidationFailed):
            services.set_target(initiative=cast.initiative, actor=cast.owner, target=bad)
    assert services.target_utilisation(cast.initiative) == 0.65
    assert audit_actions(cast.initiative.id)[-1] == "usage.target"
