"""SCIM 2.0 endpoints under /scim/v2 (RFC 7644): bearer token only, no cookies, no CSRF, SCIM errors.

scim2-models validates every body against the SCIM schemas, applies PATCH operations and evaluates
filters, so what a directory sends is read as the RFCs say.
"""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, Response, request
from pydantic import ValidationError
from scim2_models import (
    Context,
    EnterpriseUser,
    Error,
    Group,
    InvalidFilterException,
    InvalidSyntaxException,
    ListResponse,
    Meta,
    NotImplementedException,
    PatchOp,
    ResourceType,
    SCIMException,
    ScimFilter,
    SearchRequest,
    ServiceProviderConfig,
)
from sqlalchemy import select
from werkzeug.exceptions import HTTPException

from ..extensions import csrf, db
from . import scim
from .models import DirectoryGroup
from .scim import ScimUser as User

bp = Blueprint("scim", __name__)
csrf.exempt(bp)

MEDIA_TYPE = "application/scim+json"
MAX_RESULTS = 200

CONFIG = ServiceProviderConfig.model_validate(
    {
        "documentationUri": "https://github.com/adkar/adkar/blob/main/docs/identity.md",
        "patch": {"supported": True},
        "bulk": {"supported": False, "maxOperations": 0, "maxPayloadSize": 0},
        "filter": {"supported": True, "maxResults": MAX_RESULTS},
        "changePassword": {"supported": False},
        "sort": {"supported": False},
        "etag": {"supported": False},
        "authenticationSchemes": [
            {
                "type": "oauthbearertoken",
                "name": "Bearer token",
                "description": "A SCIM token made with `flask scim-token`.",
                "primary": True,
            }
        ],
    }
)


def _base_url() -> str:
    return request.url_root.rstrip("/") + "/scim/v2"


def scim_response(body: Any, status: int = 200, headers: dict | None = None) -> Response:
    return Response(json.dumps(body), status=status, mimetype=MEDIA_TYPE, headers=headers)


def error_response(status: int, detail: str, scim_type: str | None = None) -> Response:
    error = Error(status=status, detail=detail, scim_type=scim_type)
    return scim_response(error.model_dump(), status)


@bp.errorhandler(SCIMException)
def _scim_error(exc: SCIMException):
    error = exc.to_error()
    return scim_response(error.model_dump(), error.status or 400)


@bp.errorhandler(ValidationError)
def _invalid(exc: ValidationError):
    detail = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'body'}: {e['msg']}" for e in exc.errors()[:5])
    return error_response(400, detail or "The body breaks the SCIM schema.", "invalidValue")


@bp.errorhandler(HTTPException)
def _http(exc: HTTPException):
    return error_response(exc.code or 500, exc.description or "Error")


@bp.before_request
def _authenticate():
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        response = error_response(401, "Send the SCIM token: Authorization: Bearer TOKEN.")
    elif not scim.token_valid(token.strip()):
        response = error_response(401, "The SCIM token is not valid: unknown or revoked.")
    else:
        return None
    response.headers["WWW-Authenticate"] = 'Bearer realm="adkar-scim"'
    return response


def _body() -> dict:
    data = request.get_json(force=True, silent=True)
    if not isinstance(data, dict):
        raise InvalidSyntaxException(detail="The body must be a JSON object.")
    return data


def _dump(resource, context: Context, status: int = 200) -> Response:
    body = resource.model_dump(scim_ctx=context, response_parameters=_response_parameters())
    headers = {"Location": resource.meta.location} if status == 201 and resource.meta else None
    return scim_response(body, status, headers)


def _searching() -> bool:
    return request.method == "POST" and request.path.endswith("/.search")


def _response_parameters() -> SearchRequest:
    """attributes, excludedAttributes, filter, startIndex and count: from the query string, or from the
    SearchRequest body of POST .search (RFC 7644 §3.4.3)."""
    if _searching():
        return SearchRequest.model_validate(_body(), scim_ctx=Context.SEARCH_REQUEST)
    return SearchRequest.model_validate(
        {"attributes": _list_param("attributes"), "excludedAttributes": _list_param("excludedAttributes")}
    )


def _list_param(name: str) -> list[str] | None:
    value = request.args.get(name)
    return [part.strip() for part in value.split(",") if part.strip()] if value else None


def _int_param(name: str, default: int) -> int:
    value = request.args.get(name)
    if value is None:
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise InvalidValueError(name) from exc


class InvalidValueError(SCIMException):
    status = 400
    scim_type = "invalidValue"

    def __init__(self, name: str):
        super().__init__(detail=f"{name} must be a whole number.")


def _list(resources: list, model) -> Response:
    """Filter (any RFC 7644 filter, evaluated by scim2-models), then paginate: startIndex is 1-based."""
    parameters = _response_parameters()
    if _searching():
        expression = str(parameters.filter) if parameters.filter else None
        start, count = parameters.start_index or 1, parameters.count
    else:
        expression = request.args.get("filter")
        start, count = _int_param("startIndex", 1), _int_param("count", MAX_RESULTS)
    if expression:
        try:
            matcher = ScimFilter[model](expression)
        except (ValueError, SCIMException) as exc:
            raise InvalidFilterException(detail=f"The filter cannot be read: {exc}") from exc
        resources = [r for r in resources if matcher.match(r)]
    start = max(start, 1)
    count = min(max(MAX_RESULTS if count is None else count, 0), MAX_RESULTS)
    page = resources[start - 1 : start - 1 + count]
    listing = ListResponse[model](
        total_results=len(resources), start_index=start, items_per_page=len(page), resources=page
    )
    return scim_response(listing.model_dump(scim_ctx=Context.SEARCH_RESPONSE, response_parameters=parameters))


