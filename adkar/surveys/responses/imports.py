"""Importing responses collected elsewhere (paper, another tool): all or nothing, every problem reported.

A CSV upload has one column per item id (ADKAR items 1..5, the comment optional); the API sends the same
answers as JSON. Every row is checked with the respondent form's own rules before anything is stored, and
each problem names its row and column. Imported responses count in n but never in `invited`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from operator import itemgetter
from typing import IO, Any

from sqlalchemy import select

from ... import csvio
from ...elements import LIKERT_MAX, LIKERT_MIN
from ...extensions import db
from ...validation import Problem, ValidationFailed
from ..definitions.questions import AnswerError
from ..definitions.survey import SurveyDefinition
from ..models import Wave, WaveGroup
from .column_check import ScoredBatch, score_columns
from .publication import HeldGroup, held_count
from .row_check import BatchChecker
from .services import split_answers, store_batch

MAX_ROWS = 10_000
MAX_CSV_BYTES = 6_000_000  # 10,000 rows with long comments; below the app's 8 MB request limit
MAX_PROBLEMS = 500
"""Problems reported at most; past that the list ends with a count of the rest."""

_PROBLEM_TEXT = {
    "statement_required": "Missing: every ADKAR statement needs an answer from {min} to {max}.",
    "answer_required": "Missing: this question is required.",
    "choose_value": "Must be a whole number from {min} to {max}.",
    "text_too_long": "Longer than {max_length:,} characters.",
    "invalid_value": "This answer is not valid.",
    "unexpected_field": "Not an item of this survey (expected: {expected}).",
    "duplicate_field": "Appears more than once.",
}


def problem_text(defn: SurveyDefinition, error: AnswerError) -> str:
    """A practitioner-facing message for an answer error (the respondent wording talks to respondents)."""
    params = {"min": LIKERT_MIN, "max": LIKERT_MAX, "expected": ", ".join(defn.item_ids), **error.params}
    return _PROBLEM_TEXT.get(error.key, "This answer is not valid.").format(**params)


def check_rows(defn: SurveyDefinition, records: Sequence[tuple[int, Mapping[str, Any]]]) -> ScoredBatch:
    """Check (row number, answers by item id) records; ValidationFailed lists every problem, row and column.

    Column by column when every answer is a plain 1-5 (score_columns); otherwise row by row, which words
    each problem exactly as the respondent form would.
    """
    if len(records) > MAX_ROWS:
        raise ValidationFailed.one(f"At most {MAX_ROWS:,} responses can be imported at once; split the file.")
    if not records:
        raise ValidationFailed.one("There are no responses to import.")
    batch = score_columns(defn, [answers for _, answers in records])
    if batch is not None:
        return batch
    rows: list[tuple[dict[str, Any], dict[str, float], str | None]] = []
    problems: list[Problem] = []
    checker = BatchChecker(defn)
    for number, answers in records:
        clean, errors = checker.check(answers)
        if errors:
            problems += [
                Problem(problem_text(defn, error), row=number, column=name) for name, error in errors.items()
            ]
            continue
        plain, comment = split_answers(defn, clean)
        rows.append((plain, checker.score(clean), comment))
    if problems:
        raise ValidationFailed(capped(problems))
    return ScoredBatch.from_rows(rows)


def rows_from_csv(defn: SurveyDefinition, source: bytes | str | IO[bytes]) -> ScoredBatch:
    """Read and check an uploaded CSV; row 1 is the first row under the header."""
    required = [item.id for item in defn.items if item.required]
    optional = [item.id for item in defn.items if not item.required]
    records = csvio.read_csv(
        source, required=required, optional=optional, max_bytes=MAX_CSV_BYTES, max_rows=MAX_ROWS
    )
    return check_rows(defn, [(record.pop("row"), record) for record in records])


def rows_from_payload(defn: SurveyDefinition, responses: Any) -> ScoredBatch:
    """Check the API's `responses` list; a problem's row is the index in that list (0-based)."""
    if not isinstance(responses, list):
        raise ValidationFailed([Problem("Expected a list of responses.", field="responses")])
    if not responses:
        raise ValidationFailed([Problem("Send at least one response.", field="responses")])
    if len(responses) > MAX_ROWS:
        raise ValidationFailed(
            [
                Problem(
                    f"At most {MAX_ROWS:,} responses per request; send several requests.", field="responses"
                )
            ]
        )
    shape: list[Problem] = []
    if all(map(_only_answers, responses)):  # the usual body: nothing to say about its shape
        records: list[tuple[int, Mapping[str, Any]]] = list(enumerate(map(_ANSWERS, responses)))
    else:
        records, shape = _records_and_shape(responses)
    records = [(index, _whole_floats(answers)) for index, answers in records]
    try:
        batch = check_rows(defn, records) if records else None
    except ValidationFailed as exc:
        raise ValidationFailed(capped(shape + _with_fields(exc.problems))) from None
    if shape or batch is None:
        raise ValidationFailed(capped(shape))
    return batch


_ANSWERS = itemgetter("answers")


def _whole_floats(answers: Mapping[str, Any]) -> Mapping[str, Any]:
    """JSON numbers in JSON Schema's sense: 4.0 is the integer 4 (as many clients send it); 4.5 stays a
    float, which the check refuses."""
    if not any(type(value) is float for value in answers.values()):
        return answers
    return {
        key: int(value) if type(value) is float and value.is_integer() else value
        for key, value in answers.items()
    }


def _records_and_shape(responses: list) -> tuple[list[tuple[int, Mapping[str, Any]]], list[Problem]]:
    """(index, answers) of each well-formed entry, and a problem for each entry of another shape."""
    shape: list[Problem] = []
    records: list[tuple[int, Mapping[str, Any]]] = []
    for index, entry in enumerate(responses):
        where = f"responses[{index}]"
        if not isinstance(entry, dict):
            shape.append(Problem('Expected an object {"answers": {...}}.', field=where, row=index))
            continue
        for key in entry:
            if key != "answers":
                shape.append(Problem("Unknown field.", field=f"{where}.{key}", row=index))
        answers = entry.get("answers")
        if not isinstance(answers, dict):
            shape.append(
                Problem("Expected an object of answers by item id.", field=f"{where}.answers", row=index)
            )
            continue
        records.append((index, answers))
    return records, shape


def _only_answers(entry: Any) -> bool:
    return type(entry) is dict and len(entry) == 1 and type(entry.get("answers")) is dict


def group_problems(wave: Wave, group_id: int) -> list[Problem]:
    """Responses go to one of the wave's own groups."""
    included = select(WaveGroup.group_id).where(WaveGroup.wave_id == wave.id, WaveGroup.group_id == group_id)
    if db.session.scalar(included) is None:
        return [Problem("This group is not part of the wave.", field="group_id")]
    return []


def import_rows(*, wave: Wave, group_id: int, rows: ScoredBatch, actor_id: int, source: str) -> int:
    """Store checked rows for one group of the wave, with an audit event; returns how many were stored."""
    if problems := group_problems(wave, group_id):
        raise ValidationFailed(problems)
    return store_batch(
        wave_id=wave.id,
        group_id=group_id,
        batch=rows,
        actor_id=actor_id,
        initiative_id=wave.initiative_id,
        source=source,
    )


def held_imports(wave: Wave, group_id: int) -> int:
    """Imported answers of the group still held because its imports have not reached k yet."""
    return held_count(db.session.connection(), HeldGroup(wave.id, group_id, "import"))


def _with_fields(problems: list[Problem]) -> list[Problem]:
    """API problems also name the JSON path, e.g. responses[3].answers.aw1."""
    for problem in problems:
        if problem.row is not None and problem.column is not None:
            problem.field = f"responses[{problem.row}].answers.{problem.column}"
    return problems


def capped(problems: list[Problem]) -> list[Problem]:
    if len(problems) <= MAX_PROBLEMS:
        return problems
    rest = len(problems) - MAX_PROBLEMS
    return [*problems[:MAX_PROBLEMS], Problem(f"… and {rest:,} more problems not listed.")]
