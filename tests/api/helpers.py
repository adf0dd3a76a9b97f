"""API test helpers: a client that sends bearer tokens and checks every answer against the OpenAPI
document, row counts, and problem fields."""

from __future__ import annotations

import re
from dataclasses import dataclass

import jsonschema_rs
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy import func, select

from adkar.api.openapi import build
from adkar.extensions import db

PREFIX = "/api/v1"
FUZZ_EXAMPLES = 15


def documented_response(document: dict, path: str, method: str, status: int) -> dict | None:
    """The documented response for a concrete request, None when no operation matches the path and method.

    Fails when the operation exists but does not document this status.
    """
    for template, operations in document["paths"].items():
        pattern = "^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template)) + "$"
        if re.match(pattern, path) and method.lower() in operations:
            responses = operations[method.lower()]["responses"]
            assert str(status) in responses, f"{method} {template} answered {status}, not documented"
            response = responses[str(status)]
            if "$ref" in response:
                response = document["components"]["responses"][response["$ref"].rsplit("/", 1)[1]]
            return response
    return None


def check_conformance(document: dict, path: str, method: str, response) -> None:
    """The answer has a documented status, and its body (or its absence) matches the documented schema."""
    documented = documented_response(document, path, method, response.status_code)
    if documented is None:
        return
    content = documented.get("content")
    if content is None:
        assert response.data == b"", f"{method} {path}: expected no body"
        return
    assert response.mimetype == "application/json"
    schema = {**content["application/json"]["schema"], "components": document["components"]}
    validator = jsonschema_rs.validator_for(schema, validate_formats=True)
    errors = [str(e) for e in validator.iter_errors(response.get_json())]
    assert not errors, f"{method} {path} -> {response.status_code} breaks its schema: {errors}"


class ApiClient:
    """Calls /api/v1 paths with `Authorization: Bearer TOKEN` (none when token is None); checks every answer."""

    def __init__(self, client) -> None:
        self.client = client
        self.document = build(client.application)

    def call(self, method: str, path: str, token: str | None, **kwargs):
        headers = dict(kwargs.pop("headers", {}))
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        response = self.client.open(PREFIX + path, method=method, headers=headers, **kwargs)
        check_conformance(self.document, PREFIX + path.partition("?")[0], method, response)
        return response

    def get(self, path: str, token: str | None, **kwargs):
        return self.call("GET", path, token, **kwargs)

    def post(self, path: str, token: str | None, **kwargs):
        return self.call("POST", path, token, **kwargs)

    def patch(self, path: str, token: str | None, **kwargs):
        return self.call("PATCH", path, token, **kwargs)

    def put(self, path: str, token: str | None, **kwargs):
        return self.call("PUT", path, token, **kwargs)

    def delete(self, path: str, token: str | None, **kwargs):
        return self.call("DELETE", path, token, **kwargs)


def count(model) -> int:
    """Rows of a model as the database holds them now (ends the test session's read transaction first)."""
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(model))


def fresh(model, record_id: int):
    """A record as the database holds it now."""
    db.session.rollback()
    return db.session.get(model, record_id)


def problem_fields(response) -> set[str]:
    """The fields named by a 400 answer's problems."""
    assert response.status_code == 400, response.get_json()
    return {p.get("field") for p in response.get_json()["error"]["problems"]}


@dataclass
class Person:
    id: int
    email: str
    token: str


def make_person(factory, role: str) -> Person:
    user = factory.user(role)
    return Person(id=user.id, email=user.email, token=factory.token(user))


def fuzz(app, *, token: str, tags: set[str], known: dict[str, int], mode) -> dict:
    """Run schemathesis over the operations with these tags; returns the statuses seen per (METHOD, path).

    Path parameters named in `known` are fixed to those records so the calls reach the services; deletes run
    last so the records survive the other operations. Checks: no 5xx, documented status, content type and
    body schema.
    """
    checks = [
        not_a_server_error,
        status_code_conformance,
        content_type_conformance,
        response_schema_conformance,
    ]
    headers = {"Authorization": f"Bearer {token}"}
    schema = schemathesis.openapi.from_wsgi(PREFIX + "/openapi.json", app)
    operations = [op for op in (r.ok() for r in schema.get_all_operations()) if tags & set(op.tags or ())]
    operations.sort(key=lambda op: (op.method.upper() == "DELETE", op.path.count("/") * -1, op.path))
    statuses: dict[tuple[str, str], list[int]] = {}
    for operation in operations:
        names = {p.name for p in operation.path_parameters}
        fixed = {k: v for k, v in known.items() if k in names}
        seen = statuses.setdefault((operation.method.upper(), operation.path), [])
        strategy = operation.as_strategy(generation_mode=mode, path_parameters=fixed)
        given(case=strategy)(_recorder(seen, headers, checks))()
    return statuses


def _recorder(seen: list[int], headers: dict, checks: list):
    @settings(
        max_examples=FUZZ_EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    def run(case) -> None:
        seen.append(case.call_and_validate(headers=headers, checks=checks).status_code)

    return run
