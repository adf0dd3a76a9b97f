"""The audit trail pages through its events newest first, filtered on the server; a damaged link is a 400."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest

from adkar.audit import queries
from adkar.audit import services as audit
from adkar.extensions import db

BASE = datetime(2030, 1, 1, 12, 0)


@pytest.fixture
def trail(factory, monkeypatch):
    """Eight events of the owner's initiative (two at the same second), a ninth of another initiative."""
    monkeypatch.setattr(queries, "PAGE_SIZE", 3)
    owner, helper = factory.user("practitioner"), factory.user("practitioner")
    initiative = factory.initiative(owner)
    other = factory.initiative(helper, name="Other")
    for i in range(8):
        event = audit.record(
            user_id=(owner if i % 2 else helper).id,
            action="wave.create" if i < 5 else "milestone.update",
            target_type="wave",
            target_id=100 + i,
            initiative_id=initiative.id,
        )
        event.at = BASE + timedelta(minutes=min(i, 6))  # events 6 and 7 share their time
    audit.record(
        user_id=helper.id, action="wave.create", target_type="wave", target_id=999, initiative_id=other.id
    )
    db.session.commit()
    return owner, helper, initiative


def targets(html: str) -> list[int]:
    return [int(t) for t in re.findall(r"<td>wave (\d+)</td>", html)]


def follow(client, url: str) -> tuple[list[int], int]:
    seen, pages = [], 0
    while url:
        html = client.get(url).get_data(as_text=True)
        seen += targets(html)
        pages += 1
        found = re.search(r'<a class="button" rel="next" href="([^"]+)">Older events', html)
        url = found.group(1).replace("&amp;", "&") if found else ""
    return seen, pages


def test_pages_go_newest_first_without_repeats_or_gaps(client, auth, trail):
    owner, _, initiative = trail
    auth.login(owner.email)
    seen, pages = follow(client, f"/initiatives/{initiative.id}/audit")
    assert seen == [107, 106, 105, 104, 103, 102, 101, 100] and pages == 3  # 3 + 3 + 2; 999 is not theirs


def test_filters_by_action_prefix_and_author_on_the_server(client, auth, trail):
    owner, helper, initiative = trail
    auth.login(owner.email)
    seen, pages = follow(client, f"/initiatives/{initiative.id}/audit?action=wave.")
    assert seen == [104, 103, 102, 101, 100] and pages == 2
    who = helper.email.split("@")[0].upper()  # e-mail addresses are matched ignoring case
    seen, _ = follow(client, f"/initiatives/{initiative.id}/audit?action=wave.&who={who}")
    assert seen == [104, 102, 100]
    html = client.get(f"/initiatives/{initiative.id}/audit?action=%25").get_data(as_text=True)
    assert (
        targets(html) == [] and "No event matches these filters." in html
    )  # % is a character, not a wildcard


def test_a_damaged_older_link_is_refused(client, auth, trail):
    owner, _, initiative = trail
    auth.login(owner.email)
    response = client.get(f"/initiatives/{initiative.id}/audit?before=bm90LWEtY3Vyc29y")
    assert response.status_code == 400
    assert "damaged" in response.get_data(as_text=True)
