"""Survey definitions and messages: the shipped files, the validator's messages, answers and scores."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from adkar.elements import ELEMENTS
from adkar.resources import resource_dir
from adkar.surveys.definitions.questions import (
    QUESTION_TYPES,
    AnswerError,
    QuestionType,
    register_question_type,
)
from adkar.surveys.definitions.survey import (
    MESSAGES_FILE,
    Messages,
    SurveyDefinition,
    SurveyDefinitionError,
    check_answers,
    item_choices,
    item_hint,
    item_text,
    load_definitions,
    load_messages,
    resolve_language,
    score,
    survey_title,
    to_api_dict,
    validate_answers,
)

SURVEYS = resource_dir("surveys")
ALLOWED = ("csrf_token", "lang", "nonce")


@pytest.fixture(scope="module")
def shipped() -> dict[str, SurveyDefinition]:
    return load_definitions(SURVEYS)


@pytest.fixture(scope="module")
def messages() -> Messages:
    return load_messages(SURVEYS)


@pytest.fixture(scope="module")
def pulse(shipped) -> SurveyDefinition:
    return shipped["adkar-pulse"]


@pytest.fixture(scope="module")
def assessment(shipped) -> SurveyDefinition:
    return shipped["adkar-assessment"]


# --- writing test files -------------------------------------------------------------------------------


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return "{" + ", ".join(f"{json.dumps(k)} = {_toml_value(v)}" for k, v in value.items()) + "}"


def dump_toml(data: dict[str, Any]) -> str:
    """Enough TOML for these tests: every value inline, one top-level key per line."""
    return "".join(f"{json.dumps(k)} = {_toml_value(v)}\n" for k, v in data.items())


LABELS = ["Strongly disagree", "Disagree", "Neither", "Agree", "Strongly agree"]


def valid_survey() -> dict[str, Any]:
    """items[0..4] are one likert5 statement per element in ADKAR order; items[5] is the comment."""
    both = {"en": "English", "fr": "Français"}
    items: list[dict[str, Any]] = [
        {"id": f"{e[:2]}1", "type": "likert5", "element": e, "text": {"en": f"{e} en", "fr": f"{e} fr"}}
        for e in ELEMENTS
    ]
    items.append({"id": "comment", "type": "text", "required": False, "max_length": 500, "text": dict(both)})
    return {
        "languages": ["en", "fr"],
        "minutes": 3,
        "title": dict(both),
        "description": dict(both),
        "intro": dict(both),
        "scales": {"likert5": {"en": list(LABELS), "fr": [f"{label} (fr)" for label in LABELS]}},
        "items": items,
    }


@pytest.fixture
def write(tmp_path) -> Callable[..., Path]:
    def write(data: dict[str, Any] | str, name: str = "demo.toml") -> Path:
        path = tmp_path / name
        path.write_text(data if isinstance(data, str) else dump_toml(data), encoding="utf-8")
        return path

    return write


def assert_names(exc: SurveyDefinitionError, path: Path, key: str, problem: str) -> None:
    message = str(exc)
    assert message.startswith(f"{path}: {key}: "), message
    assert problem in message, message
    assert (exc.path, exc.key) == (str(path), key)


# --- shipped files ------------------------------------------------------------------------------------


def test_shipped_definitions_load(shipped):
    assert sorted(shipped) == ["adkar-assessment", "adkar-pulse"]
    for key, defn in shipped.items():
        assert defn.key == key
        assert set(defn.languages) >= {"en", "fr", "de"}
        assert defn.minutes >= 1


def test_assessment_has_two_or_three_statements_per_element(assessment):
    per_element = {e: [i.id for i in assessment.items if i.element == e] for e in ELEMENTS}
    assert all(2 <= len(ids) <= 3 for ids in per_element.values()), per_element
    assert all(all(i.startswith(e[:2]) for i in ids) for e, ids in per_element.items())
    assert 10 <= len(assessment.scored_items) <= 15


def test_pulse_has_one_statement_per_element(pulse):
    assert [i.element for i in pulse.scored_items] == list(ELEMENTS)


@pytest.mark.parametrize("key", ["adkar-assessment", "adkar-pulse"])
def test_shipped_items_follow_the_rules(shipped, key):
    defn = shipped[key]
    *statements, comment = defn.items
    assert all(i.type == "likert5" and i.required and i.element in ELEMENTS for i in statements)
    assert (comment.id, comment.type, comment.element) == ("comment", "text", None)
    assert not comment.required and comment.max_length == 2000
    assert len(defn.scales["likert5"]["en"]) == 5
    assert defn.scales["likert5"]["en"][0] == "Strongly disagree"
    assert defn.scales["likert5"]["en"][-1] == "Strongly agree"


@pytest.mark.parametrize("key", ["adkar-assessment", "adkar-pulse"])
@pytest.mark.parametrize("lang", ["fr", "de"])
def test_shipped_texts_are_translated(shipped, key, lang):
    """A copy-pasted English string in a translation is a missing translation."""
    defn = shipped[key]
    pairs = [(defn.title, "title"), (defn.intro, "intro"), (defn.description, "description")]
    pairs += [(item.text, item.id) for item in defn.items]
    untranslated = [name for texts, name in pairs if texts[lang] == texts["en"]]
    assert not untranslated
    assert len(set(defn.scales["likert5"][lang])) == 5


def test_french_punctuation_uses_no_break_spaces(shipped, messages):
    """French puts a no-break space before : ? ! ; so the mark never wraps onto its own line."""
    texts = [m for m in messages.catalog["fr"].values()]
    for defn in shipped.values():
        texts += [defn.title["fr"], defn.intro["fr"], defn.description["fr"]]
        texts += [item.text["fr"] for item in defn.items] + [
            item.hint["fr"] for item in defn.items if item.hint
        ]
    assert [t for t in texts if re.search(r" [:?!;]", t)] == []


def test_shipped_messages_load(messages):
    assert set(messages.languages) >= {"en", "fr", "de"}
    for key in (
        "submit",
        "statement_required",
        "answer_required",
        "choose_value",
        "text_too_long",
        "unexpected_field",
        "anonymity",
        "link_invalid",
        "survey_closed",
        "thank_you",
        "minutes",
        "language_label",
    ):
        assert key in messages.keys
    for lang in messages.languages:
        assert set(messages.catalog[lang]) == messages.keys


def test_messages_fill_placeholders_and_format_numbers(messages):
    assert messages.text("submit", "en") == "Submit"
    assert messages.text("anonymity", "en", k=5).count("at least 5 people") == 1
    assert messages.text("text_too_long", "en", max_length=2000) == (
        "Your comment is too long (max 2,000 characters)."
    )
    assert "2\u202f000" in messages.text("text_too_long", "fr", max_length=2000)
    assert "2.000" in messages.text("text_too_long", "de", max_length=2000)
    assert messages.text("choose_value", "en", min=1, max=5) == "Choose a value from 1 to 5."
    assert messages.text("minutes", "de", minutes=5) == "Etwa 5 Min."


def test_messages_fall_back_to_english(messages):
    assert messages.text("submit", "fr") == "Envoyer"
    assert messages.text("submit", "fr-CA") == "Envoyer"
    assert messages.text("submit", "es") == messages.text("submit", None) == "Submit"


def test_files_starting_with_underscore_are_not_surveys(write, tmp_path):
    write(valid_survey())
    write("not = [valid toml", name="_notes.toml")
    assert list(load_definitions(tmp_path)) == ["demo"]


# --- invalid survey files -----------------------------------------------------------------------------


def _set(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    """Mutation setting a dotted path like 'items.3.element'; the value DELETE removes the key."""

    def mutate(data: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        target: Any = data
        for part in parents:
            target = target[int(part)] if isinstance(target, list) else target[part]
        if value is DELETE:
            del target[last]
        elif isinstance(target, list):
            target[int(last)] = value
        else:
            target[last] = value

    return mutate


DELETE = object()


def _drop_element(element: str) -> Callable[[dict[str, Any]], None]:
    def mutate(data: dict[str, Any]) -> None:
        data["items"] = [i for i in data["items"] if i.get("element") != element]

    return mutate


BAD_SURVEYS = {
    "unknown element": (
        _set("items.3.element", "capability"),
        "items[3].element",
        "expected one of awareness",
    ),
    "likert5 without element": (_set("items.0.element", DELETE), "items[0].element", "need an element"),
    "text with element": (
        _set("items.5.element", "awareness"),
        "items[5].element",
        "must not have an element",
    ),
    "unknown type": (_set("items.1.type", "slider"), "items[1].type", "unknown question type 'slider'"),
    "missing type": (_set("items.1.type", DELETE), "items[1].type", "unknown question type None"),
    "duplicate id": (_set("items.4.id", "aw1"), "items[4].id", "duplicate item id 'aw1' (also items[0])"),
    "bad id": (_set("items.2.id", "Kn 1"), "items[2].id", "lower-case letters"),
    "optional likert5": (_set("items.0.required", False), "items[0].required", "must be required"),
    "required not bool": (_set("items.5.required", "no"), "items[5].required", "true or false"),
    "element not covered": (
        _drop_element("reinforcement"),
        "items",
        "no scored item for element(s) reinforcement",
    ),
    "missing translation": (_set("items.2.text.fr", DELETE), "items[2].text.fr", "translation is missing"),
    "undeclared language": (_set("items.2.text.de", "Wissen"), "items[2].text.de", "'de' is not declared"),
    "empty text": (_set("items.0.text.en", "  "), "items[0].text.en", "must be a non-empty string"),
    "no text": (_set("items.0.text", DELETE), "items[0].text", "is missing"),
    "missing hint translation": (_set("items.5.hint", {"en": "Optional"}), "items[5].hint.fr", "missing"),
    "max_length on likert5": (_set("items.0.max_length", 10), "items[0].max_length", "no maximum length"),
    "max_length zero": (_set("items.5.max_length", 0), "items[5].max_length", "integer from 1 to 10000"),
    "unknown item key": (_set("items.0.elemnt", "desire"), "items[0].elemnt", "unknown key"),
    "items empty": (_set("items", []), "items", "non-empty array"),
    "item not a table": (_set("items.2", "kn1"), "items[2]", "must be a table"),
    "unknown top-level key": (_set("langauges", ["en"]), "langauges", "unknown key"),
    "missing title": (_set("title", DELETE), "title", "is missing"),
    "title not a table": (_set("title", "Survey"), "title", "must be a table"),
    "missing intro translation": (_set("intro.fr", DELETE), "intro.fr", "translation is missing"),
    "no languages": (_set("languages", DELETE), "languages", "non-empty list"),
    "bad language code": (_set("languages", ["en", "French"]), "languages[1]", "not a lower-case ISO 639"),
    "language twice": (_set("languages", ["en", "fr", "en"]), "languages", "twice"),
    "no English": (_set("languages", ["fr"]), "languages", "must include 'en'"),
    "minutes zero": (_set("minutes", 0), "minutes", "integer from 1 to 120"),
    "minutes string": (_set("minutes", "3"), "minutes", "integer from 1 to 120"),
    "minutes missing": (_set("minutes", DELETE), "minutes", "integer from 1 to 120"),
    "version zero": (_set("version", 0), "version", "integer from 1"),
    "scale labels missing": (_set("scales", DELETE), "scales.likert5", "is missing"),
    "too few labels": (_set("scales.likert5.fr", LABELS[:4]), "scales.likert5.fr", "list of 5 labels"),
    "blank label": (_set("scales.likert5.en.2", ""), "scales.likert5.en[2]", "non-empty string"),
    "scale for unused type": (_set("scales.text", {"en": ["a"], "fr": ["b"]}), "scales.text", "no item"),
}


@pytest.mark.parametrize("case", BAD_SURVEYS, ids=list(BAD_SURVEYS))
def test_bad_survey_names_file_key_and_problem(write, tmp_path, case):
    mutate, key, problem = BAD_SURVEYS[case]
    data = valid_survey()
    mutate(data)
    path = write(data)
    with pytest.raises(SurveyDefinitionError) as info:
        load_definitions(tmp_path)
    assert_names(info.value, path, key, problem)


def test_the_valid_test_survey_loads(write, tmp_path):
    write(valid_survey())
    defn = load_definitions(tmp_path)["demo"]
    assert defn.item_ids == ("aw1", "de1", "kn1", "ab1", "re1", "comment")
    assert defn.version == 1 and defn.item("comment").max_length == 500


def test_invalid_toml_names_the_file(write, tmp_path):
    path = write('languages = ["en"\ntitle = 3\n')
    with pytest.raises(SurveyDefinitionError) as info:
        load_definitions(tmp_path)
    assert_names(info.value, path, "-", "not valid TOML")


def test_survey_key_comes_from_a_safe_file_name(write, tmp_path):
    path = write(valid_survey(), name="My Survey.toml")
    with pytest.raises(SurveyDefinitionError) as info:
        load_definitions(tmp_path)
    assert_names(info.value, path, "-", "file name 'My Survey' must be lower-case")


def test_missing_or_empty_directory_is_an_error(tmp_path):
    with pytest.raises(SurveyDefinitionError, match="does not exist"):
        load_definitions(tmp_path / "nowhere")
    with pytest.raises(SurveyDefinitionError, match=r"no survey definitions \(\*\.toml\) found"):
        load_definitions(tmp_path)


def test_definitions_are_frozen(pulse):
    with pytest.raises(AttributeError):
        pulse.key = "other"  # type: ignore[misc]
    with pytest.raises(TypeError):
        pulse.items[0].text["en"] = "changed"  # type: ignore[index]


# --- invalid message files ----------------------------------------------------------------------------


def valid_messages() -> dict[str, Any]:
    return {
        "languages": ["en", "fr"],
        "en": {"submit": "Submit", "anonymity": "Groups of {k} or more", "thousands_separator": ","},
        "fr": {"submit": "Envoyer", "anonymity": "Groupes de {k} ou plus", "thousands_separator": "\u202f"},
    }


BAD_MESSAGES = {
    "missing key": (_set("fr.submit", DELETE), "fr.submit", "translation is missing"),
    "extra key": (_set("fr.cancel", "Annuler"), "fr.cancel", "key is not in the 'en' table"),
    "missing placeholder": (_set("fr.anonymity", "Groupes"), "fr.anonymity", "differ from English {k}"),
    "renamed placeholder": (_set("fr.anonymity", "{n} ou plus"), "fr.anonymity", "placeholders {n}"),
    "positional placeholder": (_set("en.submit", "Submit {0}"), "en.submit", "must be a name"),
    "unbalanced brace": (_set("en.submit", "Submit {"), "en.submit", "bad placeholder"),
    "empty string": (_set("fr.submit", ""), "fr.submit", "non-empty string"),
    "missing language table": (_set("fr", DELETE), "fr", "table of messages is missing"),
    "undeclared language table": (_set("de", {"submit": "Absenden"}), "de", "unknown key"),
    "no English": (_set("languages", ["fr"]), "languages", "must include 'en'"),
    "bad key": (_set("en.Submit-Button", "Go"), "en.Submit-Button", "lower-case letters"),
}


@pytest.mark.parametrize("case", BAD_MESSAGES, ids=list(BAD_MESSAGES))
def test_bad_messages_name_file_key_and_problem(write, tmp_path, case):
    mutate, key, problem = BAD_MESSAGES[case]
    data = valid_messages()
    mutate(data)
    path = write(data, name=MESSAGES_FILE)
    with pytest.raises(SurveyDefinitionError) as info:
        load_messages(tmp_path)
    assert_names(info.value, path, key, problem)


def test_valid_messages_load(write, tmp_path):
    write(valid_messages(), name=MESSAGES_FILE)
    loaded = load_messages(tmp_path)
    assert loaded.keys == {"submit", "anonymity", "thousands_separator"}
    assert loaded.text("anonymity", "fr", k=5) == "Groupes de 5 ou plus"


def test_missing_messages_file(tmp_path):
    with pytest.raises(SurveyDefinitionError) as info:
        load_messages(tmp_path)
    assert_names(info.value, tmp_path / MESSAGES_FILE, "-", "file not found")


# --- languages and the API dict -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("requested", "expected"),
    [("fr", "fr"), ("FR", "fr"), ("fr-CA", "fr"), ("de_AT", "de"), ("es", "en"), ("", "en"), (None, "en")],
)
def test_resolve_language(requested, expected):
    assert resolve_language(requested, ("en", "fr", "de")) == expected


def test_texts_fall_back_to_english(pulse):
    item = pulse.item("aw1")
    assert item_text(item, "en") == "I understand why we are introducing the new system."
    assert item_text(item, "fr").startswith("Je comprends")
    assert item_text(item, "de-CH").startswith("Ich verstehe")
    assert item_text(item, "es") == item_text(item, None) == item_text(item, "en")
    assert survey_title(pulse, "it") == "ADKAR readiness pulse"
    assert item_hint(pulse.item("comment"), "pt").startswith("Optional. Please do not include names")
    assert item_hint(item, "en") is None


def test_item_choices_pair_values_with_labels(pulse):
    choices = item_choices(pulse, pulse.item("kn1"), "fr")
    assert [value for value, _ in choices] == [1, 2, 3, 4, 5]
    assert choices[0][1] == "Pas du tout d’accord" and choices[-1][1] == "Tout à fait d’accord"
    assert item_choices(pulse, pulse.item("kn1"), "xx")[2] == (3, "Neither agree nor disagree")


def test_api_dict_shape(pulse):
    api = to_api_dict(pulse)
    assert set(api) == {"key", "title", "items"}
    assert api["key"] == "adkar-pulse" and api["title"] == "ADKAR readiness pulse"
    assert all(set(item) == {"id", "type", "element", "required", "text"} for item in api["items"])
    assert api["items"][0] == {
        "id": "aw1",
        "type": "likert5",
        "element": "awareness",
        "required": True,
        "text": "I understand why we are introducing the new system.",
    }
    assert api["items"][-1]["element"] is None and api["items"][-1]["required"] is False
    assert json.loads(json.dumps(api)) == api


def test_api_dict_in_another_language_and_fallback(pulse):
    assert to_api_dict(pulse, "de")["title"] == "Pulsbefragung zur Veränderungsbereitschaft (ADKAR)"
    assert to_api_dict(pulse, "es") == to_api_dict(pulse, "en")


# --- answers ------------------------------------------------------------------------------------------


def full_form(defn: SurveyDefinition, value: str = "4", **extra: str) -> dict[str, str]:
    return {**{item.id: value for item in defn.scored_items}, **extra}


def test_valid_answers_are_parsed(pulse, messages):
    form = full_form(pulse, comment="  More training, please.\r\n ", csrf_token="t", lang="fr", nonce="n")
    clean, errors = validate_answers(pulse, form, "en", messages=messages, allowed_fields=ALLOWED)
    assert errors == {}
    assert clean == {"aw1": 4, "de1": 4, "kn1": 4, "ab1": 4, "re1": 4, "comment": "More training, please."}


@pytest.mark.parametrize("comment", [None, "", "   \r\n"])
def test_a_blank_optional_comment_is_left_out(pulse, messages, comment):
    form = full_form(pulse) if comment is None else full_form(pulse, comment=comment)
    clean, errors = validate_answers(pulse, form, "en", messages=messages)
    assert errors == {} and "comment" not in clean


@pytest.mark.parametrize("missing", ["", "  ", None])
def test_missing_required_answer(pulse, messages, missing):
    form = full_form(pulse)
    if missing is None:
        del form["kn1"]
    else:
        form["kn1"] = missing
    clean, errors = validate_answers(pulse, form, "en", messages=messages)
    assert errors == {"kn1": "Please answer this statement."}
    assert "kn1" not in clean and clean["aw1"] == 4


@pytest.mark.parametrize("raw", ["0", "6", "-1", "2.5", "3.0", "four", "٣", "1e1"])
def test_out_of_range_or_non_integer_answer(pulse, messages, raw):
    clean, errors = validate_answers(pulse, full_form(pulse, de1=raw), "en", messages=messages)
    assert errors == {"de1": "Choose a value from 1 to 5."}
    assert "de1" not in clean


def test_comment_too_long(pulse, messages):
    form = full_form(pulse, comment="x" * 2001)
    _, errors = validate_answers(pulse, form, "en", messages=messages)
    assert errors == {"comment": "Your comment is too long (max 2,000 characters)."}
    _, errors = validate_answers(pulse, full_form(pulse, comment="x" * 2000), "en", messages=messages)
    assert errors == {}


@pytest.mark.parametrize("field", ["aw9", "score", "response_id", "element", "lang"])
def test_unknown_or_forged_fields_are_rejected(pulse, messages, field):
    form = full_form(pulse, **{field: "5"})
    clean, errors = validate_answers(pulse, form, "en", messages=messages, allowed_fields=("csrf_token",))
    assert set(errors) == {field}
    assert errors[field] == messages.text("unexpected_field", "en")
    assert field not in clean


def test_allowed_fields_must_not_clash_with_items(pulse, messages):
    with pytest.raises(ValueError, match="clash with item ids: aw1"):
        validate_answers(pulse, full_form(pulse), "en", messages=messages, allowed_fields=("aw1", "lang"))


def test_a_field_sent_twice_is_rejected(pulse, messages):
    form = MultiDict(full_form(pulse))
    form.add("aw1", "1")
    clean, errors = validate_answers(pulse, form, "en", messages=messages)
    assert errors == {"aw1": messages.text("duplicate_field", "en")}
    assert "aw1" not in clean


@settings(max_examples=200, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(["aw1", "de1", "kn1", "ab1", "re1", "comment", "lang", "forged"]),
        st.one_of(st.sampled_from(["1", "3", "5", " 4 ", "", "6", "x"]), st.text(max_size=5)),
    )
)
def test_a_form_without_repeated_fields_checks_as_the_same_dict(pulse, fields):
    """check_answers reads a MultiDict's values in one pass; without repeats that must change nothing."""

    def checked(form):
        clean, errors = check_answers(pulse, form, allowed_fields=("lang",))
        return clean, [(name, error.key, error.params) for name, error in errors.items()]

    assert checked(MultiDict(fields)) == checked(fields)


