"""Property: for any group sizes and any k, no output shows a score for fewer than k people, or lets one
be worked out by subtracting visible figures from the overall.

Each example stores a wave through the real storage core and reads it back through the readiness, trend
and gate APIs, the dashboard and wave readiness pages, and the readiness and responses CSV exports. Then:
- structure: groups with n < k are suppressed with every score null or blank; when the overall is shown,
  the hidden groups hold 0 or at least k responses; comments appear only for shown groups of >= max(k, 10);
- invariance: the hidden groups' answers are shuffled among them (same sizes, same pooled answers), or,
  when even the overall is hidden, replaced outright; every output must stay exactly the same.
"""

from __future__ import annotations

import csv
import io
import random
import re
from dataclasses import dataclass
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, update

from adkar.accounts.models import User
from adkar.analytics.suppression import COMMENTS_MIN_N
from adkar.extensions import db
from adkar.plan import services as plan
from adkar.surveys import registry, waves
from adkar.surveys.definitions import score
from adkar.surveys.models import Response, WaveGroup
from adkar.surveys.responses import split_answers, store_imported
from adkar.surveys.tally import TALLY_COLUMNS
from adkar.timeutil import today

from ..dashboard.pages import normalise
from ..factories import Factory
from .support import sign_in

ITEMS = ("aw1", "de1", "kn1", "ab1", "re1")
SCORE_KEYS = ("mean", "favorable", "barrier", "reached")
EXAMPLES = 25
Answer = tuple[tuple[int, ...], str]  # (the five ADKAR answers, the comment)


@dataclass
class Wave:
    initiative_id: int
    wave_id: int
    milestone_id: int
    group_ids: list[int]
    answers: dict[int, list[Answer]]


class Harness:
    """One app for the whole property; every example builds its own initiative (so nothing to clear)."""

    def __init__(self, app):
        self.app = app
        with app.app_context():
            factory = Factory()
            owner = factory.user("practitioner")
            self.owner_id, self.owner_email = owner.id, owner.email
            self.token = factory.token(owner)
        self.client = sign_in(app, self.owner_email)
        self.api = {"Authorization": f"Bearer {self.token}"}

    def build(self, sizes: list[int], seed: int) -> Wave:
        rng = random.Random(seed)
        with self.app.app_context():
            owner = db.session.get(User, self.owner_id)
            initiative = plan.create_initiative(
                owner=owner, name="Anonymity", approach="sequential", go_live=today() + timedelta(days=30)
            )
            groups = [
                plan.create_group(initiative=initiative, actor=owner, name=f"G{i}", headcount=20)
                for i in range(len(sizes))
            ]
            group_ids = [g.id for g in groups]
            wave = waves.create_wave(
                initiative=initiative,
                actor=owner,
                name="Pulse",
                survey_key="adkar-pulse",
                opens_on=today() - timedelta(days=20),
                closes_on=today() + timedelta(days=5),
                group_ids=group_ids,
            )
            milestone = plan.create_milestone(
                initiative=initiative,
                actor=owner,
                name="Go-live",
                kind="go-live",
                due=wave.closes_on + timedelta(days=1),
                target_element="ability",
                group_ids=group_ids,
            )
            answers = {
                group_id: [
                    (
                        tuple(rng.randint(1, 5) for _ in ITEMS),
                        f"comment-{group_id}-{i}-{rng.randrange(10**6)}",
                    )
                    for i in range(size)
                ]
                for group_id, size in zip(group_ids, sizes, strict=True)
            }
            built = Wave(initiative.id, wave.id, milestone.id, group_ids, answers)
            for group_id in group_ids:
                store(built.wave_id, group_id, answers[group_id])
            db.session.remove()
        return built

    def replace(self, wave: Wave, answers: dict[int, list[Answer]]) -> None:
        with self.app.app_context():
            for group_id, rows in answers.items():
                db.session.execute(
                    delete(Response).where(Response.wave_id == wave.wave_id, Response.group_id == group_id)
                )
                db.session.execute(
                    update(WaveGroup)
                    .where(WaveGroup.wave_id == wave.wave_id, WaveGroup.group_id == group_id)
                    .values(dict.fromkeys(TALLY_COLUMNS, 0))
                )
                db.session.commit()
                store(wave.wave_id, group_id, rows)
            db.session.remove()
        wave.answers.update(answers)

    def outputs(self, wave: Wave) -> dict[str, object]:
        get = self.client.get
        api = self.app.test_client()
        responses_csv = get(f"/waves/{wave.wave_id}/responses.csv")
        return {
            "readiness api": api.get(f"/api/v1/waves/{wave.wave_id}/readiness", headers=self.api).get_json(),
            "trend api": api.get(
                f"/api/v1/initiatives/{wave.initiative_id}/trend", headers=self.api
            ).get_json(),
            "gate api": api.get(f"/api/v1/milestones/{wave.milestone_id}/gate", headers=self.api).get_json(),
            "dashboard": page(get(f"/initiatives/{wave.initiative_id}/dashboard").text),
            "wave readiness": page(get(f"/waves/{wave.wave_id}/readiness").text),
            "readiness csv": get(f"/initiatives/{wave.initiative_id}/readiness.csv").text,
            "responses csv": (
                sorted(responses_csv.text.splitlines())
                if responses_csv.status_code == 200
                else (responses_csv.status_code, normalise(responses_csv.text))
            ),
        }


