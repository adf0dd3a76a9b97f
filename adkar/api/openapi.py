"""The OpenAPI 3.1 document of /api/v1, assembled from the routes themselves so it cannot drift.

Each view carries its operation (`@operation(...)`, below its route decorator); paths, methods and path
parameters come from app.url_map. Named schemas are registered once with `component(name, schema)`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from http import HTTPStatus
from typing import Any, TypeVar

from flask import Flask, current_app
from werkzeug.routing import Rule

from . import bp
from .http import json_response
from .payload import MAX_ID

F = TypeVar("F", bound=Callable[..., Any])

OPENAPI_VERSION = "3.1.0"
SECURITY_SCHEME = "bearerAuth"
_ATTRIBUTE = "__openapi__"
_ALL_METHODS = "*"
_WRITES = {"POST", "PUT", "PATCH", "DELETE"}
_RULE_ARGUMENT = re.compile(r"<(?:(?P<converter>\w+)(?:\([^)]*\))?:)?(?P<name>\w+)>")

PROBLEM_SCHEMA = {
    "type": "object",
    "description": "One thing wrong with the request: a body field, or a row and column of an upload.",
    "properties": {
        "message": {"type": "string"},
        "field": {"type": "string"},
        "row": {"type": "integer"},
        "column": {"type": "string"},
    },
    "required": ["message"],
}
ERROR_SCHEMA = {
    "type": "object",
    "description": "Every 4xx and 5xx answer of the API has this shape; nothing was stored.",
    "properties": {
        "error": {
            "type": "object",
            "properties": {
                "status": {"type": "integer"},
                "message": {"type": "string"},
                "problems": {"type": "array", "items": {"$ref": "#/components/schemas/Problem"}},
            },
            "required": ["status", "message"],
        }
    },
    "required": ["error"],
}

_SCHEMAS: dict[str, dict] = {"Problem": PROBLEM_SCHEMA, "Error": ERROR_SCHEMA}

ERROR_RESPONSES: dict[int, tuple[str, str]] = {
    400: ("BadRequest", "The body or a value is not acceptable; `problems` lists each, with its field."),
    401: ("Unauthorized", "No API token, or one that is unknown, revoked or belongs to a disabled user."),
    403: ("Forbidden", "The token's user may read this but not change it (sponsors read only)."),
    404: ("NotFound", "Nothing with this id is visible to the token's user."),
    409: ("Conflict", "Another change got there first; nothing was stored. Read again and retry."),
    413: ("PayloadTooLarge", "The body is larger than the server accepts."),
    415: ("UnsupportedMediaType", "The body was not sent as application/json."),
    429: ("TooManyRequests", "Rate limit reached; wait for the time in Retry-After."),
}


def ref(name: str) -> dict:
    """A reference to a registered component schema."""
    return {"$ref": f"#/components/schemas/{name}"}


def component(name: str, schema: dict) -> dict:
    """Register a named schema (once; the same name with another schema is a bug) and return its $ref."""
    known = _SCHEMAS.get(name)
    if known is not None and known != schema:
        raise ValueError(f"OpenAPI schema {name!r} is registered twice with different content")
    _SCHEMAS[name] = schema
    return ref(name)


def list_of(item: dict) -> dict:
    """The shape of every list answer: {"items": [...]}, an object so fields can be added later."""
    return {
        "type": "object",
        "properties": {"items": {"type": "array", "items": item}},
        "required": ["items"],
        "additionalProperties": False,
    }


def operation(
    *,
    summary: str,
    tag: str,
    responses: dict[int, dict | None],
    body: dict | None = None,
    errors: Iterable[int] = (),
    description: str = "",
    public: bool = False,
    method: str = _ALL_METHODS,
) -> Callable[[F], F]:
    """Document the view below a route decorator.

    `responses` maps a success status to its JSON schema (None: no body); `errors` adds statuses beyond the
    ones implied (401 unless `public`; 400/413/415 with a `body`; 404 with path parameters; 409 on writes;
    429 always). `method` is needed only when one view serves several methods.
    """

    def decorate(view: F) -> F:
        specs = getattr(view, _ATTRIBUTE, None)
        if specs is None:
            specs = {}
            setattr(view, _ATTRIBUTE, specs)
        specs[method.upper()] = {
            "summary": summary,
            "tag": tag,
            "responses": responses,
            "body": body,
            "errors": set(errors),
            "description": description,
            "public": public,
        }
        return view

    return decorate


def build(app: Flask) -> dict:
    """The whole document for this app's API routes (those without @operation are left out)."""
    paths: dict[str, dict] = {}
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if not rule.endpoint.startswith(f"{bp.name}."):
            continue
        specs = getattr(app.view_functions[rule.endpoint], _ATTRIBUTE, {})
        path, parameters = _path(rule)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            spec = specs.get(method) or specs.get(_ALL_METHODS)
            if spec is not None:
                entry = _operation(rule.endpoint, method, spec, parameters)
                paths.setdefault(path, {})[method.lower()] = entry
    return {
        "openapi": OPENAPI_VERSION,
        "info": {
            "title": "adkar API",
            "version": "1",
            "summary": "Change plans, pulse surveys and ADKAR readiness for technology rollouts.",
            "description": (
                "Send `Authorization: Bearer TOKEN` with every request (tokens are issued on the account page "
                "or with `flask --app adkar create-api-token EMAIL`). Bodies and answers are JSON; dates are "
                "YYYY-MM-DD, times UTC ISO 8601, shares fractions in [0, 1]. Errors have one shape: "
                '{"error": {"status", "message", "problems"?}}.'
            ),
        },
        "paths": paths,
        "components": {
            "schemas": dict(sorted(_SCHEMAS.items())),
            "responses": {
                name: {"description": text, "content": {"application/json": {"schema": ref("Error")}}}
                for name, text in ERROR_RESPONSES.values()
            }
            | {"Unauthorized": _unauthorized()},
            "securitySchemes": {
                SECURITY_SCHEME: {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "An API token of a user; sponsors' tokens read only.",
                }
            },
        },
        "security": [{SECURITY_SCHEME: []}],
    }


