"""API endpoints of the inbound sync: ServiceNow and Jira Service Management post their change and incident records
here, authenticated by a shared secret (config ITSM_SHARED_SECRET), not by a user's token.

`X-Adkar-Secret: <secret>` (or, for Jira's own webhooks, `X-Hub-Signature: sha256=<HMAC of the body>`), compared
in constant time. Answers: 200 with what happened to each record, 401 for a missing or wrong secret (and while no
secret is configured: the sync is off), 422 with every problem when a payload cannot be mapped (nothing stored).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from typing import Any

import orjson
from flask import current_app, request

from ..changes import sync
from ..errors import error_response
from ..extensions import db
from ..validation import Problem
from . import bp
from .openapi import operation
from .schemas import change_records as schema

TAG = "inbound sync"
SECRET_HEADER = "X-Adkar-Secret"  # noqa: S105 - a header's name
MAX_RECORDS = 500


def _secret_problem() -> Any | None:
    """None when the request carries the shared secret; else the error to answer."""
    secret = str(current_app.config.get("ITSM_SHARED_SECRET") or "")
    if not secret:
        return error_response(
            401, "Inbound ITSM sync is off: no shared secret is configured (ADKAR_ITSM_SHARED_SECRET)."
        )
    sent = request.headers.get(SECRET_HEADER, "")
    if sent and hmac.compare_digest(sent.encode(), secret.encode()):
        return None
    signature = request.headers.get("X-Hub-Signature", "")
    if signature.startswith("sha256="):
        expected = hmac.new(secret.encode(), request.get_data(cache=True), hashlib.sha256).hexdigest()
        if hmac.compare_digest(signature.removeprefix("sha256=").encode(), expected.encode()):
            return None
    return error_response(
        401, f"Send the shared secret in {SECRET_HEADER} (or sign the body: X-Hub-Signature)."
    )


def _body() -> Any:
    try:
        return orjson.loads(request.get_data(cache=True))
    except orjson.JSONDecodeError:
        raise sync.SyncRefused([Problem("The body is not valid JSON.")]) from None


def _milestone_id() -> int | None:
    text = request.args.get("milestone", "")
    if not text:
        return None
    if not text.isdigit() or not 0 < int(text) < 2**31:
        raise sync.SyncRefused([Problem("milestone must be a milestone's id.", field="milestone")])
    return int(text)


def _answer(items: list[tuple[str, Mapping[str, Any]]], source: str) -> Any:
    outcomes = sync.store(items, source=source, milestone_id=_milestone_id())
    return {"results": [{"kind": o.kind, "number": o.number, "status": o.status} for o in outcomes]}, 200


def _refused(exc: sync.SyncRefused) -> Any:
    db.session.rollback()
    count = len(exc.problems)
    message = f"Nothing was stored: the payload has {count} problem{'s' if count != 1 else ''}."
    return error_response(422, message, problems=[p.as_dict() for p in exc.problems])


bp.register_error_handler(sync.SyncRefused, _refused)
SECRET_ERRORS = (401, 422)
AUTH_NOTE = (
    " Authenticated by the shared secret (`X-Adkar-Secret`, config ITSM_SHARED_SECRET), not by a token; 401 "
    "without it or while none is configured. 422: nothing stored, `problems` lists each (docs/itsm-sync.md)."
)


@bp.post("/integrations/servicenow")
@operation(
    summary="Inbound sync: ServiceNow Table API change_request and incident records",
    tag=TAG,
    body=schema.ServiceNowRecords,
    responses={200: schema.SyncResult},
    errors=SECRET_ERRORS,
    public=True,
    description="Idempotent on sys_id and sys_updated_on; an unknown change needs ?milestone=ID." + AUTH_NOTE,
)
def servicenow_sync() -> Any:
    """A Table API record, {"result": record} or {"result": [records]}; the table from each record's
    sys_class_name, else ?table=change_request|incident."""
    refused = _secret_problem()
    if refused is not None:
        return refused
    body = _body()
    records = body.get("result", body) if isinstance(body, dict) else body
    records = records if isinstance(records, list) else [records]
    if not records or len(records) > MAX_RECORDS or not all(isinstance(r, dict) for r in records):
        raise sync.SyncRefused([Problem(f"Send from 1 to {MAX_RECORDS} Table API records (JSON objects).")])
    items: list[tuple[str, Mapping[str, Any]]] = []
    problems: list[Problem] = []
    for index, record in enumerate(records):
        table = str(record.get("sys_class_name") or request.args.get("table") or "")
        try:
            if table == "change_request":
                items.append(("change", sync.read_servicenow_change(record)))
            elif table == "incident":
                items.append(("incident", sync.read_servicenow_incident(record)))
            else:
                problems.append(
                    Problem("Unknown table: send change_request or incident records.", field="sys_class_name")
                )
        except sync.SyncRefused as exc:
            problems += exc.problems
        for problem in problems:
            problem.row = index if problem.row is None else problem.row
    if problems:
        raise sync.SyncRefused(problems)
    return _answer(items, "servicenow")


@bp.post("/integrations/jsm")
@operation(
    summary="Inbound sync: a Jira Service Management issue webhook of a change",
    tag=TAG,
    body=schema.JsmWebhook,
    responses={200: schema.SyncResult},
    errors=SECRET_ERRORS,
    public=True,
    description="Idempotent on issue.id and fields.updated; an unknown change needs ?milestone=ID."
    + AUTH_NOTE,
)
def jsm_sync() -> Any:
    """A Jira Service Management issue webhook (jira:issue_created / jira:issue_updated) of a change."""
    refused = _secret_problem()
    if refused is not None:
        return refused
    body = _body()
    if not isinstance(body, dict):
        raise sync.SyncRefused([Problem("The body must be a Jira webhook's JSON object.")])
    return _answer([("change", sync.read_jsm_change(body))], "jsm")
