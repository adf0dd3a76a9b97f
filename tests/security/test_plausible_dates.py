"""Issue 15, item 10: one rule for plausible dates (adkar.dates), the same for pages, the API and imports.

The forms refused 9999-12-31 and 0001-01-01, the API took them, and every page of that initiative then
answered 500 for everyone. Here every dated field of every API body, form and import gets both dates: each
is refused (400, naming the field or the row), nothing changes, and every page of the initiative still
opens.
"""

from __future__ import annotations

import io
import re
from datetime import date, timedelta

import pytest
from flask import Flask

from adkar import dates
from adkar.actions.models import Action, ResistanceEntry
from adkar.adoption.models import UsageFigure
from adkar.extensions import db
from adkar.plan.models import Initiative, Milestone
from adkar.surveys.models import Wave

from ..accounts.helpers import signed_in
from ..api.helpers import ApiClient
from ..test_access_map import Route, Visitor, World, build_world, calls, changed_tables, snapshot, walk

IMPLAUSIBLE = ("9999-12-31", "0001-01-01")
FIRST, LAST = dates.EARLIEST.isoformat(), dates.LATEST.isoformat()


@pytest.fixture
def world(app) -> World:
    return build_world(app)


def api_bodies(world: World, day: str) -> list[tuple[str, str, dict, str]]:
    """(method, path, body, field named in the answer) for every date of every API body."""
    i, g, m = world.ids["initiative_id"], world.ids["group_id"], world.ids["milestone_id"]
    a, r, k = world.ids["action_id"], world.ids["resistance_id"], world.ids["kpi_id"]
    initiative = {"name": "Dated rollout", "approach": "sequential"}
    milestone = {"name": "Dated gate", "kind": "go-live", "target_element": "ability"}
    wave = {"name": "Dated pulse", "survey": "adkar-pulse", "group_ids": [g]}
    action = {"group_id": g, "element": "ability", "what": "Dated lab", "owner": "Team lead"}
    resistance = {"group_id": g, "what": "Dated refusal", "reason": "fear_of_unknown", "people": 1}
    return [
        ("POST", "/initiatives", {**initiative, "go_live": day}, "go_live"),
        ("POST", "/initiatives", {**initiative, "go_live": day, "template": True}, "go_live"),
        ("PATCH", f"/initiatives/{i}", {"go_live": day}, "go_live"),
        ("POST", f"/initiatives/{i}/milestones", {**milestone, "due": day}, "due"),
        ("PATCH", f"/milestones/{m}", {"due": day}, "due"),
        ("POST", f"/initiatives/{i}/waves", {**wave, "opens_on": day, "closes_on": LAST}, "opens_on"),
        ("POST", f"/initiatives/{i}/waves", {**wave, "opens_on": FIRST, "closes_on": day}, "closes_on"),
        ("POST", f"/initiatives/{i}/actions", {**action, "starts_on": day, "due_on": LAST}, "starts_on"),
        ("POST", f"/initiatives/{i}/actions", {**action, "starts_on": FIRST, "due_on": day}, "due_on"),
        ("PATCH", f"/actions/{a}", {"starts_on": day, "due_on": LAST}, "starts_on"),
        ("PATCH", f"/actions/{a}", {"starts_on": FIRST, "due_on": day}, "due_on"),
        ("POST", f"/initiatives/{i}/resistance", {**resistance, "logged_on": day}, "logged_on"),
        ("PATCH", f"/resistance/{r}", {"logged_on": day}, "logged_on"),
        (
            "POST",
            f"/initiatives/{i}/usage",
            {"figures": [{"group_id": g, "date": day, "active_users": 1}]},
            "figures[0].date",
        ),
        ("POST", f"/initiatives/{i}/kpis", {"name": "Dated KPI", "baseline": 1, "due_on": day}, "due_on"),
        ("PATCH", f"/kpis/{k}", {"due_on": day}, "due_on"),
        (
            "POST",
            f"/kpis/{k}/measurements",
            {"measurements": [{"date": day, "value": 1}]},
            "measurements[0].date",
        ),
    ]


