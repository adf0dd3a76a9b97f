"""The initiatives list pages by go-live (keyset "Later go-lives") and filters by name on the server."""

from __future__ import annotations

import re
from datetime import date, timedelta

from adkar.plan import views


def names(html: str) -> list[str]:
    return re.findall(r'<h2><a href="/initiatives/\d+">([^<]+)</a></h2>', html)


def follow(client, url: str) -> list[list[str]]:
    pages = []
    while url:
        html = client.get(url).get_data(as_text=True)
        pages.append(names(html))
        found = re.search(r'rel="next" href="([^"]+)">Later go-lives', html)
        url = found.group(1).replace("&amp;", "&") if found else ""
    return pages


def test_pages_by_go_live_then_id_and_counts_groups(client, auth, factory, monkeypatch):
    monkeypatch.setattr(views, "INITIATIVES_PAGE", 2)
    owner = factory.user("practitioner")
    day = date(2031, 1, 1)
    for name, offset in (("Echo", 4), ("Alpha", 1), ("Delta", 3), ("Bravo", 1), ("Charlie", 2)):
        initiative = factory.initiative(owner, name=name, go_live=day + timedelta(days=offset))
        if name == "Alpha":
            factory.group(initiative, name="One")
            factory.group(initiative, name="Two")
    factory.initiative(factory.user("practitioner"), name="Someone else's")
    auth.login(owner.email)
    assert follow(client, "/") == [["Alpha", "Bravo"], ["Charlie", "Delta"], ["Echo"]]
    first = client.get("/").get_data(as_text=True)
    alpha = first[first.index(">Alpha<") : first.index(">Bravo<")]
    assert "<dt>Groups</dt><dd>2</dd>" in alpha


def test_search_filters_on_the_server_and_says_when_nothing_matches(client, auth, factory):
    owner = factory.user("practitioner")
    for name in ("ERP rollout", "Service desk", "erp phase 2"):
        factory.initiative(owner, name=name)
    auth.login(owner.email)
    assert sorted(names(client.get("/?q=%20ERP%20").get_data(as_text=True))) == ["ERP rollout", "erp phase 2"]
    html = client.get("/?q=50%25").get_data(as_text=True)
    assert names(html) == [] and "No initiative’s name holds “50%”." in html
    assert client.get("/?after=garbage").status_code == 400