COMMENT = re.compile(r"<li><blockquote>.*?</blockquote></li>", re.S)
COMMENT_LIST = re.compile(r'(<ul class="comment-list">)(.*?)(</ul>)', re.S)


def page(html: str) -> str:
    """A page without what legitimately differs between renderings: tokens, times, comment order (random)."""
    return COMMENT_LIST.sub(
        lambda m: m.group(1) + "".join(sorted(COMMENT.findall(m.group(2)))) + m.group(3), normalise(html)
    )


def store(wave_id: int, group_id: int, rows: list[Answer]) -> None:
    defn = registry.get("adkar-pulse")
    prepared = []
    for values, comment in rows:
        clean = {**dict(zip(ITEMS, values, strict=True)), "comment": comment}
        answers, text = split_answers(defn, clean)
        prepared.append((answers, score(defn, clean), text))
    store_imported(wave_id=wave_id, group_id=group_id, rows=prepared)


def scores_blank(row: dict) -> bool:
    return all(v is None for key in SCORE_KEYS for v in row[key].values()) and (
        row["adoption"] is None and row["resistance"] is None
    )


def check_rows(name: str, groups: list[dict], overall: dict, k: int) -> list[str]:
    """Suppression of one wave's group rows and overall row, as the API gives them."""
    problems = []
    for row in groups:
        if row["suppressed"] and not scores_blank(row):
            problems.append(f"{name}: group {row['group_id']} is suppressed but has scores")
        if row["n"] < k and not row["suppressed"]:
            problems.append(f"{name}: group {row['group_id']} shown with n={row['n']} < k={k}")
    hidden = sum(row["n"] for row in groups if row["suppressed"])
    if not overall["suppressed"] and 0 < hidden < k:
        problems.append(f"{name}: overall shown while hidden groups hold {hidden} < k={k} responses")
    if overall["n"] < k and not overall["suppressed"]:
        problems.append(f"{name}: overall shown with n={overall['n']} < k={k}")
    if overall["suppressed"] and not scores_blank(overall):
        problems.append(f"{name}: overall suppressed but has scores")
    return problems


def structure_problems(out: dict, wave: Wave, k: int) -> list[str]:
    problems = []
    api = out["readiness api"]
    problems += check_rows("readiness api", api["groups"], api["overall"], k)
    points = out["trend api"]["items"]
    groups = [p for p in points if p["group_id"] is not None]
    (overall,) = [p for p in points if p["group_id"] is None]
    problems += check_rows("trend api", groups, overall, k)
    hidden_ids = {g["group_id"] for g in api["groups"] if g["suppressed"]}
    for gate in out["gate api"]["groups"]:
        if gate["group_id"] in hidden_ids and (gate["value"] is not None or gate["status"] != "no_data"):
            problems.append(f"gate api: hidden group {gate['group_id']} has a value or status")
    problems += csv_problems(out["readiness csv"], k)
    problems += comment_problems(out, wave, api, k)
    sizes = {g["group_id"]: g["n"] for g in api["groups"]}
    if isinstance(out["responses csv"], list):
        labels = [line.split(",", 1)[0] for line in out["responses csv"] if not line.startswith("\ufeff")]
        by_name = {f"G{i}": gid for i, gid in enumerate(wave.group_ids)}
        for label in set(labels):
            count = labels.count(label)
            if label in by_name and (by_name[label] in hidden_ids or count < k):
                problems.append(f"responses csv: {count} rows labelled with hidden group {label}")
            if label not in by_name and count < k:
                problems.append(f"responses csv: pooled label {label!r} on {count} < k rows")
    elif sum(sizes.values()) >= k:
        problems.append("responses csv: withheld although the wave has k responses")
    return problems