def test_errors_are_in_the_respondents_language(pulse, messages):
    form = {**full_form(pulse, ab1="9", comment="x" * 2001), "re1": ""}
    del form["aw1"]
    _, fr = validate_answers(pulse, form, "fr", messages=messages)
    assert fr == {
        "aw1": "Veuillez répondre à cette affirmation.",
        "ab1": "Choisissez une valeur de 1 à 5.",
        "re1": "Veuillez répondre à cette affirmation.",
        "comment": "Votre commentaire est trop long (2\u202f000 caractères maximum).",
    }
    _, de = validate_answers(pulse, form, "de", messages=messages)
    assert de["ab1"] == "Wählen Sie einen Wert von 1 bis 5."
    _, fallback = validate_answers(pulse, form, "sv", messages=messages)
    assert fallback["aw1"] == "Please answer this statement."


def test_check_answers_returns_message_keys(pulse):
    form = full_form(pulse, aw1="7", extra="1")
    del form["re1"]
    _, errors = check_answers(pulse, form)
    assert {name: (e.key, e.params) for name, e in errors.items()} == {
        "extra": ("unexpected_field", {}),
        "aw1": ("choose_value", {"min": 1, "max": 5}),
        "re1": ("statement_required", {}),
    }
    assert all(isinstance(e, AnswerError) for e in errors.values())


