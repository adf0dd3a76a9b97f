"""Attacks by differencing: a sponsor reading the API before and after a colleague answers, a practitioner
comparing two exports, padding a small group with known answers, deleting a group to subtract it.

Answers go in as they do in production (personal and open links through the respondent pages, imports
through the storage core that the import page and the API call); the attacker reads only what the app
serves: the readiness API and the responses export.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass, field
from itertools import combinations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adkar.accounts.models import User
from adkar.elements import ELEMENTS
from adkar.extensions import db
from adkar.plan import services as plan
from adkar.plan.models import StakeholderGroup
from adkar.surveys.definitions import registry
from adkar.surveys.definitions.survey import score
from adkar.surveys.responses.services import split_answers, store_imported

from ..surveys.wavedata import count_held, invite, make_wave, open_link, pulse_form
from .support import sign_in

K = 5
ITEMS = ("aw1", "de1", "kn1", "ab1", "re1")


@pytest.fixture
def app_config(app_config):
    return {**app_config, "MIN_GROUP_SIZE": K}


class Attacker:
    """What a practitioner with an API token and the export downloads can read of one wave."""

    def __init__(self, app, factory, wave, owner):
        self.wave_id = wave.id
        self.api = {"Authorization": f"Bearer {factory.token(owner)}"}
        self.client = sign_in(app, owner.email)

    def readiness(self) -> dict:
        db.session.rollback()  # the test's app context is the requests' too: read a fresh snapshot
        response = self.client.get(f"/api/v1/waves/{self.wave_id}/readiness", headers=self.api)
        assert response.status_code == 200, response.get_data(as_text=True)
        return response.get_json()

    def export(self) -> Counter:
        """The export's data rows, as a multiset (their order is random by design)."""
        db.session.rollback()
        response = self.client.get(f"/waves/{self.wave_id}/responses.csv")
        if response.status_code == 409:  # fewer than k responses in the whole wave: no file at all
            return Counter()
        assert response.status_code == 200
        rows = list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))
        start = next((i for i, row in enumerate(rows) if row and row[0] == "Group"), len(rows))
        return Counter(tuple(row) for row in rows[start + 1 :] if row)


def personal(client, wave, group, values, token: str | None = None) -> None:
    form = dict(zip(ITEMS, map(str, values), strict=True))
    assert client.post(f"/s/{token or invite(wave, group)}", data=form).status_code == 303


def imported(wave, group, answer_sets) -> None:
    defn = registry.get(wave.survey_key)
    rows = []
    for values in answer_sets:
        clean = dict(zip(ITEMS, values, strict=True))
        answers, text = split_answers(defn, clean)
        rows.append((answers, score(defn, clean), text))
    store_imported(wave_id=wave.id, group_id=group.id, rows=rows)


def mean(answer_sets, item: int) -> float:
    return sum(values[item] for values in answer_sets) / len(answer_sets)


def group_of(readiness: dict, group_id: int) -> dict:
    return next(g for g in readiness["groups"] if g["group_id"] == group_id)


# --- the attacks of issue 15, one by one ------------------------------------------------------------------


def test_reading_before_and_after_one_colleague_answers_shows_nothing(app, client, factory):
    """Item 6: full-precision means before and after one answer gave that answer exactly."""
    wave, groups, owner = make_wave(factory)
    attacker = Attacker(app, factory, wave, owner)
    for _ in range(K):
        personal(client, wave, groups[0], (4, 4, 4, 4, 4))
    colleague = invite(wave, groups[0])  # invitations are no secret: only answers are
    before, export_before = attacker.readiness(), attacker.export()
    assert before["overall"]["n"] == K

    personal(client, wave, groups[0], (1, 2, 1, 2, 1), colleague)

    assert attacker.readiness() == before
    assert attacker.export() == export_before
    assert client.get(f"/waves/{wave.id}/progress.json").status_code in (302, 401)  # not for respondents
    progress = attacker.client.get(f"/waves/{wave.id}/progress.json").get_json()
    assert set(progress["total"]) == {
        "group_id", "name", "invited", "responded", "published", "held", "response_rate",
    }  # fmt: skip  # counts only: the progress view carries no answer of anyone


