"""A dashboard of many groups draws a bounded set: the groups at risk, then the largest, at most 25; the rest
are a search or "Show more" away, with the same anonymity."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pandas as pd
import pytest
from sqlalchemy import select

from adkar.dashboard import featured
from adkar.extensions import db
from adkar.plan import services as plan
from adkar.plan.models import StakeholderGroup
from adkar.timeutil import today

from .builders import make_wave, respond
from .pages import section, text

HIGH, LOW = (5, 5, 5, 5, 5), (1, 1, 1, 1, 1)


def name(i: int) -> str:
    return f"Unit-{i:02d}"


def build(factory, groups: int, *, at_risk=(), small=()):
    """`groups` groups in one wave: group i has 5 + i responses (Unit-00 the smallest), all ready except
    `at_risk` (nobody reached ability); `small` ones have 3, published while k was 3 (hidden at k = 5)."""
    owner = factory.user("practitioner")
    initiative = factory.initiative(owner, name="Many groups")
    made = [factory.group(initiative, name=name(i), headcount=100) for i in range(groups)]
    day = today()
    wave = make_wave(
        initiative,
        owner,
        made,
        name="Pulse",
        opens_on=day - timedelta(days=3),
        closes_on=day + timedelta(days=3),
    )
    for i, group in enumerate(made):
        if i in small:
            respond(wave.id, group.id, [HIGH] * 3, published_at_k=3)
        else:
            respond(wave.id, group.id, [LOW if i in at_risk else HIGH] * (5 + i))
    return initiative, owner


def group_names(html: str, table_id: str) -> list[str]:
    table = html[html.index(f'id="{table_id}"') :]
    table = table[: table.index("</table>")]
    return re.findall(r'<th scope="row">([^<]+)</th>', table)


def test_the_table_shows_the_groups_at_risk_then_the_largest(client, auth, factory):
    initiative, owner = build(factory, 40, at_risk=(2, 30), small=(0,))
    auth.login(owner.email)
    page = text(client.get(f"/initiatives/{initiative.id}/dashboard"))
    shown = group_names(page, "focus-groups")
    # Unit-02 (adoption 0, smaller) and Unit-30 at risk first, by name; then the 23 largest; the total last.
    assert shown[:2] == [name(2), name(30)]
    assert shown[2:25] == [name(i) for i in range(39, 15, -1) if i != 30]
    assert len(shown) == 26 and shown[-1] != name(39)
    assert "Showing the 25 groups that matter most" in page and "of 40." in page
    assert f"/initiatives/{initiative.id}/dashboard/groups?offset=25" in page
    assert "Show more groups (15 more)" in page
    # The charts carry the same 25 groups and no other.
    charts = " ".join(re.findall(r'class="chart-data" data-target="[^"]+">(.*?)</script>', page, re.S))
    assert name(39) in charts and name(2) in charts
    assert name(1) not in charts and name(15) not in charts


def test_show_more_and_search_page_through_the_rest_on_the_server(client, auth, factory):
    initiative, owner = build(factory, 40, at_risk=(2, 30), small=(0,))
    auth.login(owner.email)
    base = f"/initiatives/{initiative.id}/dashboard/groups"
    rest = text(client.get(f"{base}?offset=25"))
    names = group_names(rest, "group-rows")
    assert names == [*(name(i) for i in range(15, 2, -1)), name(1), name(0)]
    assert "Groups 26 to 40 of 40" in rest and "data-load-more" not in rest
    # Unit-00 has 3 responses: it is listed with its n, and no score.
    row = rest[rest.index(f'<th scope="row">{name(0)}</th>') :]
    row = row[: row.index("</tr>")]
    assert "Hidden: fewer than 5 responses" in row and "%" not in row.replace("Hidden", "")

    found = text(client.get(f"{base}?q=%20unit-3%20"))
    assert group_names(found, "group-rows") == [name(30), *(name(i) for i in range(39, 30, -1))]
    assert "Groups 1 to 10 of 10 whose name holds “unit-3”" in found
    first = text(client.get(base))
    assert group_names(first, "group-rows")[:2] == [name(2), name(30)]
    assert f'href="{base}?offset=25"' in first and "Show more groups (15 more)" in first
    nothing = text(client.get(f"{base}?q=nobody"))
    assert "No group’s name holds “nobody”." in nothing


@pytest.mark.parametrize("offset", ["-1", "ten", "1e3", "99999999"])
def test_a_bad_offset_is_refused_with_a_message(client, auth, factory, offset):
    initiative, owner = build(factory, 2)
    auth.login(owner.email)
    response = client.get(f"/initiatives/{initiative.id}/dashboard/groups?offset={offset}")
    assert response.status_code == 400
    assert "offset must be a whole number" in text(response)


def test_the_gate_board_shows_the_featured_groups_as_columns(client, auth, factory):
    initiative, owner = build(factory, 30, at_risk=(4,))
    groups = db.session.scalars(
        select(StakeholderGroup).where(StakeholderGroup.initiative_id == initiative.id)
    )
    plan.create_milestone(
        initiative=initiative,
        actor=owner,
        name="Go-live gate",
        kind="go_live",
        due=today() + timedelta(days=20),
        target_element="ability",
        group_ids=[g.id for g in groups],
    )
    auth.login(owner.email)
    page = text(client.get(f"/initiatives/{initiative.id}/dashboard"))
    table = page[page.index('class="table gate-table"') :]
    table = table[: table.index("</thead>")]
    columns = re.findall(r'<th scope="col">([^<]+)</th>', table)[2:]
    assert columns == [name(4), *(name(i) for i in range(29, 5, -1))]  # at risk, then the largest
    assert "Columns: the 25 groups that matter most (as in the group table below) of 30" in page
    gate_chart = re.search(r'data-target="gate-board">(.*?)</script>', page, re.S).group(1)
    assert name(29) in gate_chart and name(3) not in gate_chart
    assert "Not ready" in section(page, "gates")  # Unit-04 is below the threshold


def test_page_weight_stays_put_as_the_groups_grow(client, auth, factory):
    small, owner = build(factory, 25)
    auth.login(owner.email)
    small_bytes = len(client.get(f"/initiatives/{small.id}/dashboard").data)
    auth.logout()
    large, owner = build(factory, 75)
    auth.login(owner.email)
    large_bytes = len(client.get(f"/initiatives/{large.id}/dashboard").data)
    assert large_bytes < small_bytes * 1.15, (small_bytes, large_bytes)  # 3x the groups, same page


def test_the_trend_keeps_the_overall_line_the_shown_groups_and_the_last_waves():
    trend = pd.DataFrame(
        [{"wave_id": w, "group_id": g, "n": 5} for w in range(1, 31) for g in (None, 1, 2, 3)]
    )
    kept = featured.bounded_trend(trend, [1, 3], list(range(1, 31)), waves=24)
    assert sorted(kept["wave_id"].unique()) == list(range(7, 31))
    assert set(kept["group_id"].dropna()) == {1, 3} and kept["group_id"].isna().sum() == 24


def test_rows_are_ranked_at_risk_then_largest_then_name():
    rows = [
        {"group_id": 1, "name": "b", "n": 5},
        {"group_id": 2, "name": "A", "n": 5},
        {"group_id": 3, "name": "c", "n": 9},
        {"group_id": 4, "name": "d", "n": 6},
        {"group_id": None, "name": "Overall", "n": 25},
    ]
    assert [r["group_id"] for r in featured.ranked(rows, [4])] == [4, 3, 2, 1]
    assert [r["group_id"] for r in featured.featured(rows, [4], limit=2)] == [4, 3, None]
    assert json.dumps([r["name"] for r in featured.matching(rows, [], " B ")]) == '["b"]'


def test_the_at_risk_list_names_the_ten_furthest_and_counts_the_rest(client, auth, factory):
    initiative, owner = build(factory, 14, at_risk=tuple(range(12)))
    auth.login(owner.email)
    page = text(client.get(f"/initiatives/{initiative.id}/dashboard"))
    section = page[page.index('id="at-risk"') :]
    section = section[: section.index("</section>")]
    listed = re.findall(r'<th scope="row">([^<]+)</th>', section[: section.index("</table>")])
    assert listed == [name(i) for i in range(10)]  # all at adoption 0: by name
    assert "12 groups are below the threshold; the 10 furthest from it are listed here" in section
    assert group_names(page, "focus-groups")[:12] == [name(i) for i in range(12)]