def test_integers_from_a_json_body_are_accepted(pulse):
    clean, errors = check_answers(pulse, {item.id: 5 for item in pulse.scored_items})
    assert errors == {} and set(clean.values()) == {5}


# --- scores -------------------------------------------------------------------------------------------


def test_score_is_the_mean_per_element(assessment):
    values = {
        "aw1": 3, "aw2": 4, "aw3": 5,
        "de1": 1, "de2": 2, "de3": 2,
        "kn1": 5, "kn2": 5, "kn3": 5,
        "ab1": 3, "ab2": 4, "ab3": 2,
        "re1": 1, "re2": 1, "re3": 4,
    }  # fmt: skip
    scores = score(assessment, {**values, "comment": "ignored"})
    assert list(scores) == list(ELEMENTS)
    assert scores == pytest.approx(
        {"awareness": 4.0, "desire": 5 / 3, "knowledge": 5.0, "ability": 3.0, "reinforcement": 2.0}
    )


def test_score_of_two_items_is_their_mean(write, tmp_path):
    data = valid_survey()
    data["items"].insert(
        1, {"id": "aw2", "type": "likert5", "element": "awareness", "text": {"en": "a", "fr": "b"}}
    )
    write(data)
    defn = load_definitions(tmp_path)["demo"]
    scores = score(defn, {"aw1": 3, "aw2": 4, "de1": 5, "kn1": 1, "ab1": 2, "re1": 3})
    assert scores["awareness"] == 3.5 and scores["desire"] == 5.0


