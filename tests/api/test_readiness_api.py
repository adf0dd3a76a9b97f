"""Readiness over the API, against numbers worked out by hand (k = 5), on every engine the suite runs.

The scenario (tests/dashboard/scenario.py): Baseline (closed 5 days ago) holds Service desk only,
1 respondent clearing everything and 4 stopping at awareness. Pulse 2 (open) holds Service desk
(6 respondents, one barrier point each at awareness, desire, knowledge and ability, two with none),
Field engineers (5 clearing everything, via an open link for a headcount of 20) and Legal (4, barrier
awareness, nobody invited). Legal is hidden (4 < 5); the hidden responses (4) would then be revealed by
subtraction, so Field engineers (the smallest visible group) is hidden too.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from pandas.testing import assert_frame_equal

from adkar.elements import BARRIER_CHOICES, ELEMENTS
from adkar.plan import services as plan_services
from adkar.plan.models import Milestone
from adkar.readiness.loaders import load_counts, scan_counts

from ..dashboard import scenario as story
from ..dashboard.builders import fresh, make_wave, respond, submit
from ..surveys.wavedata import count_held

SCORE_FIELDS = ("mean", "favorable", "barrier", "reached", "adoption", "resistance")


def approx(value):
    return pytest.approx(value, rel=1e-12, abs=1e-12)


def shares(values: dict, n: int) -> dict:
    return {key: approx(count / n) for key, count in values.items()}


@pytest.fixture
def world(factory):
    s = story.build(factory)
    s.tokens = {
        "owner": factory.token(s.owner),
        "sponsor": factory.token(s.sponsor),
        "stranger": factory.token(s.stranger),
        "admin": factory.token(factory.user("admin")),
    }
    return s


DESK_PULSE_2 = {
    "group_id": None,  # filled in by the test
    "name": "Service desk",
    "n": 6,
    "invited": 10,
    "response_rate": approx(0.6),
    "suppressed": False,
    "mean": {
        "awareness": approx(24 / 6),
        "desire": approx(23 / 6),
        "knowledge": approx(24 / 6),
        "ability": approx(23 / 6),
        "reinforcement": approx(22 / 6),
    },
    "favorable": shares(dict.fromkeys(ELEMENTS, 5), 6),
    "barrier": shares(
        {"awareness": 1, "desire": 1, "knowledge": 1, "ability": 1, "reinforcement": 0, "none": 2}, 6
    ),
    "reached": shares({"awareness": 5, "desire": 4, "knowledge": 3, "ability": 2, "reinforcement": 2}, 6),
    "adoption": approx(2 / 6),
    "resistance": approx(2 / 6),
}
OVERALL_PULSE_2 = {
    "n": 15,
    "invited": 30,
    "response_rate": approx(0.5),
    "suppressed": False,
    # Service desk sums + 5 x 4.0 (Field engineers) + 4 x (1, 1, 2, 1, 1) (Legal)
    "mean": {
        "awareness": approx(48 / 15),
        "desire": approx(47 / 15),
        "knowledge": approx(52 / 15),
        "ability": approx(47 / 15),
        "reinforcement": approx(46 / 15),
    },
    "favorable": shares(dict.fromkeys(ELEMENTS, 10), 15),
    "barrier": shares(
        {"awareness": 5, "desire": 1, "knowledge": 1, "ability": 1, "reinforcement": 0, "none": 7}, 15
    ),
    "reached": shares({"awareness": 10, "desire": 9, "knowledge": 8, "ability": 7, "reinforcement": 7}, 15),
    "adoption": approx(7 / 15),
    "resistance": approx(6 / 15),
}
NULL_SCORES = {
    "mean": dict.fromkeys(ELEMENTS),
    "favorable": dict.fromkeys(ELEMENTS),
    "barrier": dict.fromkeys(BARRIER_CHOICES),
    "reached": dict.fromkeys(ELEMENTS),
    "adoption": None,
    "resistance": None,
}


def test_wave_readiness_matches_the_hand_computed_figures(api, world):
    response = api.get(f"/waves/{world.pulse_id}/readiness", world.tokens["owner"])
    assert response.status_code == 200
    body = response.get_json()
    assert body["min_group_size"] == 5
    assert body["wave"]["id"] == world.pulse_id
    assert body["wave"]["closes_on"] == (world.day + timedelta(days=5)).isoformat()
    assert [g["group_id"] for g in body["groups"]] == [world.desk.id, world.field.id, world.legal.id]
    assert body["groups"][0] == {**DESK_PULSE_2, "group_id": world.desk.id}
    assert body["overall"] == OVERALL_PULSE_2


def test_small_group_and_its_complement_carry_no_scores(api, world):
    body = api.get(f"/waves/{world.pulse_id}/readiness", world.tokens["sponsor"]).get_json()
    _, field, legal = body["groups"]
    # Legal: 4 responses < k = 5. Its count, invitations and rate stay.
    assert legal == {
        "group_id": world.legal.id,
        "name": "Legal",
        "n": 4,
        "invited": 0,
        "response_rate": None,
        "suppressed": True,
        **NULL_SCORES,
    }
    # Field engineers: 5 responses, hidden so that Legal cannot be worked out as overall minus visible.
    assert field == {
        "group_id": world.field.id,
        "name": "Field engineers",
        "n": 5,
        "invited": 20,  # the open link counts the group's headcount as invited
        "response_rate": approx(0.25),
        "suppressed": True,
        **NULL_SCORES,
    }


def test_overall_is_suppressed_below_k(api, app, factory, world):
    tiny = make_wave(
        world.initiative,
        world.owner,
        [world.desk, world.legal],
        name="Tiny",
        opens_on=world.day,
        closes_on=world.day + timedelta(days=3),
    )
    # Answers are held until a group has k: these were published at k = 3, then the minimum was raised.
    respond(tiny.id, world.desk.id, [story.ALL_FOUR] * 3, published_at_k=3)
    respond(tiny.id, world.legal.id, [story.ALL_FOUR] * 3, published_at_k=3)
    app.config["MIN_GROUP_SIZE"] = 7
    body = api.get(f"/waves/{tiny.id}/readiness", world.tokens["owner"]).get_json()
    assert body["min_group_size"] == 7
    assert [(g["n"], g["suppressed"]) for g in body["groups"]] == [(3, True), (3, True)]
    assert body["overall"] == {"n": 6, "invited": 0, "response_rate": None, "suppressed": True, **NULL_SCORES}


def test_trend_has_one_point_per_wave_and_group_then_overall_in_time_order(api, world):
    response = api.get(f"/initiatives/{world.initiative.id}/trend", world.tokens["sponsor"])
    assert response.status_code == 200
    points = response.get_json()["items"]
    assert [(p["wave_name"], p["name"], p["group_id"]) for p in points] == [
        ("Baseline", "Service desk", world.desk.id),
        ("Baseline", "Overall", None),
        ("Pulse 2", "Service desk", world.desk.id),
        ("Pulse 2", "Field engineers", world.field.id),
        ("Pulse 2", "Legal", world.legal.id),
        ("Pulse 2", "Overall", None),
    ]
    baseline_desk, baseline_overall, desk, field, legal, overall = points
    assert baseline_desk["closes_on"] == (world.day - timedelta(days=5)).isoformat()
    # Baseline: 1 respondent clears everything, 4 stop at awareness (scores 4.0 and 2.0).
    for point in (baseline_desk, baseline_overall):
        assert point["n"] == 5
        assert point["mean"] == dict.fromkeys(ELEMENTS, approx(2.4))
        assert point["barrier"] == shares({"awareness": 4, "none": 1} | dict.fromkeys(ELEMENTS[1:], 0), 5)
        assert (point["adoption"], point["resistance"]) == (approx(0.2), approx(0.8))
        assert point["response_rate"] == approx(0.5)
    assert {k: desk[k] for k in DESK_PULSE_2 if k != "group_id"} == {
        k: v for k, v in DESK_PULSE_2.items() if k != "group_id"
    }
    assert field["suppressed"] and legal["suppressed"] and field["adoption"] is None
    assert {k: overall[k] for k in OVERALL_PULSE_2} == OVERALL_PULSE_2


def test_gate_exactly_at_the_threshold_is_ready(api, world):
    body = api.get(f"/milestones/{world.training.id}/gate", world.tokens["owner"]).get_json()
    # Training complete: knowledge >= 0.2 by Baseline's closing day; 1 of 5 reached knowledge.
    assert body == {
        "milestone_id": world.training.id,
        "status": "ready",
        "target_element": "knowledge",
        "threshold": 0.2,
        "groups": [
            {
                "group_id": world.desk.id,
                "status": "ready",
                "value": approx(0.2),
                "wave_id": world.baseline_id,
                "projected": None,
                "pace": None,  # one wave: no line yet
                "required_pace": None,  # 0.2 already meets the 0.2 threshold
            }
        ],
        "overridden": False,
        "override": None,
    }


def test_gate_statuses_and_projection(api, world):
    body = api.get(f"/milestones/{world.go_live.id}/gate", world.tokens["sponsor"]).get_json()
    assert body["status"] == "not_ready"
    assert (body["target_element"], body["threshold"]) == ("ability", 0.5)
    desk, field, legal = body["groups"]
    # Adoption 1/5 ten days before Pulse 2's 2/6; the line reaches 1/3 + 15 days x (2/15)/10 days at go-live.
    assert desk == {
        "group_id": world.desk.id,
        "status": "not_ready",
        "value": approx(2 / 6),
        "wave_id": world.pulse_id,
        "projected": approx(1 / 3 + 0.2),
        # going (2/15) in 10 days = 0.0933 a week; needs (0.5 - 1/3) in the 15 days left = 0.0778 a week
        "pace": approx(2 / 15 / 10 * 7),
        "required_pace": approx((0.5 - 1 / 3) / 15 * 7),
    }
    for group, cell in ((world.field, field), (world.legal, legal)):
        assert cell == {
            "group_id": group.id,
            "status": "no_data",
            "value": None,
            "wave_id": world.pulse_id,
            "projected": None,
            "pace": None,
            "required_pace": None,
        }


def test_an_override_shows_beside_the_computed_status(api, world):
    milestone = fresh(Milestone, world.go_live.id)
    plan_services.override_gate(
        milestone=milestone,
        actor=world.owner,
        computed_status="not_ready",
        justification="Hypercare team doubled for the first two weeks after go-live.",
    )
    body = api.get(f"/milestones/{world.go_live.id}/gate", world.tokens["sponsor"]).get_json()
    assert (body["status"], body["overridden"]) == ("not_ready", True)
    assert body["override"]["by"] == world.owner.display_name
    assert body["override"]["computed_status"] == "not_ready"
    assert body["override"]["justification"].startswith("Hypercare team doubled")


@pytest.mark.parametrize("who", ["owner", "sponsor", "admin"])
def test_readers_of_the_initiative_may_read(api, world, who):
    token = world.tokens[who]
    assert api.get(f"/waves/{world.pulse_id}/readiness", token).status_code == 200
    assert api.get(f"/initiatives/{world.initiative.id}/trend", token).status_code == 200
    assert api.get(f"/milestones/{world.go_live.id}/gate", token).status_code == 200


def test_another_practitioner_gets_404(api, world):
    token = world.tokens["stranger"]
    assert api.get(f"/waves/{world.pulse_id}/readiness", token).status_code == 404
    assert api.get(f"/initiatives/{world.initiative.id}/trend", token).status_code == 404
    assert api.get(f"/milestones/{world.go_live.id}/gate", token).status_code == 404
    assert api.get("/waves/999999/readiness", world.tokens["owner"]).status_code == 404


def test_scan_counts_equals_the_running_tallies(world):
    """Single submissions and imports, fractional scores included, leave the tallies equal to a full scan;
    answers still held (fewer than k of their kind) are in neither."""
    survey = "adkar-assessment"
    wave = make_wave(
        world.initiative,
        world.owner,
        [world.desk, world.field, world.legal],
        name="Assessment",
        opens_on=world.day,
        closes_on=world.day + timedelta(days=10),
        survey=survey,
    )

    def answers(*per_element: tuple[int, int, int]) -> dict[str, int]:
        prefixes = ("aw", "de", "kn", "ab", "re")
        return {
            f"{p}{i + 1}": v
            for p, values in zip(prefixes, per_element, strict=True)
            for i, v in enumerate(values)
        }

    mixed = answers((3, 4, 4), (2, 3, 3), (5, 4, 4), (1, 2, 5), (4, 4, 3))
    strong = answers((5, 5, 4), (4, 4, 5), (4, 5, 4), (4, 4, 4), (3, 5, 5))
    # Service desk: five open-link submissions (published with the fifth), then an import of five.
    submit(wave.id, world.desk.id, mixed, survey=survey, comment="Too fast.")
    for answer in (strong, mixed, strong, strong):
        submit(wave.id, world.desk.id, answer, survey=survey)
    respond(wave.id, world.desk.id, [strong, mixed, strong, mixed, strong], survey=survey)
    # Field engineers: an import of four is held until a fifth import; one submission stays held.
    respond(wave.id, world.field.id, [mixed] * 4, survey=survey)
    respond(wave.id, world.field.id, [strong], survey=survey)
    submit(wave.id, world.field.id, strong, survey=survey)
    assert count_held(wave.id) == 1
    waves = [world.baseline_id, world.pulse_id, wave.id]
    tallies, scanned = load_counts(waves), scan_counts(waves)
    assert len(tallies) == 1 + 3 + 3
    assert tallies[["wave_id", "group_id", "n"]].values.tolist()[-3:] == [
        [wave.id, world.desk.id, 10],
        [wave.id, world.field.id, 5],
        [wave.id, world.legal.id, 0],
    ]
    assert_frame_equal(tallies, scanned, check_exact=False, rtol=1e-12)
    desk = tallies[(tallies["wave_id"] == wave.id) & (tallies["group_id"] == world.desk.id)].iloc[0]
    field = tallies[(tallies["wave_id"] == wave.id) & (tallies["group_id"] == world.field.id)].iloc[0]
    # awareness scores: mixed 11/3 (x4), strong 14/3 (x6); Field engineers' held one is not counted
    assert desk["sum_awareness"] == pytest.approx(4 * 11 / 3 + 6 * 14 / 3)
    assert field["sum_awareness"] == pytest.approx(4 * 11 / 3 + 14 / 3)
