"""Declarations of importing responses collected elsewhere into a wave."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field

from ...elements import LIKERT_MAX, LIKERT_MIN
from ...surveys.responses import imports
from ..fields import Rows, Whole
from .base import Answer, Body

Score = Annotated[int, Field(ge=LIKERT_MIN, le=LIKERT_MAX)]
Comment = Annotated[str, Field(max_length=10_000)]


class ImportedResponse(Body):
    """One person's answers, by item id (GET /surveys lists each survey's items).

    Documents a row only: the answers are checked against the wave's survey once the list is read.
    """

    answers: Annotated[
        dict[str, Score | Comment],
        Field(
            description="ADKAR items: a whole number from 1 to 5 (all required); "
            "free-text items (the comment): text, optional."
        ),
    ]


class ResponseImport(Body):
    """Answer sets for one group of a wave."""

    group_id: Annotated[
        int,
        Whole(minimum=1),
        Field(description="The stakeholder group the responses belong to (one of the wave's)."),
    ]
    responses: Annotated[
        list[Any],
        Rows(row=ImportedResponse, noun="responses", max_rows=imports.MAX_ROWS, shape='{"answers": {...}}'),
        Field(description=f"The answer sets to store, at most {imports.MAX_ROWS:,}."),
    ]


class ImportResult(Answer):
    created: Annotated[int, Field(ge=1, description="Responses stored.")]
    held: Annotated[
        int,
        Field(
            ge=0,
            description="The group's imported answers still held: imports are published in batches of at least "
            "k of their own, so they never make a group visible on their own below k.",
        ),
    ]
