"""Action effects and barrier points, computed by hand on small trends (no database)."""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd
import pytest

from adkar.actions.effects import Effect, action_effect, group_barriers
from adkar.analytics.counts import counts_from_scores
from adkar.analytics.trend import initiative_trend
from adkar.elements import ELEMENTS

K = 3
WAVES = pd.DataFrame(
    {
        "wave_id": [1, 2, 3],
        "name": ["Baseline", "Pulse 2", "Pulse 3"],
        "opens_on": [date(2026, 1, 10), date(2026, 2, 1), date(2026, 3, 1)],
        "closes_on": [date(2026, 1, 31), date(2026, 2, 20), date(2026, 3, 20)],
        "created_at": [datetime(2026, 1, 1), datetime(2026, 1, 25), datetime(2026, 2, 25)],
        "group_ids": [[1, 2]] * 3,
    }
)


def person(wave_id: int, group_id: int, **scores: float) -> dict:
    return {"wave_id": wave_id, "group_id": group_id, **{e: scores.get(e, 4.0) for e in ELEMENTS}}


def trend(rows: list[dict]) -> pd.DataFrame:
    scores = pd.DataFrame(rows, columns=["wave_id", "group_id", *ELEMENTS])
    roster = pd.DataFrame(
        [
            {"wave_id": w, "group_id": g, "group_name": f"Group {g}", "invited": 10}
            for w in (1, 2, 3)
            for g in (1, 2)
        ]
    )
    return initiative_trend(counts_from_scores(scores, roster), WAVES, K)


def knowledge(wave_id: int, group_id: int, values: list[float]) -> list[dict]:
    return [person(wave_id, group_id, knowledge=v) for v in values]


def test_effect_compares_the_wave_before_the_start_with_the_first_one_after():
    frame = trend(
        knowledge(1, 1, [2.0, 2.5, 3.0]) + knowledge(2, 1, [3.0, 3.5, 4.0]) + knowledge(3, 1, [5, 5, 5])
    )
    effect = action_effect(frame, WAVES, group_id=1, element="knowledge", starts_on=date(2026, 1, 31))
    assert effect == Effect(
        element="knowledge",
        before_wave="Baseline",
        before_closes_on=date(2026, 1, 31),
        before_mean=2.5,
        after_wave="Pulse 2",
        after_opens_on=date(2026, 2, 1),
        after_mean=3.5,
    )
    assert effect.change == pytest.approx(1.0)
    assert effect.direction == "up"
    assert effect.words == "rose from 2.5 to 3.5"


def test_a_wave_open_when_the_action_starts_belongs_to_neither_side():
    frame = trend(knowledge(1, 1, [3, 3, 3]) + knowledge(2, 1, [1, 1, 1]) + knowledge(3, 1, [2, 2, 2]))
    effect = action_effect(frame, WAVES, group_id=1, element="knowledge", starts_on=date(2026, 2, 10))
    assert (effect.before_wave, effect.after_wave) == ("Baseline", "Pulse 3")
    assert (effect.before_mean, effect.after_mean) == (3.0, 2.0)
    assert effect.direction == "down"
    assert effect.words == "fell from 3.0 to 2.0"


def test_hidden_waves_are_skipped_and_none_when_no_visible_wave_follows():
    # group 1 has 2 responses in Pulse 2 (k = 3: hidden), 3 in Pulse 3
    frame = trend(knowledge(1, 1, [3, 3, 3]) + knowledge(2, 1, [5, 5]) + knowledge(3, 1, [4, 4, 4]))
    effect = action_effect(frame, WAVES, group_id=1, element="knowledge", starts_on=date(2026, 2, 1))
    assert (effect.after_wave, effect.after_mean) == ("Pulse 3", 4.0)
    only_hidden_after = trend(knowledge(1, 1, [3, 3, 3]) + knowledge(2, 1, [5, 5]))
    assert (
        action_effect(only_hidden_after, WAVES, group_id=1, element="knowledge", starts_on=date(2026, 2, 1))
        is None
    )


def test_none_without_a_wave_before_the_start():
    frame = trend(knowledge(1, 1, [3, 3, 3]) + knowledge(2, 1, [4, 4, 4]))
    assert action_effect(frame, WAVES, group_id=1, element="knowledge", starts_on=date(2026, 1, 5)) is None


def test_the_other_groups_and_elements_do_not_count():
    frame = trend(
        knowledge(1, 1, [3, 3, 3])
        + knowledge(2, 1, [3, 3, 3])
        + [person(1, 2, desire=1.0) for _ in range(3)]
        + [person(2, 2, desire=5.0) for _ in range(3)]
    )
    mine = action_effect(frame, WAVES, group_id=1, element="desire", starts_on=date(2026, 1, 31))
    assert (mine.before_mean, mine.after_mean, mine.direction) == (4.0, 4.0, "flat")
    assert mine.words == "held at 4.0"
    theirs = action_effect(frame, WAVES, group_id=2, element="desire", starts_on=date(2026, 1, 31))
    assert (theirs.before_mean, theirs.after_mean) == (1.0, 5.0)


def test_direction_is_judged_on_the_displayed_means():
    # 3.0 -> 3.0333: both show as 3.0, so the action "held", not "rose"
    frame = trend(knowledge(1, 1, [3, 3, 3]) + knowledge(2, 1, [3, 3, 3.1]))
    effect = action_effect(frame, WAVES, group_id=1, element="knowledge", starts_on=date(2026, 1, 31))
    assert effect.change > 0 and effect.direction == "flat"


def test_unknown_element_is_refused():
    frame = trend(knowledge(1, 1, [3, 3, 3]))
    with pytest.raises(ValueError, match="unknown element"):
        action_effect(frame, WAVES, group_id=1, element="agility", starts_on=date(2026, 1, 31))


def test_barrier_point_is_the_modal_one_of_the_latest_visible_wave():
    frame = trend(
        [person(1, 1, awareness=2.0) for _ in range(3)]  # Baseline: all stop at awareness
        + [
            person(2, 1, knowledge=2.0),
            person(2, 1, knowledge=2.5),
            person(2, 1, desire=2.0),
        ]  # knowledge 2 of 3
        + [person(3, 1, ability=1.0), person(3, 1, ability=1.0)]  # Pulse 3: hidden (2 < k)
        + [person(1, 2) for _ in range(3)]  # group 2: nobody has a barrier
    )
    barriers = group_barriers(frame)
    assert (barriers[1].element, barriers[1].wave_name) == ("knowledge", "Pulse 2")
    assert barriers[2].element is None and barriers[2].wave_id == 1
    assert 3 not in barriers
