"""A client generated from the OpenAPI document with openapi-python-client works for every operation.

The generator runs on the app's own document; the client then calls the app in-process (httpx's WSGI
transport) with valid data, each operation answering its documented success status with a parsed model. The
operations are walked from the document, so a new operation without a call here fails the test.
"""

from __future__ import annotations

import base64
import importlib
import importlib.util
import json
import pkgutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest

from adkar.accounts.models import User
from adkar.api.openapi import build
from adkar.extensions import db
from adkar.timeutil import today

from .helpers import make_person

PACKAGE = "adkar_client"
GENERATOR_CONFIG = f"post_hooks: []\nproject_name_override: {PACKAGE}\npackage_name_override: {PACKAGE}\n"


def generate(document: dict, where: Path) -> tuple[ModuleType, str]:
    """The generated package, imported, and what the generator printed."""
    assert importlib.util.find_spec("openapi_python_client"), "install the test extras: make install-test"
    (where / "openapi.json").write_text(json.dumps(document))
    (where / "config.yaml").write_text(GENERATOR_CONFIG)
    command = ["generate", "--meta", "none", "--config", str(where / "config.yaml")]
    command += ["--path", str(where / "openapi.json"), "--output-path", str(where / PACKAGE)]
    result = subprocess.run(
        [sys.executable, "-m", "openapi_python_client", *command],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    printed = result.stdout + result.stderr
    assert result.returncode == 0, printed
    sys.path.insert(0, str(where))
    try:
        return importlib.import_module(PACKAGE), printed
    finally:
        sys.path.remove(str(where))


@pytest.fixture
def generated(app, tmp_path) -> Iterator[tuple[ModuleType, str]]:
    yield generate(build(app), tmp_path)
    for name in [m for m in sys.modules if m == PACKAGE or m.startswith(f"{PACKAGE}.")]:
        del sys.modules[name]


class Caller:
    """Calls one operation by its operationId and checks the answer against the document."""

    def __init__(self, package: ModuleType, document: dict, client: Any) -> None:
        self.client = client
        self.models = importlib.import_module(f"{PACKAGE}.models")
        self.operations = {
            op["operationId"]: op for operations in document["paths"].values() for op in operations.values()
        }
        self.schemas = document["components"]["schemas"]
        api = importlib.import_module(f"{PACKAGE}.api")
        self.modules: dict[str, ModuleType] = {}
        for tag in pkgutil.iter_modules(api.__path__):
            package = importlib.import_module(f"{api.__name__}.{tag.name}")
            for module in pkgutil.iter_modules(package.__path__):
                self.modules[module.name] = importlib.import_module(f"{package.__name__}.{module.name}")
        self.called: set[str] = set()

    def model(self, name: str) -> Callable[[dict], Any]:
        return getattr(self.models, name).from_dict

    def __call__(self, operation_id: str, status: int, **kwargs: Any) -> Any:
        documented = self.operations[operation_id]["responses"]
        assert str(status) in documented, f"{operation_id}: {status} is not a documented success"
        response = self.modules[operation_id].sync_detailed(client=self.client, **kwargs)
        assert response.status_code == status, (operation_id, response.status_code, response.content)
        self.called.add(operation_id)
        content = documented[str(status)].get("content")
        if content is None:
            assert response.content == b"" and response.parsed is None, operation_id
            return None
        expected = self._model_name(content["application/json"]["schema"])
        assert isinstance(response.parsed, getattr(self.models, expected)), (operation_id, response.parsed)
        return response.parsed

    def _model_name(self, schema: dict) -> str:
        """The generated class an answer parses into: its model, or the model of a "model or null" answer."""
        name = schema["$ref"].rsplit("/", 1)[1]
        refs = [s["$ref"] for s in self.schemas[name].get("anyOf", []) if "$ref" in s]
        return refs[0].rsplit("/", 1)[1] if refs else name


@pytest.mark.slow
def test_a_generated_client_calls_every_operation(app, factory, generated):
    package, printed = generated
    assert "Warning" not in printed and "Skipping" not in printed, printed
    owner = make_person(factory, "practitioner")
    colleague = factory.user("practitioner")
    document = build(app)
    transport = httpx.WSGITransport(app=app)
    client = package.AuthenticatedClient(
        base_url="http://adkar.test", token=owner.token, httpx_args={"transport": transport}
    )
    call = Caller(package, document, client)
    body = call.model
    day = today()

    call("openapi", 200)
    assert call("me", 200).id == owner.id
    call("list_surveys", 200)
    survey = call("get_survey", 200, key="adkar-pulse", lang="fr")
    assert survey.key == "adkar-pulse"

    # the plan
    initiative = call(
        "create_initiative",
        201,
        body=body("InitiativeIn")(
            {"name": "CRM", "approach": "sequential", "go_live": str(day + timedelta(days=60))}
        ),
    )
    iid = initiative.id
    call("list_initiatives", 200)
    call("get_initiative", 200, initiative_id=iid)
    call("update_initiative", 200, initiative_id=iid, body=body("InitiativeChanges")({"name": "CRM 2"}))
    group = call(
        "create_group", 201, initiative_id=iid, body=body("GroupIn")({"name": "Sales", "headcount": 10})
    )
    call("list_groups", 200, initiative_id=iid)
    call("get_group", 200, group_id=group.id)
    call("update_group", 200, group_id=group.id, body=body("GroupChanges")({"headcount": 12}))
    roster = {
        "participants": [{"email": "ana@example.com", "language": "fr", "attributes": {"site": "Lyon"}}]
    }
    replaced = call("replace_participants", 200, group_id=group.id, body=body("RosterIn")(roster))
    assert (replaced.participants, replaced.added) == (1, 1)
    assert [p.email for p in call("list_participants", 200, group_id=group.id).items] == ["ana@example.com"]
    milestone = call(
        "create_milestone",
        201,
        initiative_id=iid,
        body=body("MilestoneIn")(
            {
                "name": "Training done",
                "kind": "training",
                "due": str(day + timedelta(days=30)),
                "target_element": "knowledge",
                "group_ids": [group.id],
            }
        ),
    )
    call("list_milestones", 200, initiative_id=iid)
    call("get_milestone", 200, milestone_id=milestone.id)
    call(
        "update_milestone", 200, milestone_id=milestone.id, body=body("MilestoneChanges")({"threshold": 0.7})
    )
    member = body("MemberIn")({"email": colleague.email, "role": "sponsor"})
    call("add_member", 201, initiative_id=iid, body=member)
    changed = body("MemberIn")({"email": colleague.email, "role": "practitioner"})
    assert call("add_member", 200, initiative_id=iid, body=changed).role == "practitioner"
    call("list_members", 200, initiative_id=iid)

    # surveys, responses and readiness
    wave = call(
        "create_wave",
        201,
        initiative_id=iid,
        body=body("WaveIn")(
            {
                "name": "Pulse 1",
                "survey": "adkar-pulse",
                "opens_on": str(day),
                "closes_on": str(day + timedelta(days=7)),
                "group_ids": [group.id],
                "milestone_id": milestone.id,
            }
        ),
    )
    call("list_waves", 200, initiative_id=iid)
    call("get_wave", 200, wave_id=wave.id)
    links = call(
        "create_links", 201, wave_id=wave.id, body=body("InvitationsIn")({"group_id": group.id, "count": 2})
    )
    assert len(links.links) == 2
    emailed = body("InvitationsIn")(
        {"group_id": group.id, "send": "email", "recipients": [{"email": "ana@example.com", "name": "Ana"}]}
    )
    job = call("create_links", 202, wave_id=wave.id, body=emailed)
    assert job.counts.total == 1
    assert call("get_job", 200, job_id=job.id).id == job.id
    scheduled = call(
        "set_reminder_schedule", 200, wave_id=wave.id, body=body("ReminderScheduleIn")({"days": [3, 5]})
    )
    assert scheduled.reminder_days == [3, 5]
    answers = {"answers": {"aw1": 4, "de1": 4, "kn1": 3, "ab1": 3, "re1": 2}}
    imported = body("ResponseImport")({"group_id": group.id, "responses": [answers] * 5})
    call("import_responses", 201, wave_id=wave.id, body=imported)
    tool_file = "aw1;de1;kn1;ab1;re1\n" + "4,0;Agree;A4;4;Stimme zu\n" * 5
    sent = body("ResponseFile")({"content_base64": base64.b64encode(tool_file.encode("utf-16")).decode()})
    assert call("preview_response_file", 200, wave_id=wave.id, body=sent).ready
    assert call("import_response_file", 201, wave_id=wave.id, body=sent).created == 5
    call("wave_readiness", 200, wave_id=wave.id)
    call("initiative_trend", 200, initiative_id=iid)
    call("milestone_gate", 200, milestone_id=milestone.id)

    # actions, resistance and the library
    entry = call(
        "create_library_entry",
        201,
        body=body("LibraryEntryIn")({"element": "knowledge", "title": "Lunch and learn (client test)"}),
    )
    assert entry.id in {
        e.id for e in call("list_library", 200, element=call.models.ListLibraryElement("knowledge")).items
    }
    call("get_library_entry", 200, entry_id=entry.id)
    call(
        "update_library_entry", 200, entry_id=entry.id, body=body("LibraryEntryChanges")({"description": "x"})
    )
    action = call(
        "create_action",
        201,
        initiative_id=iid,
        body=body("ActionIn")(
            {
                "group_id": group.id,
                "element": "knowledge",
                "what": "Hands-on training",
                "owner": "Ann",
                "starts_on": str(day),
                "due_on": str(day + timedelta(days=14)),
                "library_entry_id": entry.id,
            }
        ),
    )
    assert [a.id for a in call("list_actions", 200, initiative_id=iid, group_id=group.id).items] == [
        action.id
    ]
    call("get_action", 200, action_id=action.id)
    call("update_action", 200, action_id=action.id, body=body("ActionChanges")({"status": "in_progress"}))
    resistance = call(
        "create_resistance",
        201,
        initiative_id=iid,
        body=body("ResistanceIn")(
            {
                "group_id": group.id,
                "what": "Prefers the old tool",
                "reason": "fear_of_unknown",
                "people": 3,
                "logged_on": str(day),
            }
        ),
    )
    assert len(call("list_resistance", 200, initiative_id=iid, group_id=group.id).items) == 1
    call("get_resistance", 200, resistance_id=resistance.id)
    call(
        "update_resistance",
        200,
        resistance_id=resistance.id,
        body=body("ResistanceChanges")({"status": "addressed"}),
    )

    # change records, usage and the portfolio
    record = {
        "number": "CHG0031234",
        "type": "normal",
        "state": "scheduled",
        "risk": "low",
        "planned_start": "2026-12-20T22:00:00Z",
        "planned_end": "2026-12-21T02:00:00Z",
    }
    call("put_change_record", 200, milestone_id=milestone.id, body=body("ChangeRecordFields")(record))
    gate = call("deployment_gate", 200, change="CHG0031234")
    assert (gate.decision, gate.milestone.id, gate.retrospective_review_due) == ("fail", milestone.id, None)
    app.config["ITSM_SHARED_SECRET"] = "generated-client-secret"  # the inbound sync: a secret, not a token
    call.client = client.with_headers({"X-Adkar-Secret": "generated-client-secret"})
    change = {"sys_class_name": "change_request", "sys_id": "s1", "number": "CHG0031234", "state": "-1"}
    synced = call("servicenow_sync", 200, body=body("ServiceNowRecords")({"result": [change]}))
    assert [(r.number, r.status) for r in synced.results] == [("CHG0031234", "updated")]
    issue = {"id": "10042", "key": "CHG0031234", "fields": {"status": {"name": "Implementing"}}}
    call("jsm_sync", 200, body=body("JsmWebhook")({"webhookEvent": "jira:issue_updated", "issue": issue}))
    call.client = client
    app.config["ITSM_SHARED_SECRET"] = ""
    assert call("get_change_record", 200, milestone_id=milestone.id).number == "CHG0031234"
    rows = {"records": [{"milestone_id": milestone.id, **record, "state": "implement"}]}
    call("import_change_records", 201, initiative_id=iid, body=body("ChangeRecordImport")(rows))
    call("list_change_records", 200, initiative_id=iid)
    figures = {"figures": [{"group_id": group.id, "date": str(day), "active_users": 6}]}
    call("import_usage", 201, initiative_id=iid, body=body("UsageImport")(figures))
    call("set_target", 200, initiative_id=iid, body=body("TargetIn")({"target_utilisation": 0.5}))
    usage = call("get_usage", 200, initiative_id=iid)
    assert len(call("get_portfolio", 200, start=f"{day:%Y-%m}", months=2).months) == 2

    # governance: stage, sign-offs (the token's user is named, so it may decide)
    assert call("get_stage", 200, initiative_id=iid).stage == "defined"
    go_live = {
        "name": "Go-live",
        "kind": "go-live",
        "due": str(day + timedelta(days=60)),
        "target_element": "ability",
    }
    call("create_milestone", 201, initiative_id=iid, body=body("MilestoneIn")(go_live))
    named = {"stage": "decided", "role": "change_manager", "approver_id": owner.id}
    sign_off = call("name_sign_off", 201, initiative_id=iid, body=body("SignOffIn")(named))
    decision = body("DecisionIn")({"decision": "approved", "comment": "Scope agreed"})
    assert call("decide_sign_off", 200, sign_off_id=sign_off.id, body=decision).decision == "approved"
    moved = call("move_stage", 200, initiative_id=iid, body=body("StageMove")({"to": "detailed"}))
    assert (moved.stage, moved.next_stage) == ("detailed", "decided")
    why = "A small change: the sponsor decides alone."
    roles = body("RolesIn")({"stage": "closed", "roles": ["finance"], "justification": why})
    assert call("set_required_roles", 200, initiative_id=iid, body=roles).stage == "detailed"
    switch = {"stage": "decided", "key": "sign_offs_named", "enabled": False, "justification": why}
    switched = call("switch_criterion", 200, initiative_id=iid, body=body("CriterionSwitch")(switch))
    assert switched.stage == "detailed" and not any(c.customised for c in switched.criteria)

    # outcome KPIs and their measurements
    resolution = {
        "name": "Ticket resolution hours",
        "direction": "decrease",
        "baseline": 30,
        "target": 18,
        "due_on": str(day + timedelta(days=30)),
    }
    kpi = call("create_kpi", 201, initiative_id=iid, body=body("KpiIn")(resolution))
    assert [k.id for k in call("list_kpis", 200, initiative_id=iid).items] == [kpi.id]
    assert call("get_kpi", 200, kpi_id=kpi.id).status == "no_data"
    call("update_kpi", 200, kpi_id=kpi.id, body=body("KpiChanges")({"owner": "Desk lead"}))
    measured = body("MeasurementImport")({"measurements": [{"date": str(day), "value": 17.5}]})
    imported_kpi = call("import_kpi_measurements", 201, kpi_id=kpi.id, body=measured)
    assert (imported_kpi.created, imported_kpi.kpi.status) == (1, "met")
    assert len(call("list_measurements", 200, kpi_id=kpi.id).items) == 1

    # deletes, last
    call("delete_kpi", 204, kpi_id=kpi.id)
    call("delete_figure", 204, figure_id=usage.figures[0].id)
    call("delete_change_record", 204, milestone_id=milestone.id)
    call("delete_action", 204, action_id=action.id)
    call("delete_resistance", 204, resistance_id=resistance.id)
    call("delete_library_entry", 204, entry_id=entry.id)
    call("remove_member", 204, initiative_id=iid, user_id=colleague.id)
    call("delete_milestone", 204, milestone_id=milestone.id)
    call("delete_group", 204, group_id=group.id)
    call("delete_initiative", 204, initiative_id=iid)

    assert set(call.operations) - call.called == set(), "operations the generated client did not call"
    assert db.session.get(User, owner.id) is not None
