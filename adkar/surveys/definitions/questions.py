"""The question-type registry: what each type of survey item accepts, and whether it is scored.

Survey definitions name a type per item (``type = "likert5"``); the loader, the answer validator and the
form layer all look it up here, so adding a type is one decorated class (like CTFd's CHALLENGE_CLASSES).
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any, ClassVar, TypeVar

from ...elements import LIKERT_MAX, LIKERT_MIN


class AnswerError(ValueError):
    """A submitted answer is not acceptable; ``key`` names the message in surveys/_messages.toml."""

    def __init__(self, key: str, **params: Any) -> None:
        super().__init__(key)
        self.key = key
        self.params = params

    def __repr__(self) -> str:
        return f"AnswerError({self.key!r}, **{self.params!r})"


class QuestionType:
    """Base for question types; subclasses set the class attributes and implement ``parse``.

    A scored type needs an ADKAR element on each of its items, must be required (a response always
    covers all five elements) and turns its answers into numbers with ``score_value``; an unscored type
    must not name an element.
    """

    name: ClassVar[str]
    scored: ClassVar[bool] = False
    widget: ClassVar[str]
    """Rendering hint for the form layer: "radio" (one of ``choices``) or "textarea"."""
    choices: ClassVar[tuple[int, ...]] = ()
    """Allowed values; a type with choices needs labels for them (``[scales.<type>]``) in each definition."""
    default_max_length: ClassVar[int | None] = None
    """Types with a length limit accept ``max_length`` on an item, from 1 to ``max_length_limit``."""
    max_length_limit: ClassVar[int | None] = None
    required_message: ClassVar[str] = "answer_required"
    """Message key shown when a required item of this type is left blank."""

    @property
    def needs_element(self) -> bool:
        return self.scored

    @property
    def has_max_length(self) -> bool:
        return self.default_max_length is not None

    def parse(self, raw: object, *, max_length: int | None = None) -> Any:
        """Return the clean value of a non-blank submitted answer or raise AnswerError."""
        raise NotImplementedError

    def score_value(self, value: Any) -> float:
        """The number a clean answer contributes to its element's mean (scored types only)."""
        raise TypeError(f"question type {self.name!r} is not scored")


QUESTION_TYPES: dict[str, QuestionType] = {}

QT = TypeVar("QT", bound=type[QuestionType])


def register_question_type(cls: QT) -> QT:
    """Class decorator: add one instance of ``cls`` to QUESTION_TYPES under ``cls.name``."""
    name = getattr(cls, "name", None)
    if not isinstance(name, str) or not re.fullmatch(r"[a-z][a-z0-9_]*", name):
        raise ValueError(f"{cls.__name__}: question type name must be lower-case letters, digits, '_'")
    if name in QUESTION_TYPES:
        raise ValueError(f"question type {name!r} is already registered")
    if cls.scored and not cls.choices:
        raise ValueError(f"{cls.__name__}: a scored question type needs choices")
    QUESTION_TYPES[name] = cls()
    return cls


def get_question_type(name: str) -> QuestionType:
    """Return the registered type or raise KeyError naming the known ones."""
    try:
        return QUESTION_TYPES[name]
    except KeyError:
        known = ", ".join(sorted(QUESTION_TYPES))
        raise KeyError(f"unknown question type {name!r}; expected one of {known}") from None


_DIGITS = re.compile(r"[0-9]{1,3}")


@register_question_type
class Likert5(QuestionType):
    """A statement answered on the 1-5 agreement scale; the answer is an int."""

    name = "likert5"
    scored = True
    widget = "radio"
    choices = tuple(range(LIKERT_MIN, LIKERT_MAX + 1))
    required_message = "statement_required"

    _FORM_VALUES: ClassVar[dict[str, int]] = {str(value): value for value in choices}
    """What a radio button posts, looked up before the general rules below (the busiest case)."""

    def parse(self, raw: object, *, max_length: int | None = None) -> int:
        if type(raw) is str and (value := self._FORM_VALUES.get(raw)) is not None:
            return value
        if isinstance(raw, bool):
            value = None
        elif isinstance(raw, int):
            value = raw
        elif isinstance(raw, str) and _DIGITS.fullmatch(raw.strip()):
            value = int(raw.strip())
        else:
            value = None
        if value is None or value not in self.choices:
            raise AnswerError("choose_value", min=self.choices[0], max=self.choices[-1])
        return value

    def score_value(self, value: Any) -> float:
        return float(value)


# Control characters other than tab and newline cannot be typed into a textarea and break some stores
# (PostgreSQL refuses NUL), so they are dropped rather than reported.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


@register_question_type
class Text(QuestionType):
    """Free text; line endings are normalised to \\n before the length is checked, as browsers count them."""

    name = "text"
    widget = "textarea"
    default_max_length = 2000
    max_length_limit = 10_000

    def parse(self, raw: object, *, max_length: int | None = None) -> str:
        if not isinstance(raw, str):
            raise AnswerError("invalid_value")
        text = raw.replace("\r\n", "\n").replace("\r", "\n")
        text = unicodedata.normalize("NFC", _CONTROL.sub("", text)).strip()
        limit = self.default_max_length if max_length is None else max_length
        if limit is not None and len(text) > limit:
            raise AnswerError("text_too_long", max_length=limit)
        return text
