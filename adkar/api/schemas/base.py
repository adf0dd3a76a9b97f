"""The base models every API declaration derives from, and the generated shapes (lists, PATCH bodies)."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, create_model
from pydantic.fields import FieldInfo


class Body(BaseModel):
    """A request body: unknown fields refused; the field kinds (adkar.api.fields) convert each value."""

    model_config = ConfigDict(extra="forbid")


class Query(BaseModel):
    """The query parameters of a GET, each optional; others are ignored (the document lists these)."""

    model_config = ConfigDict(extra="ignore")


class Answer(BaseModel):
    """A JSON answer's shape, for the document (and the conformance checks of the tests)."""

    model_config = ConfigDict(extra="forbid")


def _no_default(schema: dict[str, Any]) -> None:
    schema.pop("default", None)


def absent() -> Any:
    """A field that is left out when it does not apply (never null): not required, no default documented."""
    return Field(default=None, json_schema_extra=_no_default)


def _changes_schema(schema: dict[str, Any]) -> None:
    """Absent means "unchanged" in a PATCH, not "the default"; at least one field must be sent."""
    schema.pop("required", None)
    for prop in schema.get("properties", {}).values():
        prop.pop("default", None)
    schema["minProperties"] = 1


class Changes(Body):
    """A PATCH body: any of a body's fields, at least one (see `changes_of`)."""

    model_config = ConfigDict(json_schema_extra=_changes_schema)


def changes_of(body: type[Body], name: str, *, leave_out: tuple[str, ...] = ()) -> type[Changes]:
    """The PATCH body of `body`: the same fields, each optional (`model_fields_set` says which were sent).

    The stand-in default None is never converted, so a null sent for a field is still refused by its kind.
    """
    fields: dict[str, Any] = {
        field_name: (info.rebuild_annotation(), FieldInfo.merge_field_infos(info, default=None))
        for field_name, info in body.model_fields.items()
        if field_name not in leave_out
    }
    model = create_model(name, __base__=Changes, __module__=body.__module__, **fields)
    model.__doc__ = f"Any of the fields of {body.__name__}; the others keep their stored values."
    return model


DEFAULT_PAGE = 100
MAX_PAGE = 500


class Page(Query):
    """Cursor pagination of a collection (adkar.api.pages)."""

    limit: Annotated[
        int,
        Field(ge=1, le=MAX_PAGE, description=f"Items per page, 1 to {MAX_PAGE} (default {DEFAULT_PAGE})."),
    ] = DEFAULT_PAGE
    cursor: Annotated[
        str | None,
        Field(
            max_length=200,
            description="Where the page starts: copy it from the previous answer's `next` link, never build it.",
        ),
    ] = None


def page_of(item: type[BaseModel], name: str | None = None) -> type[Answer]:
    """A page of a collection: {"items": [...], "next": URL of the next page, or null on the last one}."""
    model = create_model(
        name or f"{item.__name__}List",
        __base__=Answer,
        __module__=item.__module__,
        items=(list[item], ...),  # type: ignore[valid-type]
        next=(
            str | None,
            Field(description="The next page's URL (same filters and limit), or null on the last page."),
        ),
    )
    model.__doc__ = f"A page of {item.__name__}, in a stable order; follow `next` for the rest."
    return model


def list_of(item: type[BaseModel], name: str | None = None) -> type[Answer]:
    """The shape of every list answer: {"items": [...]}, an object so fields can be added later."""
    model = create_model(
        name or f"{item.__name__}List",
        __base__=Answer,
        __module__=item.__module__,
        items=(list[item], ...),  # type: ignore[valid-type]
    )
    model.__doc__ = f"A list of {item.__name__}."
    return model