def csv_problems(body: str, k: int) -> list[str]:
    rows = list(csv.DictReader(io.StringIO(body.lstrip("\ufeff"))))
    score_columns = [c for c in rows[0] if c.startswith(("mean_", "favorable_", "barrier_", "reached_"))]
    problems = []
    for row in rows:
        blank = all(row[c] == "" for c in [*score_columns, "adoption", "resistance"])
        if int(row["n"]) < k and row["suppressed"] != "yes":
            problems.append(f"readiness csv: {row['group']} shown with n={row['n']} < k")
        if row["suppressed"] == "yes" and not blank:
            problems.append(f"readiness csv: {row['group']} suppressed but has scores")
    groups = [r for r in rows if r["group_id"]]
    (overall,) = [r for r in rows if not r["group_id"]]
    hidden = sum(int(r["n"]) for r in groups if r["suppressed"] == "yes")
    if overall["suppressed"] == "no" and 0 < hidden < k:
        problems.append(f"readiness csv: overall shown while hidden groups hold {hidden} < k")
    return problems


def comment_problems(out: dict, wave: Wave, api: dict, k: int) -> list[str]:
    """A comment may appear only for a shown group of at least max(k, 10) responses."""
    allowed = {
        g["group_id"] for g in api["groups"] if not g["suppressed"] and g["n"] >= max(k, COMMENTS_MIN_N)
    }
    text = "\n".join(str(v) for v in out.values())
    return [
        f"comment of group {group_id} (n={len(rows)}) shown"
        for group_id, rows in wave.answers.items()
        if group_id not in allowed and any(comment in text for _, comment in rows)
    ]


def redistributed(wave: Wave, hidden: list[int]) -> dict[int, list[Answer]]:
    """The hidden groups' responses, reversed and dealt back in the same group sizes."""
    pool = [answer for group_id in hidden for answer in wave.answers[group_id]][::-1]
    dealt, start = {}, 0
    for group_id in hidden:
        size = len(wave.answers[group_id])
        dealt[group_id] = pool[start : start + size]
        start += size
    return dealt


def replaced(wave: Wave) -> dict[int, list[Answer]]:
    """Every response changed (answers mirrored, comments renamed), sizes kept."""
    return {
        group_id: [(tuple(6 - v for v in values), comment + "-x") for values, comment in rows]
        for group_id, rows in wave.answers.items()
    }


@pytest.fixture
def harness(app) -> Harness:
    return Harness(app)


@pytest.mark.slow
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    sizes=st.lists(st.integers(0, 12), min_size=1, max_size=5),
    k=st.integers(3, 7),
    seed=st.integers(0, 2**16),
)
@example(sizes=[2, 6, 12], k=5, seed=1)  # complementary suppression: 6 is hidden to protect 2
@example(sizes=[3, 3], k=5, seed=2)  # every group hidden, overall of 6 shown
@example(sizes=[4], k=5, seed=3)  # the whole wave under k
@example(sizes=[0, 7, 12, 1], k=7, seed=4)  # an empty group and a lone respondent
def test_no_output_reveals_a_group_under_k(harness, sizes, k, seed):
    harness.app.config["MIN_GROUP_SIZE"] = k
    wave = harness.build(sizes, seed)
    before = harness.outputs(wave)
    problems = structure_problems(before, wave, k)
    assert not problems, f"sizes={sizes} k={k}:\n" + "\n".join(problems)

    api = before["readiness api"]
    hidden = [g["group_id"] for g in api["groups"] if g["suppressed"] and g["n"] > 0]
    if api["overall"]["suppressed"]:
        harness.replace(wave, replaced(wave))
    elif len(hidden) >= 2:
        harness.replace(wave, redistributed(wave, hidden))
    else:
        return
    after = harness.outputs(wave)
    changed = [name for name in before if before[name] != after[name]]
    assert not changed, f"sizes={sizes} k={k}: hidden answers changed {changed}"