def document() -> dict:
    """The document of the current app, built once and kept."""
    cache = current_app.extensions.setdefault("adkar_openapi", {})
    if "document" not in cache:
        cache["document"] = build(current_app)
    return cache["document"]


def _path(rule: Rule) -> tuple[str, list[dict]]:
    parameters = []
    for match in _RULE_ARGUMENT.finditer(rule.rule):
        converter = match["converter"] or "default"
        if converter == "id":
            schema = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
        elif converter == "int":
            schema = {"type": "integer", "minimum": 0}
        else:
            schema = {"type": "string"}
        parameters.append({"name": match["name"], "in": "path", "required": True, "schema": schema})
    return _RULE_ARGUMENT.sub(lambda m: "{" + m["name"] + "}", rule.rule), parameters


def _operation(endpoint: str, method: str, spec: dict, parameters: list[dict]) -> dict:
    entry: dict = {
        "operationId": endpoint.partition(".")[2],
        "summary": spec["summary"],
        "tags": [spec["tag"]],
    }
    if spec["description"]:
        entry["description"] = spec["description"]
    if parameters:
        entry["parameters"] = parameters
    if spec["body"] is not None:
        entry["requestBody"] = {"required": True, "content": {"application/json": {"schema": spec["body"]}}}
    if spec["public"]:
        entry["security"] = []
    entry["responses"] = {
        str(status): _success(status, schema) for status, schema in spec["responses"].items()
    }
    for status in sorted(_error_statuses(method, spec, bool(parameters))):
        entry["responses"][str(status)] = {"$ref": f"#/components/responses/{ERROR_RESPONSES[status][0]}"}
    return entry


def _error_statuses(method: str, spec: dict, has_parameters: bool) -> set[int]:
    statuses = set(spec["errors"]) | {429}
    if not spec["public"]:
        statuses.add(401)
    if spec["body"] is not None:
        statuses |= {400, 413, 415}
    if has_parameters:
        statuses.add(404)
    if method in _WRITES and not spec["public"]:
        statuses.add(409)
    return statuses


def _success(status: int, schema: dict | None) -> dict:
    response: dict = {"description": HTTPStatus(status).phrase}
    if schema is not None:
        response["content"] = {"application/json": {"schema": schema}}
    if status == HTTPStatus.CREATED:
        response["headers"] = {
            "Location": {"description": "Where the new record can be read.", "schema": {"type": "string"}}
        }
    return response


def _unauthorized() -> dict:
    return {
        "description": ERROR_RESPONSES[401][1],
        "headers": {
            "WWW-Authenticate": {"description": 'Bearer realm="adkar"', "schema": {"type": "string"}}
        },
        "content": {"application/json": {"schema": ref("Error")}},
    }


@bp.get("/openapi.json")
@operation(
    summary="This OpenAPI document",
    tag="meta",
    public=True,
    responses={200: {"type": "object", "description": "An OpenAPI 3.1 document."}},
)
def openapi():
    return json_response(document())
