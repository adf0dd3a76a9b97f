"""Survey definitions: loaded from surveys/*.toml, validated once at start-up, then read-only.

Definitions are data so a practitioner can review wording and translations without reading code; every
mistake in a file is reported with the file, the dotted key and the problem, so a bad deploy fails early.
Respondent strings shared by all surveys live in surveys/_messages.toml (see ``load_messages``).
"""

from __future__ import annotations

import re
import string
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from types import MappingProxyType
from typing import Any, NoReturn

from ...elements import ELEMENTS, element_scores
from .questions import QUESTION_TYPES, AnswerError, QuestionType

FALLBACK_LANGUAGE = "en"
MESSAGES_FILE = "_messages.toml"
MAX_MINUTES = 120

_KEY = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")
_ITEM_ID = re.compile(r"[a-z][a-z0-9_]{0,31}")
_LANGUAGE = re.compile(r"[a-z]{2,3}")
_MESSAGE_KEY = re.compile(r"[a-z][a-z0-9_]*")


class SurveyDefinitionError(ValueError):
    """A survey definition or message file is invalid; the message names file, dotted key and problem."""

    def __init__(self, path: Path | str, key: str, problem: str) -> None:
        super().__init__(f"{path}: {key}: {problem}")
        self.path = str(path)
        self.key = key
        self.problem = problem


@dataclass(frozen=True)
class Item:
    """One survey item. ``element`` is None for unscored types; ``max_length`` only for text-like types."""

    id: str
    type: str
    element: str | None
    required: bool
    text: Mapping[str, str]
    hint: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    max_length: int | None = None

    @property
    def question_type(self) -> QuestionType:
        return QUESTION_TYPES[self.type]

    @property
    def scored(self) -> bool:
        return self.question_type.scored


@dataclass(frozen=True)
class SurveyDefinition:
    """A survey as shipped in surveys/<key>.toml; texts are mappings language -> string."""

    key: str
    version: int
    languages: tuple[str, ...]
    title: Mapping[str, str]
    description: Mapping[str, str]
    intro: Mapping[str, str]
    minutes: int
    items: tuple[Item, ...]
    scales: Mapping[str, Mapping[str, tuple[str, ...]]]
    """Question type -> language -> one label per choice of that type."""

    def item(self, item_id: str) -> Item:
        for item in self.items:
            if item.id == item_id:
                return item
        raise KeyError(item_id)

    # Derived once per definition (it is frozen): every respondent POST reads them.
    @cached_property
    def item_ids(self) -> tuple[str, ...]:
        return tuple(item.id for item in self.items)

    @cached_property
    def items_by_id(self) -> Mapping[str, Item]:
        return MappingProxyType({item.id: item for item in self.items})

    @cached_property
    def scored_items(self) -> tuple[Item, ...]:
        return tuple(item for item in self.items if item.scored)


@dataclass(frozen=True)
class Messages:
    """Respondent UI strings shared by every survey: language -> message key -> text."""

    languages: tuple[str, ...]
    catalog: Mapping[str, Mapping[str, str]]

    @property
    def keys(self) -> frozenset[str]:
        return frozenset(self.catalog[FALLBACK_LANGUAGE])

    def text(self, key: str, lang: str | None, /, **params: Any) -> str:
        """The message in ``lang`` (English when not available); int params get thousands separators."""
        lang = resolve_language(lang, self.languages)
        template = self.catalog[lang][key]
        if not params:
            return template
        separator = self.catalog[lang].get("thousands_separator", ",")
        values = {
            name: format_number(value, separator)
            if isinstance(value, int) and not isinstance(value, bool)
            else value
            for name, value in params.items()
        }
        return template.format(**values)


def format_number(value: int, separator: str = ",") -> str:
    return f"{value:,}".replace(",", separator)


def resolve_language(requested: str | None, available: Sequence[str]) -> str:
    """``requested`` if available (``fr-CA`` and ``fr_ca`` count as ``fr``), else English."""
    if requested:
        code = requested.strip().lower().replace("_", "-")
        for candidate in (code, code.split("-", 1)[0]):
            if candidate in available:
                return candidate
    return FALLBACK_LANGUAGE


def localized(texts: Mapping[str, str], lang: str | None) -> str:
    """The text in ``lang``, falling back to English."""
    return texts[resolve_language(lang, tuple(texts))]


def item_text(item: Item, lang: str | None) -> str:
    return localized(item.text, lang)


def item_hint(item: Item, lang: str | None) -> str | None:
    return localized(item.hint, lang) if item.hint else None


def survey_title(defn: SurveyDefinition, lang: str | None) -> str:
    return localized(defn.title, lang)


def item_choices(defn: SurveyDefinition, item: Item, lang: str | None) -> list[tuple[int, str]]:
    """(value, label) pairs for an item whose type has choices, e.g. for a radio field."""
    labels = defn.scales[item.type]
    lang = resolve_language(lang, tuple(labels))
    return list(zip(item.question_type.choices, labels[lang], strict=True))