# Discovery --------------------------------------------------------------------------------------------


def _resource_types() -> list[ResourceType]:
    types = [ResourceType.from_resource(User), ResourceType.from_resource(Group)]
    for kind in types:
        kind.meta = Meta(resource_type="ResourceType", location=f"{_base_url()}/ResourceTypes/{kind.id}")
    return types


def _schemas():
    schemas = [User.to_schema(), EnterpriseUser.to_schema(), Group.to_schema()]
    for schema in schemas:
        schema.meta = Meta(resource_type="Schema", location=f"{_base_url()}/Schemas/{schema.id}")
    return schemas


@bp.get("/ServiceProviderConfig")
def service_provider_config():
    config = CONFIG.model_copy(deep=True)
    config.meta = {
        "resourceType": "ServiceProviderConfig",
        "location": f"{_base_url()}/ServiceProviderConfig",
    }
    return scim_response(config.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE))


@bp.get("/ResourceTypes")
def resource_types():
    return _list_plain(_resource_types(), ResourceType)


@bp.get("/ResourceTypes/<name>")
def resource_type(name: str):
    for kind in _resource_types():
        if kind.id == name:
            return scim_response(kind.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE))
    return error_response(404, f"There is no resource type {name}.")


@bp.get("/Schemas")
def schemas():
    return _list_plain(_schemas(), type(_schemas()[0]))


@bp.get("/Schemas/<path:schema_id>")
def schema(schema_id: str):
    for one in _schemas():
        if one.id == schema_id:
            return scim_response(one.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE))
    return error_response(404, f"There is no schema {schema_id}.")


def _list_plain(items: list, model) -> Response:
    listing = ListResponse[model](
        total_results=len(items), start_index=1, items_per_page=len(items), resources=items
    )
    return scim_response(listing.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE))


@bp.post("/.search")
def search_everything():
    raise NotImplementedException(detail="Search one endpoint at a time: /Users/.search or /Groups/.search.")


# Users ------------------------------------------------------------------------------------------------


@bp.get("/Users")
@bp.post("/Users/.search")
def list_users():
    base = _base_url()
    users = [scim.user_resource(u, base) for u in db.session.scalars(scim.provisioned_users())]
    return _list(users, User)


@bp.post("/Users")
def create_user():
    resource = User.model_validate(_body(), scim_ctx=Context.RESOURCE_CREATION_REQUEST)
    user = scim.create_user(resource)
    return _dump(scim.user_resource(user, _base_url()), Context.RESOURCE_CREATION_RESPONSE, 201)


@bp.get("/Users/<user_id>")
def get_user(user_id: str):
    user = scim.get_user(user_id)
    return _dump(scim.user_resource(user, _base_url()), Context.RESOURCE_QUERY_RESPONSE)


@bp.put("/Users/<user_id>")
def replace_user(user_id: str):
    user = scim.get_user(user_id)
    resource: User = User.model_validate(_body(), scim_ctx=Context.RESOURCE_REPLACEMENT_REQUEST)
    scim.replace_user(user, resource)
    return _dump(scim.user_resource(user, _base_url()), Context.RESOURCE_REPLACEMENT_RESPONSE)


@bp.patch("/Users/<user_id>")
def patch_user(user_id: str):
    user = scim.get_user(user_id)
    resource = scim.user_resource(user, _base_url())
    patch = PatchOp[User].model_validate(_body(), scim_ctx=Context.RESOURCE_PATCH_REQUEST)
    if patch.patch(resource):
        scim.replace_user(user, resource)
    return _dump(scim.user_resource(user, _base_url()), Context.RESOURCE_PATCH_RESPONSE)


@bp.delete("/Users/<user_id>")
def delete_user(user_id: str):
    scim.delete_user(scim.get_user(user_id))
    return Response(status=204)


# Groups -----------------------------------------------------------------------------------------------


@bp.get("/Groups")
@bp.post("/Groups/.search")
def list_groups():
    base = _base_url()
    groups = db.session.scalars(select(DirectoryGroup).order_by(DirectoryGroup.id)).all()
    return _list([scim.group_resource(g, base) for g in groups], Group)


@bp.post("/Groups")
def create_group():
    resource = Group.model_validate(_body(), scim_ctx=Context.RESOURCE_CREATION_REQUEST)
    group = scim.create_group(resource)
    return _dump(scim.group_resource(group, _base_url()), Context.RESOURCE_CREATION_RESPONSE, 201)


@bp.get("/Groups/<group_id>")
def get_group(group_id: str):
    group = scim.get_group(group_id)
    return _dump(scim.group_resource(group, _base_url()), Context.RESOURCE_QUERY_RESPONSE)


@bp.put("/Groups/<group_id>")
def replace_group(group_id: str):
    group = scim.get_group(group_id)
    resource: Group = Group.model_validate(_body(), scim_ctx=Context.RESOURCE_REPLACEMENT_REQUEST)
    scim.replace_group(group, resource)
    return _dump(scim.group_resource(group, _base_url()), Context.RESOURCE_REPLACEMENT_RESPONSE)


@bp.patch("/Groups/<group_id>")
def patch_group(group_id: str):
    group = scim.get_group(group_id)
    resource = scim.group_resource(group, _base_url())
    patch = PatchOp[Group].model_validate(_body(), scim_ctx=Context.RESOURCE_PATCH_REQUEST)
    if patch.patch(resource):
        scim.replace_group(group, resource)
    return _dump(scim.group_resource(group, _base_url()), Context.RESOURCE_PATCH_RESPONSE)


@bp.delete("/Groups/<group_id>")
def delete_group(group_id: str):
    scim.delete_group(scim.get_group(group_id))
    return Response(status=204)