def test_padding_a_group_with_known_answers_reveals_no_real_respondent(app, client, factory):
    """Item 5: 4 known answers imported into a group of 1 made it visible and gave away the one person."""
    wave, groups, owner = make_wave(factory)
    attacker = Attacker(app, factory, wave, owner)
    personal(client, wave, groups[0], (1, 1, 1, 1, 1))  # the one real respondent
    known = [(5, 5, 5, 5, 5)] * (K - 1)
    imported(wave, groups[0], known)
    assert attacker.readiness()["overall"]["n"] == 0
    token = open_link(wave, groups[0])
    for _ in range(K - 1):  # the same padding through the open link
        page = client.get(f"/o/{token}").get_data(as_text=True)
        nonce = page.split('name="nonce" value="', 1)[1].split('"', 1)[0]
        assert client.post(f"/o/{token}", data=pulse_form(5, nonce=nonce)).status_code == 303
    assert attacker.readiness()["overall"]["n"] == 0

    imported(wave, groups[0], [(5, 5, 5, 5, 5)])  # the imports alone reach k: published, on their own

    shown = group_of(attacker.readiness(), groups[0].id)
    assert shown["n"] == K
    assert shown["mean"] == dict.fromkeys(ELEMENTS, 5.0)  # the real respondent's 1s are not in it
    assert count_held() == 1 + (K - 1)  # the real one and the open-link padding still wait for their kind


def test_a_sequence_of_exports_never_exposes_a_later_pooled_group(app, client, factory):
    """Item 4: a small new group made the smallest visible group pooled with it; the earlier export, where
    that group was labelled, subtracted from the later pooled rows, gave the small group's rows."""
    wave, groups, owner = make_wave(factory, groups=3)
    attacker = Attacker(app, factory, wave, owner)
    for group, value in ((groups[0], 4), (groups[1], 2)):
        for _ in range(K):
            personal(client, wave, group, (value,) * 5)
    first = attacker.export()
    assert sum(first.values()) == 2 * K

    personal(client, wave, groups[2], (1, 1, 1, 1, 1))  # one person in a third group

    second = attacker.export()
    assert second == first
    assert not any("Other groups" in row[0] for row in second)


def test_deleting_a_group_reveals_no_hidden_group_by_subtraction(app, client, factory):
    """Item 7: deleting a group re-ran suppression and the overall then gave a hidden group away."""
    wave, groups, owner = make_wave(factory, groups=3)
    attacker = Attacker(app, factory, wave, owner)
    small, middle, large = groups
    for _ in range(2):
        personal(client, wave, small, (1, 1, 1, 1, 1))
    for group, count in ((middle, K), (large, K + 1)):
        for _ in range(count):
            personal(client, wave, group, (4, 4, 4, 4, 4))
    before = attacker.readiness()

    plan.delete_group(group=db.session.get(StakeholderGroup, large.id), actor=db.session.get(User, owner.id))

    after = attacker.readiness()
    assert after["overall"]["n"] == K  # the middle group alone: the small group's answers never counted
    assert after["overall"]["mean"] == group_of(before, middle.id)["mean"] == dict.fromkeys(ELEMENTS, 4.0)
    assert group_of(after, small.id)["n"] == 0


# --- the property: any sequence of answers, reads, exports and deletions ----------------------------------


