"""A new question type end to end, as docs/question-types.md describes it: one registered class and a
definition that uses it give a respondent control with translated labels, the type's own check on every
submission, a stored answer and an export column, with the ADKAR scores untouched."""

from __future__ import annotations

import csv
import io
import shutil
from collections.abc import Iterator

import pytest
from sqlalchemy import select

from adkar.extensions import db
from adkar.resources import resource_dir
from adkar.surveys.definitions.questions import (
    QUESTION_TYPES,
    AnswerError,
    QuestionType,
    register_question_type,
)
from adkar.surveys.models import Response

from .wavedata import count_held, count_responses, invite, make_wave, pulse_form

K = 3
SURVEY = "training-check"
SCALE_AND_ITEM = """
[scales.yesno]
en = ["No", "Yes"]
fr = ["Non", "Oui"]
de = ["Nein", "Ja"]

[[items]]
id = "tr1"
type = "yesno"
required = true
text.en = "I have attended the training session."
text.fr = "J’ai suivi la session de formation."
text.de = "Ich habe an der Schulung teilgenommen."
"""


class YesNo(QuestionType):
    """The doc's example: a yes/no question, answered 0 or 1, not scored."""

    name = "yesno"
    widget = "radio"
    choices = (0, 1)

    def parse(self, raw: object, *, max_length: int | None = None) -> int:
        if raw in ("0", "1", 0, 1) and not isinstance(raw, bool):
            return int(raw)
        raise AnswerError("invalid_value")


@pytest.fixture
def yes_no_registered() -> Iterator[None]:
    saved = dict(QUESTION_TYPES)
    register_question_type(YesNo)
    yield
    QUESTION_TYPES.clear()
    QUESTION_TYPES.update(saved)


@pytest.fixture
def app_config(app_config, yes_no_registered, tmp_path):
    """The shipped surveys plus one that adds a yes/no item to the pulse."""
    directory = tmp_path / "surveys"
    shutil.copytree(resource_dir("surveys"), directory)
    pulse = (directory / "adkar-pulse.toml").read_text(encoding="utf-8")
    (directory / f"{SURVEY}.toml").write_text(pulse + SCALE_AND_ITEM, encoding="utf-8")
    return {**app_config, "SURVEYS_DIR": str(directory), "MIN_GROUP_SIZE": K}


def test_the_item_is_drawn_as_radios_with_the_survey_labels(client, factory):
    wave, groups, _ = make_wave(factory, survey=SURVEY)
    page = client.get(f"/s/{invite(wave, groups[0])}?lang=fr").get_data(as_text=True)
    assert "J’ai suivi la session de formation." in page
    for value, label in (("0", "Non"), ("1", "Oui")):
        assert f'name="tr1" value="{value}"' in page
        assert label in page


def test_an_answer_the_type_refuses_stores_nothing(client, factory):
    wave, groups, _ = make_wave(factory, survey=SURVEY)
    token = invite(wave, groups[0])
    response = client.post(f"/s/{token}", data=pulse_form(4, tr1="2"))
    assert response.status_code == 400
    assert 'id="tr1' in response.get_data(as_text=True)
    assert (count_held(), count_responses()) == (0, 0)
    assert client.post(f"/s/{token}", data=pulse_form(4)).status_code == 400  # required, like it says


def test_answers_are_stored_exported_and_leave_the_scores_alone(client, auth, factory):
    wave, groups, owner = make_wave(factory, survey=SURVEY)
    for answer in ("1", "0", "1"):
        assert client.post(f"/s/{invite(wave, groups[0])}", data=pulse_form(4, tr1=answer)).status_code == 303
    rows = db.session.scalars(select(Response).where(Response.wave_id == wave.id)).all()
    assert sorted(row.answers["tr1"] for row in rows) == [0, 1, 1]
    assert {(row.score_awareness, row.score_reinforcement) for row in rows} == {(4.0, 4.0)}

    auth.login(owner.email)
    exported = client.get(f"/waves/{wave.id}/responses.csv").data.decode("utf-8-sig")
    table = list(csv.reader(io.StringIO(exported, newline="")))
    column = table[0].index("tr1: I have attended the training session.")
    assert sorted(row[column] for row in table[1:]) == ["0", "1", "1"]
