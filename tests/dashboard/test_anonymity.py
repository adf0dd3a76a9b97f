"""No page, chart, export or report reveals the scores of a hidden group.

Pulse 2 hides Legal (4 responses) and Field engineers (5, hidden so Legal cannot be worked out from the
total). Moving answers between those two groups, without changing their sizes or the pooled total,
must leave every output byte for byte the same.
"""

from __future__ import annotations

import csv
import io
import re

import pytest

from . import scenario as story
from .builders import respond
from .pages import normalise, replace_answers, section, text


@pytest.fixture
def world(factory):
    return story.build(factory)


def outputs(client, world) -> dict[str, str]:
    initiative = world.initiative.id
    return {
        "dashboard": normalise(text(client.get(f"/initiatives/{initiative}/dashboard"))),
        "wave": normalise(text(client.get(f"/waves/{world.pulse_id}/readiness"))),
        "report": normalise(text(client.get(f"/initiatives/{initiative}/report.html"))),
        "csv": text(client.get(f"/initiatives/{initiative}/readiness.csv")),
        "api": text(client.get(f"/waves/{world.pulse_id}/readiness")),
    }


def test_moving_answers_between_hidden_groups_changes_nothing(client, auth, world):
    auth.login(world.owner.email)
    before = outputs(client, world)
    replace_answers(world.pulse_id, world.field.id)
    replace_answers(world.pulse_id, world.legal.id)
    respond(world.pulse_id, world.field.id, [story.DISTINCT] * 4 + [story.ALL_FOUR])
    respond(world.pulse_id, world.legal.id, [story.ALL_FOUR] * 4, published_at_k=story.LEGAL_K)
    after = outputs(client, world)
    for name in before:
        assert before[name] == after[name], f"the {name} output reveals hidden answers"


def test_the_export_leaves_hidden_scores_blank(client, auth, world):
    auth.login(world.sponsor.email)
    rows = list(
        csv.DictReader(io.StringIO(text(client.get(f"/initiatives/{world.initiative.id}/readiness.csv"))))
    )
    hidden = [r for r in rows if r["wave"] == "Pulse 2" and r["group"] in ("Legal", "Field engineers")]
    assert [(r["group"], r["n"], r["invited"], r["suppressed"]) for r in hidden] == [
        ("Field engineers", "5", "20", "yes"),
        ("Legal", "4", "0", "yes"),
    ]
    for row in hidden:
        scores = {
            k: v for k, v in row.items() if k.startswith(("mean_", "favorable_", "barrier_", "reached_"))
        }
        assert len(scores) == 5 + 5 + 6 + 5 and set(scores.values()) == {""}
        assert row["adoption"] == row["resistance"] == ""
    assert hidden[0]["response_rate"] == "0.25" and hidden[1]["response_rate"] == ""


def cells(row: str) -> list[str]:
    return [c.strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]


def test_hidden_rows_say_why_and_show_counts_only(client, auth, world):
    auth.login(world.sponsor.email)
    summary = section(text(client.get(f"/waves/{world.pulse_id}/readiness")), "summary")
    legal = summary[summary.index('<th scope="row">Legal</th>') :]
    legal = legal[: legal.index("</tr>")]
    assert "Hidden: fewer than 5 responses" in legal
    assert cells(legal) == ["4", "0", "–", "Hidden: fewer than 5 responses"]
    field = summary[summary.index('<th scope="row">Field engineers</th>') :]
    field = field[: field.index("</tr>")]
    assert "Hidden so that a smaller group cannot be worked out from the total" in field
    assert cells(field) == [
        "5",
        "20",
        "25%",
        "Hidden so that a smaller group cannot be worked out from the total",
    ]


def test_a_larger_k_hides_more(client, auth, factory, app):
    world = story.build(factory)
    app.config["MIN_GROUP_SIZE"] = 7  # raised after publication (answers are held until the k of the time)
    auth.login(world.owner.email)
    page = text(client.get(f"/waves/{world.pulse_id}/readiness"))
    assert page.count("Hidden: fewer than 7 responses") >= 3  # every group: 6, 5 and 4 responses
    token = factory.token(world.owner)
    body = client.get(
        f"/api/v1/waves/{world.pulse_id}/readiness", headers={"Authorization": f"Bearer {token}"}
    ).get_json()
    assert all(g["suppressed"] for g in body["groups"]) and not body["overall"]["suppressed"]
