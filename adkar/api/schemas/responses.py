"""Declarations of importing responses collected elsewhere into a wave."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field

from ...elements import LIKERT_MAX, LIKERT_MIN
from ...surveys.responses import imports
from ..fields import OptionalId, Rows, Text, TextMap, Whole
from .base import Answer, Body
from .errors import Problem as ErrorProblem

Score = Annotated[int, Field(ge=LIKERT_MIN, le=LIKERT_MAX)]
Comment = Annotated[str, Field(max_length=10_000)]
MAX_FILE_BYTES = 5_000_000  # base64 makes it 6.7 MB: within the app's 8 MB request limit
MAX_FILE_BASE64 = (MAX_FILE_BYTES + 2) // 3 * 4


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


FILE_TARGET = "An item id of the wave's survey, `group` (the column names the group) or `ignore`."


class ResponseFile(Body):
    """A survey tool's export (CSV in any encoding and separator, or XLSX), and the mapping of its columns."""

    filename: Annotated[
        str,
        Text(max_length=200),
        Field(description="The file's name; `.xlsx` marks a workbook (a zip signature does too)."),
    ] = "responses.csv"
    content_base64: Annotated[
        str,
        Text(max_length=MAX_FILE_BASE64),
        Field(description=f"The file's bytes in base64, at most {MAX_FILE_BYTES / 1_000_000:g} MB decoded."),
    ]
    columns: Annotated[
        dict[str, str],
        TextMap(max_items=1000, key_max=2000, value_max=100),
        Field(
            description="Column name as the file writes it -> target. "
            + FILE_TARGET
            + " Columns left out keep "
            "the proposal; identity columns are always ignored."
        ),
    ] = Field(default_factory=dict)
    group_id: Annotated[
        int | None,
        OptionalId(),
        Field(description="The group of every row when no column names one."),
    ] = None
    reverse: Annotated[
        list[str],
        Field(
            description="Columns whose bare numbers run 5 (strongly disagree) to 1 (strongly agree).",
            max_length=1000,
        ),
    ] = Field(default_factory=list)
    source: Annotated[
        str,
        Text(max_length=100, blank=True),
        Field(
            description="Keep the confirmed columns under this source name (import only); a saved mapping "
            "of this name is proposed first."
        ),
    ] = ""


class FileColumn(Answer):
    letter: str
    name: Annotated[str, Field(description="As the file writes it; problems name columns this way.")]
    target: Annotated[str, Field(description=FILE_TARGET)]
    reason: str
    identity: Annotated[bool, Field(description="Identifies a person or the tool's record: never stored.")]


class FilePreview(Answer):
    read_as: Annotated[
        str, Field(description='How the file was read, e.g. "Read as UTF-16, semicolon-separated".')
    ]
    header_rows: int
    rows: int
    columns: list[FileColumn]
    counts: Annotated[dict[str, int], Field(description="Rows per group name.")]
    reversed_columns: list[str]
    problems: Annotated[
        list[ErrorProblem],
        Field(description="Every problem, by row (as a spreadsheet numbers it) and column (as written)."),
    ]
    ready: Annotated[bool, Field(description="True when the import would store every row.")]


class FileImportResult(Answer):
    created: Annotated[int, Field(ge=1, description="Responses stored.")]
    held: Annotated[int, Field(ge=0, description="Imported answers of these groups still held until k.")]
    counts: Annotated[dict[str, int], Field(description="Responses stored per group name.")]
