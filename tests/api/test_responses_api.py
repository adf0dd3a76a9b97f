"""POST /api/v1/waves/{id}/responses: importing responses, all or nothing, with JSON problems."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from adkar.audit.models import AuditEvent
from adkar.extensions import db
from adkar.plan.models import Initiative
from adkar.surveys.models import HeldAnswer, Response, Wave, WaveGroup
from adkar.surveys.responses.imports import MAX_ROWS
from adkar.timeutil import today

from .helpers import count, fresh


def answers(value: int = 4, **extra) -> dict:
    return {"answers": {"aw1": value, "de1": value, "kn1": value, "ab1": value, "re1": value, **extra}}


@pytest.fixture
def wave(cast, factory):
    """An open pulse wave of the cast's initiative for groups A and B, with 3 invitations in A."""
    initiative = db.session.get(Initiative, cast.initiative_id)
    a, b = factory.group(initiative, name="A"), factory.group(initiative, name="B")
    wave = Wave(
        initiative_id=initiative.id,
        name="Pulse",
        survey_key="adkar-pulse",
        opens_on=today(),
        closes_on=today(),
        wave_groups=[WaveGroup(group_id=a.id, invited=3), WaveGroup(group_id=b.id)],
    )
    db.session.add(wave)
    db.session.commit()
    return {"id": wave.id, "a": a.id, "b": b.id}


def test_import_stores_responses_and_counts_them_in_n_only(api, cast, wave):
    responses = [answers(5, comment="From paper"), answers(2), answers(4), answers(3), answers(4)]
    body = {"group_id": wave["a"], "responses": responses}

    response = api.post(f"/waves/{wave['id']}/responses", cast.owner.token, json=body)

    assert response.status_code == 201
    assert response.get_json() == {"created": 5, "held": 0}
    counts = fresh(WaveGroup, (wave["id"], wave["a"]))
    assert (counts.n, counts.invited, counts.bar_none, counts.bar_awareness) == (5, 3, 3, 2)
    stored = db.session.scalars(select(Response).order_by(Response.score_awareness)).all()
    assert [r.comment for r in stored] == [None, None, None, None, "From paper"]
    assert stored[4].answers == {"aw1": 5, "de1": 5, "kn1": 5, "ab1": 5, "re1": 5}
    assert count(HeldAnswer) == 0
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "responses.import")).one()
    assert event.user_id == cast.owner.id and event.detail["source"] == "api"


def test_an_import_of_fewer_than_k_is_held_until_the_groups_imports_reach_k(api, cast, wave):
    path = f"/waves/{wave['id']}/responses"
    small = {"group_id": wave["a"], "responses": [answers(5, comment="From paper"), answers(2), answers(4)]}

    response = api.post(path, cast.owner.token, json=small)

    assert response.status_code == 201 and response.get_json() == {"created": 3, "held": 3}
    assert (count(Response), count(HeldAnswer)) == (0, 3)
    assert fresh(WaveGroup, (wave["id"], wave["a"])).n == 0
    rest = {"group_id": wave["a"], "responses": [answers(3), answers(4)]}
    assert api.post(path, cast.owner.token, json=rest).get_json() == {"created": 2, "held": 0}
    assert (count(Response), count(HeldAnswer)) == (5, 0)
    counts = fresh(WaveGroup, (wave["id"], wave["a"]))
    assert (counts.n, counts.invited, counts.bar_none, counts.bar_awareness) == (5, 3, 3, 2)
    comments = db.session.scalars(select(Response.comment).order_by(Response.score_awareness)).all()
    assert comments == [None, None, None, None, "From paper"]


def test_one_bad_response_stores_nothing_and_every_problem_is_listed(api, cast, wave):
    body = {
        "group_id": wave["a"],
        "responses": [
            answers(4),
            answers(6),
            {"answers": {"aw1": 4, "de1": "4", "kn1": True, "ab1": 4, "re1": 4, "mood": 3}},
            {"answers": {"aw1": 4}, "when": "today"},
            "not an object",
            answers(3, comment="x" * 2001),
        ],
    }

    response = api.post(f"/waves/{wave['id']}/responses", cast.owner.token, json=body)

    assert response.status_code == 400
    problems = {
        (p.get("row"), p.get("column"), p.get("field")) for p in response.get_json()["error"]["problems"]
    }
    assert (1, "aw1", "responses[1].answers.aw1") in problems
    assert (2, "kn1", "responses[2].answers.kn1") in problems
    assert (2, "mood", "responses[2].answers.mood") in problems
    assert (2, "de1", "responses[2].answers.de1") not in problems  # "4" is accepted, as in a CSV
    assert (3, None, "responses[3].when") in problems
    assert (3, "de1", "responses[3].answers.de1") in problems  # the rest of row 3 is still checked
    assert (4, None, "responses[4]") in problems
    assert (5, "comment", "responses[5].answers.comment") in problems
    messages = {p.get("field"): p["message"] for p in response.get_json()["error"]["problems"]}
    assert messages["responses[1].answers.aw1"] == "Must be a whole number from 1 to 5."
    assert count(Response) == 0
    assert fresh(WaveGroup, (wave["id"], wave["a"])).n == 0


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"responses": [answers()]}, "group_id"),
        ({"group_id": 1, "responses": []}, "responses"),
        ({"group_id": 1, "responses": {"answers": {}}}, "responses"),
        ({"group_id": 1, "responses": [answers()], "extra": 1}, "extra"),
    ],
)
def test_malformed_bodies(api, cast, wave, body, field):
    response = api.post(f"/waves/{wave['id']}/responses", cast.owner.token, json=body)
    assert response.status_code == 400
    assert field in {p.get("field") for p in response.get_json()["error"]["problems"]}
    assert count(Response) == 0


