"""Cursor pagination of API collections: `limit`, an opaque `next` link, no repeats or gaps, bad cursors 400."""

from __future__ import annotations

import base64
from datetime import date, timedelta

import pytest
from sqlalchemy import delete, select

from adkar.accounts.models import User
from adkar.extensions import db
from adkar.plan.models import Initiative, StakeholderGroup
from adkar.surveys.models import Wave, WaveGroup

from .helpers import fresh, problem_fields

PREFIX = "/api/v1"


def walk(api, path: str, token: str) -> tuple[list[int], list[str]]:
    """Every item id of a collection, following `next`; and the links followed."""
    ids, links, url = [], [], path
    while url:
        response = api.get(url, token)
        assert response.status_code == 200, response.get_json()
        body = response.get_json()
        ids += [item["id"] for item in body["items"]]
        url = body["next"]
        if url:
            assert url.startswith(PREFIX)
            links.append(url)
            url = url[len(PREFIX) :]
    return ids, links


def test_groups_come_a_page_at_a_time_in_id_order(api, cast, factory):
    initiative = fresh(Initiative, cast.initiative_id)
    made = [factory.group(initiative, name=f"Team {i}").id for i in range(7)]
    ids, links = walk(api, f"/initiatives/{cast.initiative_id}/groups?limit=3", cast.owner.token)
    assert ids == sorted(made) and len(links) == 2  # 3 + 3 + 1
    assert all("limit=3" in link for link in links)
    last = api.get(links[-1][len(PREFIX) :], cast.owner.token).get_json()
    assert len(last["items"]) == 1 and last["next"] is None
    everything = api.get(f"/initiatives/{cast.initiative_id}/groups", cast.owner.token).get_json()
    assert [g["id"] for g in everything["items"]] == sorted(made) and everything["next"] is None


def test_an_item_deleted_between_pages_skips_nothing_else(api, cast, factory):
    initiative = fresh(Initiative, cast.initiative_id)
    made = sorted(factory.group(initiative, name=f"Team {i}").id for i in range(6))
    first = api.get(f"/initiatives/{cast.initiative_id}/groups?limit=3", cast.owner.token).get_json()
    db.session.execute(delete(StakeholderGroup).where(StakeholderGroup.id == made[2]))  # the cursor's own row
    db.session.commit()
    rest, _ = walk(api, first["next"][len(PREFIX) :], cast.owner.token)
    assert [g["id"] for g in first["items"]] + rest == made


def test_initiatives_page_by_go_live_then_id_and_only_the_visible_ones(api, cast, factory):
    owner = fresh(User, cast.owner.id)
    day = date(2030, 1, 1)
    mine = [cast.initiative_id]
    for i, offset in enumerate((5, 1, 5, 3, 1)):  # equal go-live dates: the id breaks the tie
        mine.append(factory.initiative(owner, name=f"I{i}", go_live=day + timedelta(days=offset)).id)
    factory.initiative(fresh(User, cast.stranger.id), name="Not mine")
    expected = [i.id for i in sorted((fresh(Initiative, i) for i in mine), key=lambda i: (i.go_live, i.id))]
    ids, links = walk(api, "/initiatives?limit=2", cast.owner.token)
    assert ids == expected and len(links) == 2


@pytest.mark.parametrize(
    "query",
    [
        "limit=0",
        "limit=501",
        "limit=ten",
        "cursor=not-base64!",
        "cursor=" + base64.urlsafe_b64encode(b'["2030-01-01"]').decode(),  # one key for two
        "cursor=" + base64.urlsafe_b64encode(b"[true, 1]").decode(),
        "cursor=" + base64.urlsafe_b64encode(b'{"id": 1}').decode(),
    ],
)
def test_bad_limits_and_cursors_answer_400_with_the_field(api, cast, query):
    response = api.get(f"/initiatives?{query}", cast.owner.token)
    assert response.status_code == 400
    assert problem_fields(response) == {query.partition("=")[0]}


def test_a_cursor_cannot_reach_another_initiative_s_groups(api, cast, factory):
    theirs = factory.initiative(fresh(User, cast.stranger.id), name="Theirs")
    factory.group(theirs, name="Secret")
    group = factory.group(fresh(Initiative, cast.initiative_id), name="Mine")
    cursor = base64.urlsafe_b64encode(b"[0]").decode().rstrip("=")
    body = api.get(f"/initiatives/{cast.initiative_id}/groups?cursor={cursor}", cast.owner.token).get_json()
    assert [g["name"] for g in body["items"]] == ["Mine"] and body["items"][0]["id"] == group.id
    assert api.get(f"/initiatives/{theirs.id}/groups?cursor={cursor}", cast.owner.token).status_code == 404


def test_waves_page_by_opening_date_then_id(api, cast, factory):
    group = factory.group(fresh(Initiative, cast.initiative_id), name="Ops")
    day = date(2030, 3, 1)
    for offset in (6, 0, 6, 3):  # two waves open the same day: the id breaks the tie
        db.session.add(
            Wave(
                initiative_id=cast.initiative_id,
                name=f"Wave {offset}",
                survey_key="adkar-pulse",
                opens_on=day + timedelta(days=offset),
                closes_on=day + timedelta(days=offset + 7),
                wave_groups=[WaveGroup(group_id=group.id)],
            )
        )
    db.session.commit()
    expected = [
        w.id
        for w in sorted(
            db.session.scalars(select(Wave).where(Wave.initiative_id == cast.initiative_id)),
            key=lambda w: (w.opens_on, w.id),
        )
    ]
    ids, links = walk(api, f"/initiatives/{cast.initiative_id}/waves?limit=3", cast.sponsor.token)
    assert ids == expected and len(expected) == 4 and len(links) == 1