def documented_dates(document: dict) -> set[tuple[str, str, str]]:
    """(method, path template, field) of every date in every documented request body."""

    def walk_schema(schema: dict, prefix: str) -> list[str]:
        if "$ref" in schema:
            schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
        if schema.get("format") == "date":
            return [prefix]
        found = []
        for name, child in schema.get("properties", {}).items():
            found += walk_schema(child, f"{prefix}.{name}" if prefix else name)
        if "items" in schema:
            found += walk_schema(schema["items"], f"{prefix}[0]")
        return found

    found = set()
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            body = operation.get("requestBody", {}).get("content", {}).get("application/json")
            for name in walk_schema(body["schema"], "") if body else []:
                found.add((method.upper(), path.removeprefix("/api/v1"), name))
    return found


def template_of(document: dict, path: str) -> str:
    for template in document["paths"]:
        pattern = "^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template.removeprefix("/api/v1"))) + "$"
        if re.match(pattern, path):
            return template.removeprefix("/api/v1")
    raise AssertionError(f"{path} is not documented")


def pages_still_open(app: Flask, world: World, routes: list[Route]) -> list[str]:
    """Every page the owner reads (the initiative's, the portfolio, the lists): none may fail."""
    visitor = Visitor(app, world, "owner")
    failures = []
    for route, _method in calls(routes, lambda r, m: m == "GET" and not r.is_public and not r.is_admin):
        if route.unknown:
            continue
        status = visitor.request(route, "GET").status_code
        if status >= 500 or status in (401, 403, 404, 405):
            failures.append(f"GET {route}: {status}")
    return failures


def test_the_api_refuses_implausible_dates_in_every_dated_field(app, world):
    api = ApiClient(app.test_client())
    token = world.api_tokens["owner"]
    sent = set()
    before = snapshot(app)
    for day in IMPLAUSIBLE:
        for method, path, body, field in api_bodies(world, day):
            response = api.call(method, path, token, json=body)
            assert response.status_code == 400, (method, path, body, response.status_code)
            problems = response.get_json()["error"]["problems"]
            assert {"field": field, "message": dates.MESSAGE} in [
                {k: p.get(k) for k in ("field", "message")} for p in problems
            ], (method, path, body, problems)
            assert not changed_tables(before, snapshot(app)), (method, path, body)
            sent.add((method, template_of(api.document, path), field.split(".")[-1].replace("[0]", "")))
    documented = {(m, p, f.split(".")[-1]) for m, p, f in documented_dates(api.document)}
    assert documented <= sent, f"dated API fields this test does not send: {sorted(documented - sent)}"
    assert not pages_still_open(app, world, walk(app, world))


def test_edge_dates_are_accepted_and_the_pages_open(app, world):
    """The window's own ends are plausible: stored through the API, every page still answers."""
    api = ApiClient(app.test_client())
    token = world.api_tokens["owner"]
    i, m = world.ids["initiative_id"], world.ids["milestone_id"]
    assert api.patch(f"/initiatives/{i}", token, json={"go_live": LAST}).status_code == 200
    assert api.patch(f"/milestones/{m}", token, json={"due": FIRST}).status_code == 200
    assert api.patch(f"/actions/{world.ids['action_id']}", token, json={"due_on": LAST}).status_code == 200
    assert not pages_still_open(app, world, walk(app, world))


def test_a_template_whose_milestones_fall_outside_the_window_is_refused(app, world):
    """Template milestones are dated from go-live: 2000-01-01 would put them in 1999."""
    api = ApiClient(app.test_client())
    body = {"name": "Early rollout", "approach": "sequential", "go_live": FIRST, "template": True}
    before = snapshot(app)
    response = api.post("/initiatives", world.api_tokens["owner"], json=body)
    assert response.status_code == 400
    assert [p["field"] for p in response.get_json()["error"]["problems"]] == ["go_live"]
    assert not changed_tables(before, snapshot(app))


