"""The answer of the document's own operation."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict


class OpenApiDocument(BaseModel):
    """An OpenAPI 3.1 document (this one)."""

    model_config = ConfigDict(extra="allow")

    openapi: str
    info: dict[str, Any]
    paths: dict[str, Any]
    components: dict[str, Any]
    security: list[dict[str, list[str]]]
