"""The usage API: all-or-nothing import with row and field problems, the report, the target."""

from __future__ import annotations

from datetime import timedelta

import pytest

from adkar.adoption.models import UsageFigure
from adkar.extensions import db
from adkar.timeutil import today
from tests.actions.support import Api, audit_actions, count
from tests.api.helpers import problem_fields

DAY = today() - timedelta(days=2)


@pytest.fixture
def api(client) -> Api:
    return Api(client)


@pytest.fixture
def tokens(cast, factory) -> dict[str, str]:
    return {name: factory.token(getattr(cast, name)) for name in ("owner", "sponsor", "stranger")}


def figure(group, active: int, day=DAY) -> dict:
    return {"group_id": group.id, "date": day.isoformat(), "active_users": active}


def test_import_and_read_back(api, cast, tokens):
    cast.initiative.go_live = today() - timedelta(days=4)
    db.session.commit()
    path = f"/initiatives/{cast.initiative.id}/usage"
    response = api.post(
        path, tokens["owner"], json={"figures": [figure(cast.desk, 18), figure(cast.field, 6)]}
    )
    assert response.status_code == 201
    assert response.get_json() == {"created": 2, "replaced": 0}
    response = api.post(
        path, tokens["owner"], json={"figures": [figure(cast.field, 9), figure(cast.field, 9, today())]}
    )
    assert response.get_json() == {"created": 1, "replaced": 1}
    report = api.get(path, tokens["sponsor"]).get_json()
    assert report["target_utilisation"] == 0.8
    assert report["reached_target_on"] == DAY.isoformat()  # 18 + 9 of 30 = 90%
    assert report["speed_of_adoption_days"] == 2
    assert report["ultimate_utilisation"] == pytest.approx(27 / 30)
    assert [o["active_users"] for o in report["overall"]] == [27, 27]
    assert {g["name"]: g["utilisation"] for g in report["groups"]} == {
        "Service desk": 0.9,
        "Field engineers": 0.9,
    }
    assert len(report["figures"]) == 3 and report["figures"][0]["date"] == today().isoformat()
    assert audit_actions(cast.initiative.id)[-2:] == ["usage.import", "usage.import"]


def test_problems_name_the_row_and_the_json_path(api, cast, tokens):
    path = f"/initiatives/{cast.initiative.id}/usage"
    figures = [
        figure(cast.desk, 21),  # above the headcount of 20
        {"group_id": cast.field.id, "date": "2026-02-30", "active_users": 1, "note": "x"},
        figure(cast.field, 2, today() + timedelta(days=1)),
        {"group_id": 999_999, "date": DAY.isoformat(), "active_users": -1},
        "not an object",
    ]
    response = api.post(path, tokens["owner"], json={"figures": figures})
    assert response.status_code == 400
    problems = response.get_json()["error"]["problems"]
    shape = {(p["row"], p["field"]) for p in problems}
    assert shape == {(1, "figures[1].note"), (1, "figures[1].date"), (4, "figures[4]")}  # shapes first
    response = api.post(path, tokens["owner"], json={"figures": figures[:1] + figures[2:4]})
    problems = response.get_json()["error"]["problems"]
    assert {(p["row"], p["field"], p.get("column")) for p in problems} == {
        (0, "figures[0].active_users", "active_users"),
        (1, "figures[1].date", "date"),
        (2, "figures[2].group_id", "group_id"),
        (2, "figures[2].active_users", "active_users"),
    }
    assert "more than the headcount" in problems[0]["message"]
    assert count(UsageFigure) == 0


@pytest.mark.parametrize("body", [{}, {"figures": []}, {"figures": {}}, {"figures": [], "x": 1}])
def test_the_body_shape_is_checked(api, cast, tokens, body):
    response = api.post(f"/initiatives/{cast.initiative.id}/usage", tokens["owner"], json=body)
    assert response.status_code == 400 and "figures" in problem_fields(response)


def test_target_and_delete(api, cast, tokens):
    iid = cast.initiative.id
    assert api.put(
        f"/initiatives/{iid}/usage/target", tokens["owner"], json={"target_utilisation": 0.7}
    ).get_json() == {"target_utilisation": 0.7}
    assert problem_fields(
        api.put(f"/initiatives/{iid}/usage/target", tokens["owner"], json={"target_utilisation": 0})
    ) == {"target_utilisation"}
    api.post(f"/initiatives/{iid}/usage", tokens["owner"], json={"figures": [figure(cast.desk, 5)]})
    figure_id = db.session.scalar(db.select(UsageFigure.id))
    assert api.delete(f"/usage-figures/{figure_id}", tokens["sponsor"]).status_code == 403
    assert api.delete(f"/usage-figures/{figure_id}", tokens["stranger"]).status_code == 404
    assert api.delete(f"/usage-figures/{figure_id}", tokens["owner"]).status_code == 204
    assert api.delete(f"/usage-figures/{figure_id}", tokens["owner"]).status_code == 404


def test_access(api, cast, tokens):
    path = f"/initiatives/{cast.initiative.id}/usage"
    body = {"figures": [figure(cast.desk, 5)]}
    assert api.post(path, tokens["sponsor"], json=body).status_code == 403
    assert api.post(path, tokens["stranger"], json=body).status_code == 404
    assert api.get(path, tokens["stranger"]).status_code == 404
    assert api.put(f"{path}/target", tokens["sponsor"], json={"target_utilisation": 0.5}).status_code == 403
    assert api.post(path, None, json=body).status_code == 401
    assert count(UsageFigure) == 0