def to_api_dict(defn: SurveyDefinition, lang: str = FALLBACK_LANGUAGE) -> dict[str, Any]:
    return {
        "key": defn.key,
        "title": survey_title(defn, lang),
        "items": [
            {
                "id": item.id,
                "type": item.type,
                "element": item.element,
                "required": item.required,
                "text": item_text(item, lang),
            }
            for item in defn.items
        ],
    }


# --- answers -------------------------------------------------------------------------------------------


def check_answers(
    defn: SurveyDefinition, raw_form: Mapping[str, Any], *, allowed_fields: Iterable[str] = ()
) -> tuple[dict[str, Any], dict[str, AnswerError]]:
    """Parse a submitted form: (clean answers by item id, AnswerError by item id or offending field).

    Fields that are neither items nor in ``allowed_fields`` (lang, nonce, ...) are errors, so a
    forged field cannot slip into a response. Blank optional items are left out of the clean answers.
    """
    allowed = frozenset(allowed_fields)
    items = defn.items_by_id
    if clashes := allowed & items.keys():
        raise ValueError(f"allowed_fields clash with item ids: {', '.join(sorted(clashes))}")
    errors: dict[str, AnswerError] = {}
    for name in raw_form:
        if name not in items and name not in allowed:
            errors[name] = AnswerError("unexpected_field")
    lists = getattr(raw_form, "lists", None)  # a werkzeug MultiDict hides repeated fields behind get()
    repeated = dict(lists()) if lists is not None else None
    clean: dict[str, Any] = {}
    for item in defn.items:
        if repeated is None:
            raw = raw_form.get(item.id)
        else:
            values = repeated.get(item.id) or (None,)
            if len(values) > 1:
                errors[item.id] = AnswerError("duplicate_field")
                continue
            raw = values[0]
        value, error = check_item(item, raw)
        if error is not None:
            errors[item.id] = error
        elif value is not None:
            clean[item.id] = value
    return clean, errors


def check_item(item: Item, raw: Any) -> tuple[Any, AnswerError | None]:
    """(clean value or None when left blank, error or None) for one item's raw answer. Pure: the same raw
    value always gives the same result, which lets batch imports parse each distinct value once."""
    value = None
    if not (raw is None or (isinstance(raw, str) and not raw.strip())):
        try:
            value = item.question_type.parse(raw, max_length=item.max_length)
        except AnswerError as exc:
            return None, exc
    if value is None or value == "":
        if item.required:
            return None, AnswerError(item.question_type.required_message)
        return None, None
    return value, None


def validate_answers(
    defn: SurveyDefinition,
    raw_form: Mapping[str, Any],
    lang: str | None,
    *,
    messages: Messages,
    allowed_fields: Iterable[str] = (),
) -> tuple[dict[str, Any], dict[str, str]]:
    """``check_answers`` with each error turned into its message in ``lang``."""
    clean, errors = check_answers(defn, raw_form, allowed_fields=allowed_fields)
    return clean, {name: messages.text(err.key, lang, **err.params) for name, err in errors.items()}


def score(defn: SurveyDefinition, clean_answers: Mapping[str, Any]) -> dict[str, float]:
    """Element scores (mean of the element's scored items) of one complete, validated response."""
    values: dict[str, list[float]] = {element: [] for element in ELEMENTS}
    for item in defn.scored_items:
        if item.id not in clean_answers:
            raise ValueError(f"answer for scored item {item.id!r} is missing")
        assert item.element is not None
        values[item.element].append(item.question_type.score_value(clean_answers[item.id]))
    return element_scores(values)


# --- loading -------------------------------------------------------------------------------------------


def load_definitions(directory: Path | str) -> dict[str, SurveyDefinition]:
    """Every ``*.toml`` in ``directory`` not starting with "_", keyed by file stem, in name order.

    The key is the file name, so two definitions can never share one.
    """
    directory = Path(directory)
    if not directory.is_dir():
        raise SurveyDefinitionError(directory, "-", "survey directory does not exist")
    paths = sorted(p for p in directory.glob("*.toml") if not p.name.startswith("_"))
    if not paths:
        raise SurveyDefinitionError(directory, "-", "no survey definitions (*.toml) found")
    definitions = [_Reader(path).definition() for path in paths]
    return {defn.key: defn for defn in definitions}


def load_messages(directory: Path | str) -> Messages:
    """``directory``/_messages.toml: a ``languages`` list and one table of strings per language."""
    return _Reader(Path(directory) / MESSAGES_FILE).messages()


_DEFINITION_KEYS = {"version", "languages", "title", "description", "intro", "minutes", "scales", "items"}
_ITEM_KEYS = {"id", "type", "element", "required", "text", "hint", "max_length"}


