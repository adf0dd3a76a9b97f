"""The practitioner's wave readiness view: the per-group table and the comments rule."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from flask import current_app

from adkar.timeutil import today

from . import scenario as story
from .builders import make_wave, respond
from .pages import CHART_IDS, section, text


@pytest.fixture
def world(factory):
    return story.build(factory)


def comment_wave(world, sizes: dict[str, int]):
    """A wave where each named group answers `sizes[name]` times, every answer with its own comment; a
    group smaller than k is published at its own size, as before an installation raised its minimum."""
    groups = {"desk": world.desk, "field": world.field, "legal": world.legal}
    wave = make_wave(
        world.initiative,
        world.owner,
        [groups[name] for name in sizes],
        name="Comments",
        opens_on=world.day - timedelta(days=2),
        closes_on=world.day - timedelta(days=1),
    )
    for name, size in sizes.items():
        respond(
            wave.id,
            groups[name].id,
            [story.ALL_FOUR] * size,
            comments=[f"{name} comment {i}" for i in range(size)],
            published_at_k=size if size < current_app.config["MIN_GROUP_SIZE"] else None,
        )
    return wave


def comments_of(page: str) -> list[str]:
    return re.findall(r"<blockquote>([^<]*)</blockquote>", section(page, "comments"))


def test_comments_need_a_visible_group_of_at_least_ten(client, auth, world):
    wave = comment_wave(world, {"desk": 10, "field": 9})
    auth.login(world.sponsor.email)
    page = text(client.get(f"/waves/{wave.id}/readiness"))
    shown = comments_of(page)
    assert sorted(shown) == sorted(f"desk comment {i}" for i in range(10))
    assert "field comment" not in page
    assert "Not shown for Field engineers: fewer than 10 responses." in page


def test_a_group_hidden_by_complementary_suppression_shows_no_comments(client, auth, world):
    # Legal (3) is hidden; the smallest visible group, Service desk (10), is hidden with it.
    wave = comment_wave(world, {"desk": 10, "field": 12, "legal": 3})
    auth.login(world.owner.email)
    page = text(client.get(f"/waves/{wave.id}/readiness"))
    assert sorted(comments_of(page)) == sorted(f"field comment {i}" for i in range(12))
    assert "desk comment" not in page and "legal comment" not in page


def test_no_group_large_enough(client, auth, world):
    auth.login(world.owner.email)
    page = text(client.get(f"/waves/{world.pulse_id}/readiness"))
    assert comments_of(page) == []
    assert "No group of this wave is large enough to show comments." in page


def test_comments_carry_no_date_and_come_in_random_order(client, auth, world):
    wave = comment_wave(world, {"desk": 12})
    auth.login(world.owner.email)
    pages = [text(client.get(f"/waves/{wave.id}/readiness")) for _ in range(4)]
    comments = section(pages[0], "comments")
    assert "<time" not in comments and today().isoformat() not in comments
    assert today().strftime("%b %Y") not in comments
    orders = {tuple(comments_of(page)) for page in pages}
    assert len(orders) > 1  # 12 comments: the same order four times running has odds of 1 in 12!^3


def test_the_table_and_charts(client, auth, world):
    auth.login(world.owner.email)
    page = text(client.get(f"/waves/{world.pulse_id}/readiness"))
    summary = section(page, "summary")
    desk = summary[summary.index('<th scope="row">Service desk</th>') :]
    cells = [c.strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", desk[: desk.index("</tr>")], re.S)]
    assert cells[:5] == ["6", "10", "60%", "33%", "33%"]
    overall = summary[summary.index('<th scope="row">Overall</th>') :]
    assert [c.strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", overall[: overall.index("</tr>")], re.S)][
        :5
    ] == ["15", "30", "50%", "47%", "40%"]
    profile = section(page, "profile")
    assert '<td class="num">4.0</td>' in profile and '<td class="num">3.8</td>' in profile  # 24/6, 23/6
    for chart_id in ("adkar-profile", "readiness-heatmap", "barrier-points"):
        assert chart_id in CHART_IDS and f'id="{chart_id}" class="chart-canvas"' in page
    assert f'href="/waves/{world.pulse_id}/responses.csv"' in page


def test_sponsor_reads_without_the_response_export(client, auth, world):
    auth.login(world.sponsor.email)
    response = client.get(f"/waves/{world.pulse_id}/readiness")
    assert response.status_code == 200
    assert "responses.csv" not in text(response)
    assert client.get("/waves/999999/readiness").status_code == 404


def test_a_wave_without_responses_renders(client, auth, world):
    wave = make_wave(
        world.initiative,
        world.owner,
        [world.desk, world.legal],
        name="Next pulse",
        opens_on=world.day + timedelta(days=10),
        closes_on=world.day + timedelta(days=20),
    )
    auth.login(world.owner.email)
    response = client.get(f"/waves/{wave.id}/readiness")
    assert response.status_code == 200
    page = text(response)
    assert "This wave is still scheduled" in page
    assert section(page, "summary").count("Hidden: fewer than 5 responses") == 3  # both groups and overall
