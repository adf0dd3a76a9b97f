"""The OpenAPI document: it lists exactly the API's routes and methods, and it is well formed."""

from __future__ import annotations

import re

import jsonschema_rs
import pytest
from flask import Blueprint, Flask

from adkar.api.openapi import build, operation, schemas
from adkar.api.schemas.base import Answer

HTTP_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}


def _routes(app) -> set[tuple[str, str]]:
    routes = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/"):
            path = re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule.rule)
            routes |= {(path, m.lower()) for m in rule.methods - {"HEAD", "OPTIONS"}}
    return routes


@pytest.fixture
def document(client) -> dict:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    return response.get_json()


def test_every_api_route_is_documented_and_nothing_else(app, document):
    documented = {(path, method) for path, ops in document["paths"].items() for method in ops}
    routes = _routes(app)
    assert routes - documented == set(), "routes without @operation"
    assert documented - routes == set(), "documented operations without a route"
    assert ("/api/v1/initiatives/{initiative_id}/milestones", "post") in documented


def test_only_api_blueprint_routes_are_under_the_prefix(app):
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/"):
            assert rule.endpoint.startswith("api."), rule.rule


def test_the_document_is_well_formed_openapi_3_1(document):
    assert document["openapi"].startswith("3.1.")
    assert document["info"]["title"] and document["info"]["version"]
    assert document["security"] == [{"bearerAuth": []}]
    assert document["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "description": document["components"]["securitySchemes"]["bearerAuth"]["description"],
    }
    operation_ids = []
    for path, operations in document["paths"].items():
        assert path.startswith("/api/v1/")
        for method, op in operations.items():
            assert method in HTTP_METHODS
            operation_ids.append(op["operationId"])
            assert op["summary"] and op["tags"]
            statuses = set(op["responses"])
            assert any(s.startswith("2") for s in statuses), (path, method)
            assert "429" in statuses
            if op.get("security") != []:
                assert "401" in statuses, (path, method)
            if "requestBody" in op:
                assert {"400", "415"} <= statuses, (path, method)
                body = _resolve(document, op["requestBody"]["content"]["application/json"]["schema"])
                assert body["type"] == "object" and body["additionalProperties"] is False
            for name in re.findall(r"\{(\w+)\}", path):
                params = {p["name"]: p for p in op["parameters"] if p["in"] == "path"}
                assert params[name]["required"] is True
                assert "404" in statuses
            if method in {"post", "patch", "put", "delete"} and op.get("security") != []:
                assert "403" in statuses, (path, method)
    assert len(operation_ids) == len(set(operation_ids)), "operationIds must be unique"


def _resolve(document: dict, schema: dict) -> dict:
    """The component a schema refers to (bodies and answers are named models), or the schema itself."""
    if "$ref" not in schema:
        return schema
    return document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]


def _refs(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from _refs(item)


def test_every_reference_resolves(document):
    refs = set(_refs(document))
    assert "#/components/schemas/Error" in refs
    for ref in refs:
        node = document
        for part in ref.removeprefix("#/").split("/"):
            assert part in node, f"dangling {ref}"
            node = node[part]


def test_every_schema_is_valid_json_schema(document):
    schemas = list(document["components"]["schemas"].values())
    for operations in document["paths"].values():
        for op in operations.values():
            if "requestBody" in op:
                schemas.append(op["requestBody"]["content"]["application/json"]["schema"])
            for response in op["responses"].values():
                schemas += [c["schema"] for c in response.get("content", {}).values()]
    for schema in schemas:
        assert jsonschema_rs.meta.is_valid(schema), schema


def test_error_responses_share_one_schema(document):
    error = document["components"]["schemas"]["Error"]
    assert error["required"] == ["error"]
    assert set(_resolve(document, error["properties"]["error"])["required"]) == {"status", "message"}
    for name, response in document["components"]["responses"].items():
        assert response["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}, (
            name
        )
    assert "WWW-Authenticate" in document["components"]["responses"]["Unauthorized"]["headers"]


def test_request_schemas_follow_the_field_declarations(document):
    create = document["paths"]["/api/v1/initiatives/{initiative_id}/milestones"]["post"]
    body = _resolve(document, create["requestBody"]["content"]["application/json"]["schema"])
    assert body["required"] == ["name", "kind", "due", "target_element"]
    assert body["properties"]["threshold"] == {
        "type": "number",
        "exclusiveMinimum": 0,
        "maximum": 1,
        "description": body["properties"]["threshold"]["description"],
        "default": 0.8,
    }
    patch = document["paths"]["/api/v1/milestones/{milestone_id}"]["patch"]
    partial = _resolve(document, patch["requestBody"]["content"]["application/json"]["schema"])
    assert "required" not in partial and partial["minProperties"] == 1


class Thing(Answer):
    """A toy answer."""

    id: int


def _toy_app() -> Flask:
    """An app with its own 'api' blueprint: one documented route, one forgotten."""
    app = Flask(__name__)
    toy = Blueprint("api", __name__)

    @toy.get("/things/<int:thing_id>")
    @operation(summary="A thing", tag="toy", responses={200: Thing})
    def thing(thing_id: int):
        return {}

    @toy.post("/things")
    def forgotten():
        return {}

    app.register_blueprint(toy, url_prefix="/api/v1")
    return app


def test_build_reads_paths_and_parameters_from_the_routes():
    document = build(_toy_app())
    assert list(document["paths"]) == ["/api/v1/things/{thing_id}"]
    op = document["paths"]["/api/v1/things/{thing_id}"]["get"]
    assert op["operationId"] == "thing"
    assert op["parameters"] == [
        {"name": "thing_id", "in": "path", "required": True, "schema": {"type": "integer", "minimum": 0}}
    ]
    assert set(op["responses"]) == {"200", "401", "404", "429"}


def test_a_route_without_operation_is_caught_by_the_drift_check():
    app = _toy_app()
    documented = {(p, m) for p, ops in build(app)["paths"].items() for m in ops}
    assert _routes(app) - documented == {("/api/v1/things", "post")}


def test_two_models_of_one_name_are_refused():
    class Other(Answer):
        name: str

    Other.__name__ = "Thing"
    assert set(schemas([Thing])) == {"Thing"}
    with pytest.raises(ValueError, match="Thing"):
        schemas([Thing, Other])


def test_query_parameters_come_from_their_models(document):
    actions = document["paths"]["/api/v1/initiatives/{initiative_id}/actions"]["get"]
    query = [p for p in actions["parameters"] if p["in"] == "query"]
    assert query == [
        {
            "name": "group_id",
            "in": "query",
            "required": False,
            "schema": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1},
            "description": query[0]["description"],
        }
    ]
    library = document["paths"]["/api/v1/action-library"]["get"]
    assert [p["name"] for p in library["parameters"]] == ["element"]
    assert "404" not in library["responses"]  # query parameters are not path parameters