def test_score_from_validated_form(pulse, messages):
    form = {"aw1": "5", "de1": "4", "kn1": "3", "ab1": "2", "re1": "1"}
    clean, errors = validate_answers(pulse, form, "en", messages=messages)
    assert errors == {}
    assert score(pulse, clean) == {
        "awareness": 5,
        "desire": 4,
        "knowledge": 3,
        "ability": 2,
        "reinforcement": 1,
    }


def test_score_refuses_an_incomplete_response(pulse):
    with pytest.raises(ValueError, match="'re1' is missing"):
        score(pulse, {"aw1": 5, "de1": 4, "kn1": 3, "ab1": 2})


# --- a plugged-in type works end to end ---------------------------------------------------------------


@pytest.fixture
def yesno() -> Iterator[None]:
    saved = dict(QUESTION_TYPES)

    @register_question_type
    class YesNo(QuestionType):
        name = "yesno"
        widget = "radio"
        choices = (0, 1)

        def parse(self, raw: object, *, max_length: int | None = None) -> int:
            if raw not in ("0", "1"):
                raise AnswerError("invalid_value")
            return int(raw)

    yield
    QUESTION_TYPES.clear()
    QUESTION_TYPES.update(saved)


def test_a_new_question_type_needs_only_registration(yesno, write, tmp_path, messages):
    data = valid_survey()
    data["items"].append({"id": "trained", "type": "yesno", "text": {"en": "Trained?", "fr": "Formé ?"}})
    write(data)
    with pytest.raises(SurveyDefinitionError, match=r"scales\.yesno: is missing"):
        load_definitions(tmp_path)
    data["scales"]["yesno"] = {"en": ["No", "Yes"], "fr": ["Non", "Oui"]}
    write(data)
    defn = load_definitions(tmp_path)["demo"]
    assert item_choices(defn, defn.item("trained"), "fr") == [(0, "Non"), (1, "Oui")]
    form = {"aw1": "1", "de1": "2", "kn1": "3", "ab1": "4", "re1": "5", "trained": "maybe"}
    clean, errors = validate_answers(defn, form, "en", messages=messages)
    assert errors == {"trained": "This answer is not valid."}
    clean, errors = validate_answers(defn, {**form, "trained": "1"}, "en", messages=messages)
    assert errors == {} and clean["trained"] == 1
    assert score(defn, clean)["reinforcement"] == 5.0
