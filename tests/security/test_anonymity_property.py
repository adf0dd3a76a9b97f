"""Property: for any group sizes and any k, no output shows a score for fewer than k people, or lets one
be worked out by subtracting visible figures from the overall.

Each example stores two waves (an earlier one, then the current one, each with its own random group sizes)
through the real storage core, gives every group an action started between them and usage figures, and
reads everything back: the readiness, trend, gate and actions APIs, the dashboard (with its actions panel
and usage chart), the wave readiness, adoption and action-plan pages, the self-contained HTML report, and
the readiness (CSV, XLSX), responses (CSV) and actions (CSV, XLSX) exports. Then:
- structure: groups with n < k are suppressed with every score null or blank; when the overall is shown,
  the hidden groups hold 0 or at least k responses; comments appear only for shown groups of >= max(k, 10);
  an action's effect is given only when its group is shown in the waves either side of its start (and
  then equals the means shown there); the usage chart's survey adoption and resistance points of hidden
  groups are gaps; barrier points and action cards name only groups shown in that wave;
- invariance: in each wave, the hidden groups' answers are shuffled among them (same sizes, same pooled
  answers), or, when even the overall is hidden, replaced outright; every output must stay exactly the same.
"""

from __future__ import annotations

import csv
import io
import json
import random
import re
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from flask import current_app
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from sqlalchemy import delete, update

from adkar.accounts.models import User
from adkar.actions import services as actions
from adkar.adoption import services as adoption
from adkar.elements import ELEMENTS
from adkar.extensions import db
from adkar.plan import services as plan
from adkar.rules.anonymity import COMMENTS_MIN_N, MIN_K
from adkar.surveys.definitions import registry
from adkar.surveys.definitions.survey import score
from adkar.surveys.models import HeldAnswer, Response, WaveGroup
from adkar.surveys.responses.services import split_answers, store_imported
from adkar.surveys.responses.tally import TALLY_COLUMNS
from adkar.surveys.waves import services as waves
from adkar.timeutil import today

from ..dashboard.pages import normalise
from ..factories import Factory
from .support import sign_in

ITEMS = ("aw1", "de1", "kn1", "ab1", "re1")
SCORE_KEYS = ("mean", "favorable", "barrier", "reached")
EXAMPLES = 25
Answer = tuple[tuple[int, ...], str]  # (the five ADKAR answers, the comment)
CURRENT, EARLIER = "Pulse", "Baseline"  # the waves' names; the earlier closed before every action started


