"""Roster files: a CSV or XLSX upload read into replace_roster rows, and the roster written back out.

Columns are found by header name (case-insensitive): `email` is required, `name` and `language` optional,
and every other column becomes an attribute of each person (its header, lower-cased, is the attribute's
name; an empty cell gives that person no such attribute). Row numbers count from the first row under the
header, in both formats.
"""

from __future__ import annotations

from typing import IO, Any

from ... import csvio
from ...spreadsheet import is_xlsx, read_xlsx
from ...validation import ValidationFailed
from .models import LANGUAGES
from .services import MAX_ATTRIBUTES, MAX_PARTICIPANTS, attribute_keys, participants_of

MAX_BYTES = 2_000_000
COLUMNS = (
    ("email", True, "The person's e-mail address; each address once (upper or lower case are the same)."),
    ("name", False, "How the invitation greets them (up to 200 characters)."),
    (
        "language",
        False,
        f"The language of their invitation and survey: {', '.join(LANGUAGES)} (or its name, e.g. French); "
        "blank means en.",
    ),
    (
        "any other column",
        False,
        f"Kept as an attribute of the person, such as department or location (up to {MAX_ATTRIBUTES}).",
    ),
)
EXAMPLE_HEADER = ("email", "name", "language", "department", "location")
EXAMPLE_ROWS = (
    ("ana.garcia@example.com", "Ana García", "en", "Service desk", "Madrid"),
    ("luc.martin@example.com", "Luc Martin", "fr", "Service desk", "Lyon"),
    ("jonas.weber@example.com", "Jonas Weber", "de", "Field service", "Köln"),
)


def read_roster(source: bytes | IO[bytes], filename: str = "") -> list[dict[str, Any]]:
    """The people of an uploaded CSV or XLSX file as replace_roster rows; ValidationFailed for a file that
    cannot be read (its format, size, header or a row's shape)."""
    data = source if isinstance(source, bytes) else source.read(MAX_BYTES + 1)
    reader = read_xlsx if is_xlsx(data, filename) else csvio.read_csv
    records = reader(
        data,
        required=["email"],
        optional=["name", "language"],
        extras=True,
        max_bytes=MAX_BYTES,
        max_rows=MAX_PARTICIPANTS,
    )
    extra_columns = len(records[0]["extras"])  # read_csv and read_xlsx give at least one record
    if extra_columns > MAX_ATTRIBUTES:
        raise ValidationFailed.one(
            f"The file has {extra_columns} columns besides email, name and language; a person holds at most "
            f"{MAX_ATTRIBUTES} attributes."
        )
    return [
        {
            "row": record["row"],
            "email": record["email"],
            "name": record["name"],
            "language": record["language"],
            "attributes": record["extras"],
        }
        for record in records
    ]


def example_csv() -> bytes:
    return csvio.write_csv(EXAMPLE_HEADER, EXAMPLE_ROWS)


def roster_table(group_id: int) -> tuple[list[str], list[list[str]]]:
    """The roster as a table with the columns the import reads: email, name, language, then each attribute."""
    participants = participants_of(group_id)
    keys = attribute_keys(participants)
    header = ["email", "name", "language", *keys]
    rows = [[p.email, p.name, p.language, *(p.attributes.get(k, "") for k in keys)] for p in participants]
    return header, rows