@dataclass
class Model:
    """What the app must have published: per group, the answer sets of each kind, held or published."""

    k: int
    held: dict[tuple[int, str], list] = field(default_factory=dict)
    published: dict[int, list] = field(default_factory=dict)

    def receive(self, group_id: int, kind: str, answer_sets: list) -> None:
        waiting = self.held.setdefault((group_id, kind), [])
        if kind == "import" and len(answer_sets) >= self.k:
            self.published.setdefault(group_id, []).extend(waiting + answer_sets)
            waiting.clear()
            return
        waiting.extend(answer_sets)
        if len(waiting) >= self.k:
            self.published.setdefault(group_id, []).extend(waiting)
            waiting.clear()


ANSWER = st.tuples(*[st.integers(1, 5)] * 5)
ACTION = st.one_of(
    st.tuples(st.just("personal"), st.integers(0, 2), ANSWER),
    st.tuples(st.just("open"), st.integers(0, 2), ANSWER),
    st.tuples(st.just("import"), st.integers(0, 2), st.lists(ANSWER, min_size=1, max_size=7)),
    st.tuples(st.just("delete"), st.integers(0, 2), st.none()),
)


@pytest.mark.slow
@settings(
    max_examples=12,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(actions=st.lists(ACTION, min_size=1, max_size=18), k=st.integers(3, 5))
def test_no_sequence_of_reads_isolates_fewer_than_k_people(app, client, factory, actions, k):
    app.config["MIN_GROUP_SIZE"] = k
    wave, groups, owner = make_wave(factory, groups=3)
    attacker = Attacker(app, factory, wave, owner)
    links = {g.id: open_link(wave, g) for g in groups}
    model, alive = Model(k), {g.id for g in groups}
    readings, exports = [attacker.readiness()], [attacker.export()]
    epochs = [0]  # deletions so far: a deletion and a publication between two readings may net below k
    for kind, index, payload in actions:
        group = groups[index]
        if group.id not in alive:
            continue
        if kind == "personal":
            personal(client, wave, group, payload)
            model.receive(group.id, kind, [payload])
        elif kind == "open":
            page = client.get(f"/o/{links[group.id]}").get_data(as_text=True)
            nonce = page.split('name="nonce" value="', 1)[1].split('"', 1)[0]
            form = dict(zip(ITEMS, map(str, payload), strict=True)) | {"nonce": nonce}
            assert client.post(f"/o/{links[group.id]}", data=form).status_code == 303
            model.receive(group.id, kind, [payload])
        elif kind == "import":
            imported(wave, group, payload)
            model.receive(group.id, kind, list(payload))
        else:
            plan.delete_group(
                group=db.session.get(StakeholderGroup, group.id), actor=db.session.get(User, owner.id)
            )
            alive.discard(group.id)
            model.published.pop(group.id, None)
        readings.append(attacker.readiness())
        exports.append(attacker.export())
        epochs.append(epochs[-1] + (kind == "delete"))

        for g in readings[-1]["groups"]:  # exactly what the model published, and nothing held
            expected = model.published.get(g["group_id"], [])
            assert g["n"] == len(expected)
            if expected and not g["suppressed"]:
                for i, element in enumerate(ELEMENTS):
                    assert g["mean"][element] == pytest.approx(mean(expected, i))

    for reading in readings:  # every count anyone can read is 0 or at least k people
        assert all(g["n"] == 0 or g["n"] >= k for g in reading["groups"])
        assert reading["overall"]["n"] == 0 or reading["overall"]["n"] >= k
    for (one, one_epoch), (other, other_epoch) in combinations(zip(readings, epochs, strict=True), 2):
        common = {g["group_id"] for g in one["groups"]} & {g["group_id"] for g in other["groups"]}
        for group_id in common:  # and so is every difference between two readings
            change = abs(group_of(one, group_id)["n"] - group_of(other, group_id)["n"])
            assert change == 0 or change >= k
        if one_epoch == other_epoch:
            change = abs(one["overall"]["n"] - other["overall"]["n"])
            assert change == 0 or change >= k
    for one, other in combinations(exports, 2):  # rows added between any two exports come k at a time
        added = sum((other - one).values())
        assert added == 0 or added >= k