@dataclass
class Wave:
    initiative_id: int
    wave_id: int
    milestone_id: int
    group_ids: list[int]
    answers: dict[int, list[Answer]]
    earlier: Wave | None = None  # the initiative's earlier wave (same groups, its own sizes and answers)
    action_elements: dict[int, str] = field(default_factory=dict)  # group_id -> its action's element


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

    def build(self, sizes: list[int], seed: int, earlier_sizes: list[int]) -> Wave:
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
            baseline = waves.create_wave(
                initiative=initiative,
                actor=owner,
                name=EARLIER,
                survey_key="adkar-pulse",
                opens_on=today() - timedelta(days=60),
                closes_on=today() - timedelta(days=40),
                group_ids=group_ids,
            )
            wave = waves.create_wave(
                initiative=initiative,
                actor=owner,
                name=CURRENT,
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
            earlier = Wave(
                initiative.id,
                baseline.id,
                milestone.id,
                group_ids,
                random_answers(rng, group_ids, earlier_sizes, EARLIER),
            )
            built = Wave(
                initiative.id,
                wave.id,
                milestone.id,
                group_ids,
                random_answers(rng, group_ids, sizes, CURRENT),
                earlier,
            )
            for one in (earlier, built):
                for group_id in group_ids:
                    store(one.wave_id, group_id, one.answers[group_id])
            for group in groups:
                element = rng.choice(ELEMENTS)
                built.action_elements[group.id] = element
                actions.create_action(
                    group=group,
                    actor=owner,
                    element=element,
                    what=f"Action for {group.name}",
                    owner="Lead",
                    starts_on=today() - timedelta(days=30),  # between the two waves
                    due_on=today() + timedelta(days=10),
                    status="in_progress",
                )
            adoption.import_figures(
                initiative=initiative,
                actor=owner,
                rows=[
                    {"group_id": g, "day": today() - timedelta(days=d), "active_users": rng.randint(0, 20)}
                    for g in group_ids
                    for d in (15, 2)
                ],
                source="api",
            )
            db.session.remove()
        return built

    def replace(self, wave: Wave, answers: dict[int, list[Answer]]) -> None:
        with self.app.app_context():
            for group_id, rows in answers.items():
                for table in (Response, HeldAnswer):
                    db.session.execute(
                        delete(table).where(table.wave_id == wave.wave_id, table.group_id == group_id)
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
        initiative = f"/initiatives/{wave.initiative_id}"
        out: dict[str, object] = {}
        for prefix, one in (("", wave), ("earlier ", wave.earlier)):
            assert one is not None
            responses_csv = get(f"/waves/{one.wave_id}/responses.csv")
            out |= {
                f"{prefix}readiness api": api.get(
                    f"/api/v1/waves/{one.wave_id}/readiness", headers=self.api
                ).get_json(),
                f"{prefix}wave readiness": page(get(f"/waves/{one.wave_id}/readiness").text),
                f"{prefix}responses csv": (
                    sorted(responses_csv.text.splitlines())
                    if responses_csv.status_code == 200
                    else (responses_csv.status_code, normalise(responses_csv.text))
                ),
            }
        out |= {
            "trend api": api.get(f"/api/v1{initiative}/trend", headers=self.api).get_json(),
            "gate api": api.get(f"/api/v1/milestones/{wave.milestone_id}/gate", headers=self.api).get_json(),
            "actions api": api.get(f"/api/v1{initiative}/actions", headers=self.api).get_json(),
            "dashboard": page(get(f"{initiative}/dashboard").text),
            "report": page(get(f"{initiative}/report.html").text),
            "adoption": page(get(f"{initiative}/adoption").text),
            "initiative actions": page(get(f"{initiative}/actions").text),
            **{f"group {g} actions": page(get(f"/groups/{g}/actions").text) for g in wave.group_ids},
            "readiness csv": get(f"{initiative}/readiness.csv").text,
            "readiness xlsx": xlsx_rows(get(f"{initiative}/readiness.xlsx").data),
            "actions csv": get(f"{initiative}/actions.csv").text,
            "actions xlsx": xlsx_rows(get(f"{initiative}/actions.xlsx").data),
        }
        return out


COMMENT = re.compile(r"<li><blockquote>.*?</blockquote></li>", re.S)
COMMENT_LIST = re.compile(r'(<ul class="comment-list">)(.*?)(</ul>)', re.S)


def page(html: str) -> str:
    """A page without what legitimately differs between renderings: tokens, times, comment order (random)."""
    return COMMENT_LIST.sub(
        lambda m: m.group(1) + "".join(sorted(COMMENT.findall(m.group(2)))) + m.group(3), normalise(html)
    )


def random_answers(
    rng: random.Random, group_ids: list[int], sizes: list[int], wave: str
) -> dict[int, list[Answer]]:
    """Random answers; comments unique to their wave, group and respondent (ended, so none is a prefix)."""
    return {
        group_id: [
            (
                tuple(rng.randint(1, 5) for _ in ITEMS),
                f"comment-{wave}-{group_id}-{i}-{rng.randrange(10**6)}.",
            )
            for i in range(size)
        ]
        for group_id, size in zip(group_ids, sizes, strict=True)
    }


def xlsx_rows(body: bytes) -> dict[str, list[list]]:
    """Every sheet's cell values (the "About" sheet's export date is the same in both readings)."""
    workbook = load_workbook(io.BytesIO(body))  # not read_only: that mode drops a row's trailing blanks
    return {sheet.title: [list(row) for row in sheet.iter_rows(values_only=True)] for sheet in workbook}


def store(wave_id: int, group_id: int, rows: list[Answer]) -> None:
    """Import the rows as published under the lowest k there is (3), then read under the example's k:
    groups of 3 to k-1 are then published and small, as after an installation raised its k, so the
    suppression rules have small groups to hide; groups of 1 or 2 stay held, as they always do."""
    defn = registry.get("adkar-pulse")
    config = current_app.config
    k, config["MIN_GROUP_SIZE"] = config["MIN_GROUP_SIZE"], MIN_K
    prepared = []
    for values, comment in rows:
        clean = {**dict(zip(ITEMS, values, strict=True)), "comment": comment}
        answers, text = split_answers(defn, clean)
        prepared.append((answers, score(defn, clean), text))
    try:
        store_imported(wave_id=wave_id, group_id=group_id, rows=prepared)
    finally:
        config["MIN_GROUP_SIZE"] = k


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
    assert wave.earlier is not None
    problems = []
    apis = {wave.wave_id: out["readiness api"], wave.earlier.wave_id: out["earlier readiness api"]}
    hidden = {w: {g["group_id"] for g in api["groups"] if g["suppressed"]} for w, api in apis.items()}
    for prefix, one in (("", wave), ("earlier ", wave.earlier)):
        api = out[f"{prefix}readiness api"]
        problems += check_rows(f"{prefix}readiness api", api["groups"], api["overall"], k)
        problems += comment_problems(out, one, api, k)
        problems += responses_csv_problems(
            f"{prefix}responses csv", out[f"{prefix}responses csv"], one, api, k
        )
    points = out["trend api"]["items"]
    for wave_id in apis:
        groups = [p for p in points if p["wave_id"] == wave_id and p["group_id"] is not None]
        (overall,) = [p for p in points if p["wave_id"] == wave_id and p["group_id"] is None]
        problems += check_rows(f"trend api (wave {wave_id})", groups, overall, k)
    for gate in out["gate api"]["groups"]:
        if gate["group_id"] in hidden.get(gate["wave_id"], ()) and (
            gate["value"] is not None or gate["status"] != "no_data"
        ):
            problems.append(f"gate api: hidden group {gate['group_id']} has a value or status")
    problems += table_problems("readiness csv", csv_table(out["readiness csv"]), k)
    problems += table_problems("readiness xlsx", xlsx_table(out["readiness xlsx"]["Readiness"]), k)
    problems += effect_problems(out, wave)
    for name in ("adoption", "dashboard"):
        problems += usage_chart_problems(name, out[name], apis)
    problems += barrier_problems(out, wave, apis)
    problems += action_card_problems(out, wave, apis)
    return problems


def responses_csv_problems(name: str, body: object, wave: Wave, api: dict, k: int) -> list[str]:
    hidden_ids = {g["group_id"] for g in api["groups"] if g["suppressed"]}
    problems = []
    if isinstance(body, list):
        labels = [line.split(",", 1)[0] for line in body if not line.startswith("\ufeff")]
        by_name = {f"G{i}": gid for i, gid in enumerate(wave.group_ids)}
        for label in set(labels):
            count = labels.count(label)
            if label in by_name and (by_name[label] in hidden_ids or count < k):
                problems.append(f"{name}: {count} rows labelled with hidden group {label}")
            if label not in by_name and count < k:
                problems.append(f"{name}: pooled label {label!r} on {count} < k rows")
    elif sum(g["n"] for g in api["groups"]) >= k:
        problems.append(f"{name}: withheld although the wave has k responses")
    return problems


def csv_table(body: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(body.lstrip("\ufeff"))))


def xlsx_table(rows: list[list]) -> list[dict[str, str]]:
    """The XLSX readiness sheet as the CSV reads (blank cells "", everything else as text)."""
    header, *body = rows
    return [{h: "" if v is None else str(v) for h, v in zip(header, row, strict=True)} for row in body]


def table_problems(name: str, rows: list[dict[str, str]], k: int) -> list[str]:
    """The readiness export: one row per wave and group, then the wave's overall row."""
    score_columns = [c for c in rows[0] if c.startswith(("mean_", "favorable_", "barrier_", "reached_"))]
    problems = []
    for row in rows:
        blank = all(row[c] == "" for c in [*score_columns, "adoption", "resistance"])
        if int(row["n"]) < k and row["suppressed"] != "yes":
            problems.append(f"{name}: {row['group']} shown with n={row['n']} < k")
        if row["suppressed"] == "yes" and not blank:
            problems.append(f"{name}: {row['group']} suppressed but has scores")
    for wave_id in dict.fromkeys(r["wave_id"] for r in rows):
        groups = [r for r in rows if r["wave_id"] == wave_id and r["group_id"]]
        (overall,) = [r for r in rows if r["wave_id"] == wave_id and not r["group_id"]]
        hidden = sum(int(r["n"]) for r in groups if r["suppressed"] == "yes")
        if overall["suppressed"] == "no" and 0 < hidden < k:
            problems.append(f"{name}: overall of wave {wave_id} shown while hidden groups hold {hidden} < k")
    return problems


def shown(row: dict) -> bool:
    return not row["suppressed"] and row["n"] > 0


def effect_problems(out: dict, wave: Wave) -> list[str]:
    """An action's effect compares the group's means in the earlier and the current wave: it may exist only
    when the group is shown in both, and must then be exactly those shown means."""
    current = {g["group_id"]: g for g in out["readiness api"]["groups"]}
    earlier = {g["group_id"]: g for g in out["earlier readiness api"]["groups"]}
    problems = []
    items = out["actions api"]["items"]
    if sorted(a["group_id"] for a in items) != sorted(wave.group_ids):
        problems.append("actions api: not one action per group")
    for action in items:
        group_id, element, effect = action["group_id"], action["element"], action["effect"]
        both = shown(earlier[group_id]) and shown(current[group_id])
        if effect is None:
            if both:
                problems.append(f"actions api: group {group_id} is shown in both waves but has no effect")
        elif not both:
            problems.append(f"actions api: group {group_id} has an effect although hidden in a wave")
        else:
            means = (effect["before"]["mean"], effect["after"]["mean"])
            expected = (earlier[group_id]["mean"][element], current[group_id]["mean"][element])
            if any(abs(a - b) > 1e-9 for a, b in zip(means, expected, strict=True)):
                problems.append(
                    f"actions api: group {group_id} effect {means} is not the shown means {expected}"
                )
    return problems


USAGE_CHART = re.compile(
    r'<script type="application/json" class="chart-data" data-target="usage-adoption">(.*?)</script>'
)
SURVEY_SERIES = {"Survey adoption": "adoption", "Survey resistance": "resistance"}


def usage_chart_problems(name: str, html: str, apis: dict[int, dict]) -> list[str]:
    """The usage chart's survey points: a gap for every hidden group (or overall), the shown share otherwise."""
    match = USAGE_CHART.search(html)
    if match is None:
        return [f"{name}: no usage chart"]
    figure = json.loads(match.group(1))
    by_day = {api["wave"]["closes_on"]: api for api in apis.values()}
    problems = []
    traces = [t for t in figure["data"] if t["name"] in SURVEY_SERIES]
    if not traces:
        problems.append(f"{name}: the usage chart has no survey series")
    for trace in traces:
        measure = SURVEY_SERIES[trace["name"]]
        for day, value, text in zip(trace["x"], trace["y"], trace["text"], strict=True):
            api = by_day[day]
            label = text.split(" · ", 1)[0]
            rows = (
                [api["overall"]] if label == "Overall" else [g for g in api["groups"] if g["name"] == label]
            )
            if len(rows) != 1:
                problems.append(f"{name}: usage chart point {label!r} on {day} names no group of the wave")
                continue
            row = rows[0]
            if row["suppressed"] and (value is not None or "hidden for anonymity" not in text):
                problems.append(f"{name}: usage chart shows {measure} of hidden {label} on {day}: {text!r}")
            elif value is not None and (row[measure] is None or abs(value - row[measure]) > 1e-9):
                problems.append(f"{name}: usage chart {measure} of {label} on {day} is not the shown share")
    return problems


BARRIER_SECTION = re.compile(r'aria-labelledby="barrier-heading">(.*?)</section>', re.S)


def barrier_problems(out: dict, wave: Wave, apis: dict[int, dict]) -> list[str]:
    """A group's action page names its barrier point from the latest wave where the group is shown."""
    order = [(EARLIER, apis[wave.earlier.wave_id]), (CURRENT, apis[wave.wave_id])]
    problems = []
    for group_id in wave.group_ids:
        visible = [
            name for name, api in order if any(g["group_id"] == group_id and shown(g) for g in api["groups"])
        ]
        section = BARRIER_SECTION.search(out[f"group {group_id} actions"])
        text = section.group(1) if section else ""
        expected = f"In {visible[-1]}, " if visible else "No survey wave shows this group yet"
        if expected not in text:
            problems.append(
                f"group {group_id} actions: barrier point not from {expected!r}: {text.strip()[:200]!r}"
            )
    return problems


PLAN_CARD = re.compile(r'id="plan-(\d+)"')


def action_card_problems(out: dict, wave: Wave, apis: dict[int, dict]) -> list[str]:
    """Action cards sit beside groups at risk: groups shown in the latest wave whose overall is shown."""
    reporting = [
        api for api in (apis[wave.wave_id], apis[wave.earlier.wave_id]) if not api["overall"]["suppressed"]
    ]
    allowed = {g["group_id"] for g in reporting[0]["groups"] if shown(g)} if reporting else set()
    return [
        f"{name}: an action card for group {group_id}, not shown in the reporting wave"
        for name in ("dashboard", "report")
        for group_id in map(int, PLAN_CARD.findall(out[name]))
        if group_id not in allowed
    ]


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
    earlier=st.lists(st.integers(0, 12), min_size=5, max_size=5),
    k=st.integers(3, 7),
    seed=st.integers(0, 2**16),
)
# earlier: the earlier wave's group sizes (the first len(sizes) of them)
@example(sizes=[2, 6, 12], earlier=[12, 6, 2, 0, 0], k=5, seed=1)  # complementary suppression: 6 hides 2
@example(sizes=[3, 3], earlier=[3, 3, 0, 0, 0], k=5, seed=2)  # every group hidden, overall of 6 shown
@example(sizes=[4], earlier=[4, 0, 0, 0, 0], k=5, seed=3)  # the whole wave under k
@example(sizes=[0, 7, 12, 1], earlier=[7, 0, 1, 12, 0], k=7, seed=4)  # an empty group and a lone respondent
@example(sizes=[8, 9, 10], earlier=[10, 4, 9, 0, 0], k=5, seed=5)  # effects shown, and hidden in one wave
def test_no_output_reveals_a_group_under_k(harness, sizes, earlier, k, seed):
    harness.app.config["MIN_GROUP_SIZE"] = k
    wave = harness.build(sizes, seed, earlier[: len(sizes)])
    assert wave.earlier is not None
    before = harness.outputs(wave)
    problems = structure_problems(before, wave, k)
    assert not problems, f"sizes={sizes} earlier={earlier[: len(sizes)]} k={k}:\n" + "\n".join(problems)
    effects = [a["effect"] is not None for a in before["actions api"]["items"]]
    event(
        f"actions with a measured effect: {'none' if not any(effects) else 'all' if all(effects) else 'some'}"
    )

    changed_any = False
    for one, api in ((wave, before["readiness api"]), (wave.earlier, before["earlier readiness api"])):
        hidden = [g["group_id"] for g in api["groups"] if g["suppressed"] and g["n"] > 0]
        if api["overall"]["suppressed"]:
            harness.replace(one, replaced(one))
        elif len(hidden) >= 2:
            harness.replace(one, redistributed(one, hidden))
        else:
            continue
        changed_any = True
    event(f"hidden answers changed: {'yes' if changed_any else 'no (nothing hidden to move)'}")
    if not changed_any:
        return
    after = harness.outputs(wave)
    changed = [name for name in before if before[name] != after[name]]
    assert not changed, (
        f"sizes={sizes} earlier={earlier[: len(sizes)]} k={k}: hidden answers changed {changed}"
    )