def test_group_outside_the_wave_is_a_problem_even_with_bad_rows(api, cast, wave, factory):
    initiative = db.session.get(Initiative, cast.initiative_id)
    outsider = factory.group(initiative, name="Not in the wave")
    body = {"group_id": outsider.id, "responses": [{"answers": answers()["answers"] | {"aw1": 9}}]}
    response = api.post(f"/waves/{wave['id']}/responses", cast.owner.token, json=body)
    assert response.status_code == 400
    fields = {p.get("field") for p in response.get_json()["error"]["problems"]}
    assert fields == {"group_id", "responses[0].answers.aw1"}
    assert count(Response) == 0


def test_at_most_ten_thousand_responses_per_call(api, cast, wave):
    body = {"group_id": wave["a"], "responses": [answers()] * (MAX_ROWS + 1)}
    response = api.post(f"/waves/{wave['id']}/responses", cast.owner.token, json=body)
    assert response.status_code == 400
    assert "10,000" in response.get_json()["error"]["problems"][0]["message"]
    assert count(Response) == 0


def test_ten_thousand_responses_in_one_call(api, cast, wave):
    body = {"group_id": wave["b"], "responses": [answers(3)] * MAX_ROWS}
    response = api.post(f"/waves/{wave['id']}/responses", cast.owner.token, json=body)
    assert response.status_code == 201 and response.get_json() == {"created": MAX_ROWS, "held": 0}
    counts = fresh(WaveGroup, (wave["id"], wave["b"]))
    assert (counts.n, counts.invited, counts.bar_awareness, counts.sum_desire) == (
        MAX_ROWS,
        0,
        MAX_ROWS,
        3.0 * MAX_ROWS,
    )


def test_who_may_import(api, cast, wave):
    path, body = f"/waves/{wave['id']}/responses", {"group_id": wave["a"], "responses": [answers()]}
    assert api.post(path, None, json=body).status_code == 401
    assert api.post(path, cast.sponsor.token, json=body).status_code == 403
    assert api.post(path, cast.stranger.token, json=body).status_code == 404
    assert api.post("/waves/999999/responses", cast.owner.token, json=body).status_code == 404
    assert (count(Response), count(HeldAnswer)) == (0, 0)
    assert api.post(path, cast.colleague.token, json=body).status_code == 201
    assert api.post(path, cast.admin.token, json=body).status_code == 201
    assert (count(Response), count(HeldAnswer)) == (0, 2)  # held until the group's imports reach k


def test_body_must_be_json(api, cast, wave):
    path = f"/waves/{wave['id']}/responses"
    assert api.post(path, cast.owner.token, data="group_id=1").status_code == 415
    bad = api.post(path, cast.owner.token, data="{", content_type="application/json")
    assert bad.status_code == 400
    assert count(Response) == 0


def test_whole_numbers_in_json_schemas_sense(api, cast, wave):
    """4.0 is the integer 4 (JSON Schema's integer), stored as 4; 4.5 is refused with its path."""
    path = f"/waves/{wave['id']}/responses"
    half = {
        "group_id": wave["a"],
        "responses": [answers(4), {"answers": {**answers(4)["answers"], "kn1": 4.5}}],
    }
    refused = api.post(path, cast.owner.token, json=half)
    assert refused.status_code == 400
    fields = [p.get("field") for p in refused.get_json()["error"]["problems"]]
    assert fields == ["responses[1].answers.kn1"]
    body = {"group_id": wave["a"], "responses": [answers(4.0) for _ in range(5)]}
    assert api.post(path, cast.owner.token, json=body).status_code == 201
    stored = db.session.scalars(select(Response.answers)).all()
    assert all(a == {"aw1": 4, "de1": 4, "kn1": 4, "ab1": 4, "re1": 4} for a in stored)
    assert all(type(v) is int for a in stored for v in a.values())