def form_posts(world: World, day: str) -> list[tuple[str, dict]]:
    """(page, form) for every dated field of every form, with `day` in it."""
    i, g, m = world.ids["initiative_id"], world.ids["group_id"], world.ids["milestone_id"]
    w, a, r = world.ids["wave_id"], world.ids["action_id"], world.ids["resistance_id"]
    initiative = {"name": "Dated rollout", "approach": "sequential", "description": ""}
    milestone = {"name": "Dated gate", "kind": "go-live", "target_element": "ability", "threshold": "80"}
    wave = {"name": "Dated pulse", "survey": "adkar-pulse", "groups": [str(g)], "milestone": "0"}
    action = {"element": "ability", "what": "Dated lab", "owner": "Team lead", "status": "planned"}
    resistance = {"what": "Dated refusal", "reason": "fear_of_unknown", "people": "1", "status": "open"}
    return [
        ("/initiatives/new", {**initiative, "go_live": day, "step": "basics"}),
        (f"/initiatives/{i}/edit", {**initiative, "go_live": day}),
        (f"/initiatives/{i}/milestones/new", {**milestone, "due": day}),
        (f"/milestones/{m}/edit", {**milestone, "due": day}),
        (f"/initiatives/{i}/waves/new", {**wave, "opens_on": day, "closes_on": LAST}),
        (f"/initiatives/{i}/waves/new", {**wave, "opens_on": FIRST, "closes_on": day}),
        (f"/waves/{w}/edit", {**wave, "opens_on": day, "closes_on": LAST}),
        (f"/waves/{w}/edit", {**wave, "opens_on": FIRST, "closes_on": day}),
        (f"/groups/{g}/actions/new", {**action, "starts_on": day, "due_on": LAST}),
        (f"/actions/{a}/edit", {**action, "starts_on": FIRST, "due_on": day}),
        (f"/groups/{g}/resistance/new", {**resistance, "logged_on": day}),
        (f"/resistance/{r}/edit", {**resistance, "logged_on": day}),
    ]


def test_every_dated_form_shows_the_rule_and_stores_nothing(app, world):
    owner = signed_in(app, world.emails["owner"])
    before = snapshot(app)
    for day in IMPLAUSIBLE:
        for page, form in form_posts(world, day):
            response = owner.post(page, data=form)
            assert response.status_code == 400, (page, form, response.status_code)
            assert dates.MESSAGE in response.get_data(as_text=True), (page, form)
            assert not changed_tables(before, snapshot(app)), (page, form)
    assert not pages_still_open(app, world, walk(app, world))


@pytest.mark.parametrize("day", IMPLAUSIBLE)
def test_a_usage_import_with_an_implausible_date_names_the_row_and_stores_nothing(app, world, day):
    owner = signed_in(app, world.emails["owner"])
    yesterday = date.today() - timedelta(days=1)
    content = f"group,date,active_users\nService desk,{yesterday},3\nService desk,{day},4\n"
    before = snapshot(app)
    response = owner.post(
        f"/initiatives/{world.ids['initiative_id']}/adoption/import",
        data={"file": (io.BytesIO(content.encode()), "usage.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert f"row 2, column date: {dates.MESSAGE}" in response.get_data(as_text=True)
    assert not changed_tables(before, snapshot(app))


def test_pages_survive_implausible_dates_already_stored(app, world):
    """Rows written before the rule (or around it) must not take the initiative's pages down."""
    with app.app_context():
        initiative = db.session.get(Initiative, world.ids["initiative_id"])
        initiative.go_live = date.max
        db.session.get(Milestone, world.ids["milestone_id"]).due = date.min
        wave = db.session.get(Wave, world.ids["wave_id"])
        wave.opens_on, wave.closes_on = date.min, date.max
        action = db.session.get(Action, world.ids["action_id"])
        action.starts_on, action.due_on = date.min, date.max
        db.session.get(ResistanceEntry, world.ids["resistance_id"]).logged_on = date.min
        db.session.get(UsageFigure, world.ids["figure_id"]).day = date.min
        db.session.commit()
    assert not pages_still_open(app, world, walk(app, world))