class _Reader:
    """Reads one TOML file and checks it, raising SurveyDefinitionError at the first problem."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            with path.open("rb") as fh:
                self.data = tomllib.load(fh)
        except FileNotFoundError:
            self.fail("-", "file not found")
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            self.fail("-", f"not valid TOML: {exc}")

    def fail(self, key: str, problem: str) -> NoReturn:
        raise SurveyDefinitionError(self.path, key, problem)

    # --- building blocks

    def known_keys(self, table: Mapping[str, Any], allowed: set[str], prefix: str = "") -> None:
        for name in table:
            if name not in allowed:
                self.fail(f"{prefix}{name}", f"unknown key; expected one of {', '.join(sorted(allowed))}")

    def table(self, value: Any, key: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            self.fail(key, "must be a table")
        return value

    def text(self, value: Any, key: str) -> str:
        if not isinstance(value, str) or not value.strip():
            self.fail(key, "must be a non-empty string")
        return value.strip()

    def integer(self, value: Any, key: str, low: int, high: int) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            self.fail(key, f"must be an integer from {low} to {high}")
        return value

    def languages(self, value: Any) -> tuple[str, ...]:
        if not isinstance(value, list) or not value:
            self.fail("languages", "must be a non-empty list of language codes")
        for i, code in enumerate(value):
            if not isinstance(code, str) or not _LANGUAGE.fullmatch(code):
                self.fail(f"languages[{i}]", f"{code!r} is not a lower-case ISO 639 language code")
        if len(set(value)) != len(value):
            self.fail("languages", "lists a language twice")
        if FALLBACK_LANGUAGE not in value:
            self.fail("languages", f"must include {FALLBACK_LANGUAGE!r}, the fallback language")
        return tuple(value)

    def per_language(self, value: Any, key: str, languages: Sequence[str]) -> dict[str, Any]:
        """A table with exactly one entry per declared language."""
        if value is None:
            self.fail(key, f"is missing; expected one entry per language ({', '.join(languages)})")
        table = self.table(value, key)
        for lang in table:
            if lang not in languages:
                self.fail(f"{key}.{lang}", f"language {lang!r} is not declared in languages")
        for lang in languages:
            if lang not in table:
                self.fail(f"{key}.{lang}", "translation is missing")
        return {lang: table[lang] for lang in languages}

    def texts(self, value: Any, key: str, languages: Sequence[str]) -> Mapping[str, str]:
        table = self.per_language(value, key, languages)
        return MappingProxyType({lang: self.text(v, f"{key}.{lang}") for lang, v in table.items()})

    # --- survey definitions

    def definition(self) -> SurveyDefinition:
        data = self.data
        key = self.path.stem
        if not _KEY.fullmatch(key):
            self.fail(
                "-", f"file name {key!r} must be lower-case letters, digits and '-' (it is the survey key)"
            )
        self.known_keys(data, _DEFINITION_KEYS)
        version = self.integer(data.get("version", 1), "version", 1, 1_000_000)
        languages = self.languages(data.get("languages"))
        title = self.texts(data.get("title"), "title", languages)
        description = self.texts(data.get("description"), "description", languages)
        intro = self.texts(data.get("intro"), "intro", languages)
        minutes = self.integer(data.get("minutes"), "minutes", 1, MAX_MINUTES)
        items = self.items(data.get("items"), languages)
        scales = self.scales(data.get("scales", {}), items, languages)
        return SurveyDefinition(
            key=key,
            version=version,
            languages=languages,
            title=title,
            description=description,
            intro=intro,
            minutes=minutes,
            items=items,
            scales=scales,
        )

    def items(self, value: Any, languages: Sequence[str]) -> tuple[Item, ...]:
        if not isinstance(value, list) or not value:
            self.fail("items", "must be a non-empty array of tables ([[items]])")
        items: list[Item] = []
        seen: dict[str, int] = {}
        for i, raw in enumerate(value):
            item = self.item(self.table(raw, f"items[{i}]"), f"items[{i}]", languages)
            if item.id in seen:
                self.fail(f"items[{i}].id", f"duplicate item id {item.id!r} (also items[{seen[item.id]}])")
            seen[item.id] = i
            items.append(item)
        covered = {item.element for item in items if item.scored}
        missing = [element for element in ELEMENTS if element not in covered]
        if missing:
            self.fail("items", f"no scored item for element(s) {', '.join(missing)}; every element needs one")
        return tuple(items)

    def item(self, raw: dict[str, Any], key: str, languages: Sequence[str]) -> Item:
        self.known_keys(raw, _ITEM_KEYS, f"{key}.")
        item_id = raw.get("id")
        if not isinstance(item_id, str) or not _ITEM_ID.fullmatch(item_id):
            self.fail(f"{key}.id", "must be lower-case letters, digits and '_', starting with a letter")
        type_name = raw.get("type")
        if not isinstance(type_name, str) or type_name not in QUESTION_TYPES:
            known = ", ".join(sorted(QUESTION_TYPES))
            self.fail(f"{key}.type", f"unknown question type {type_name!r}; expected one of {known}")
        qtype = QUESTION_TYPES[type_name]

        element = raw.get("element")
        if qtype.needs_element:
            if element not in ELEMENTS:
                self.fail(
                    f"{key}.element",
                    f"{type_name} items need an element; got {element!r}, expected one of {', '.join(ELEMENTS)}",
                )
        elif element is not None:
            self.fail(f"{key}.element", f"{type_name} items are not scored and must not have an element")

        required = raw.get("required", True)
        if not isinstance(required, bool):
            self.fail(f"{key}.required", "must be true or false")
        if qtype.scored and not required:
            self.fail(f"{key}.required", f"{type_name} items are scored and must be required")

        max_length = None
        if qtype.has_max_length:
            limit = qtype.max_length_limit or qtype.default_max_length
            assert limit is not None  # a type with a max length declares its default one
            max_length = self.integer(
                raw.get("max_length", qtype.default_max_length), f"{key}.max_length", 1, limit
            )
        elif "max_length" in raw:
            self.fail(f"{key}.max_length", f"{type_name} items have no maximum length")

        return Item(
            id=item_id,
            type=type_name,
            element=element,
            required=required,
            text=self.texts(raw.get("text"), f"{key}.text", languages),
            hint=self.texts(raw["hint"], f"{key}.hint", languages) if "hint" in raw else MappingProxyType({}),
            max_length=max_length,
        )

    def scales(
        self, value: Any, items: Sequence[Item], languages: Sequence[str]
    ) -> Mapping[str, Mapping[str, tuple[str, ...]]]:
        table = self.table(value, "scales")
        used = {item.type for item in items if item.question_type.choices}
        for name in table:
            if name not in used:
                self.fail(f"scales.{name}", "no item of this survey uses a question type with this name")
        scales: dict[str, Mapping[str, tuple[str, ...]]] = {}
        for name in sorted(used):
            count = len(QUESTION_TYPES[name].choices)
            per_lang = self.per_language(table.get(name), f"scales.{name}", languages)
            labels: dict[str, tuple[str, ...]] = {}
            for lang, raw in per_lang.items():
                key = f"scales.{name}.{lang}"
                if not isinstance(raw, list) or len(raw) != count:
                    self.fail(key, f"must be a list of {count} labels, one per choice")
                labels[lang] = tuple(self.text(label, f"{key}[{i}]") for i, label in enumerate(raw))
            scales[name] = MappingProxyType(labels)
        return MappingProxyType(scales)

    # --- messages

    def messages(self) -> Messages:
        data = self.data
        languages = self.languages(data.get("languages"))
        self.known_keys(data, {"languages", *languages})
        english = self.table(data.get(FALLBACK_LANGUAGE), FALLBACK_LANGUAGE)
        catalog: dict[str, Mapping[str, str]] = {}
        for lang in sorted(languages, key=lambda code: code != FALLBACK_LANGUAGE):  # English first
            if lang not in data:
                self.fail(lang, "table of messages is missing")
            table = self.table(data[lang], lang)
            for name in table:
                if not _MESSAGE_KEY.fullmatch(name):
                    self.fail(f"{lang}.{name}", "message keys are lower-case letters, digits and '_'")
                if name not in english:
                    self.fail(f"{lang}.{name}", f"key is not in the {FALLBACK_LANGUAGE!r} table")
            strings: dict[str, str] = {}
            for name in english:
                key = f"{lang}.{name}"
                if name not in table:
                    self.fail(key, "translation is missing")
                strings[name] = self.message(table[name], key)
                expected, found = _placeholders(english[name]), _placeholders(strings[name])
                if found != expected:
                    self.fail(key, f"placeholders {_braces(found)} differ from English {_braces(expected)}")
            catalog[lang] = MappingProxyType(strings)
        return Messages(languages=languages, catalog=MappingProxyType(catalog))

    def message(self, value: Any, key: str) -> str:
        # Unlike survey texts, messages may be pure whitespace (the French thousands separator).
        if not isinstance(value, str) or not value:
            self.fail(key, "must be a non-empty string")
        try:
            fields = _placeholders(value)
        except ValueError as exc:
            self.fail(key, f"bad placeholder: {exc}")
        for name in fields:
            if not name.isidentifier():
                self.fail(key, f"placeholder {{{name}}} must be a name such as {{k}}")
        return value


def _placeholders(template: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(template) if field is not None}


def _braces(fields: Iterable[str]) -> str:
    return ", ".join(f"{{{name}}}" for name in sorted(fields)) or "(none)"
