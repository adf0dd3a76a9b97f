"""Action-plan pages: suggestions for the barrier point, CRUD with validation, access and exports."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest

from adkar.actions import library, services
from adkar.actions.models import Action
from adkar.extensions import db
from adkar.timeutil import today

from .support import action_form, audit_actions, count, has_csrf_field, login, text, wave

DESIRE_STOPS = [(5, 2, 4, 4, 4), (4, 1, 4, 4, 4), (4, 3, 4, 4, 4), (5, 5, 5, 5, 5), (4, 4, 4, 2, 4)]


@pytest.fixture
def surveyed(cast):
    """Field engineers answered a closed wave: most stop first at desire."""
    day = today()
    wave(
        cast.initiative,
        cast.owner,
        {cast.field: DESIRE_STOPS, cast.desk: []},
        name="Pulse 1",
        opens_on=day - timedelta(days=20),
        closes_on=day - timedelta(days=10),
    )
    library.restore_suggestions(actor=None)
    return cast


def test_group_page_suggests_library_actions_for_the_barrier_point(client, surveyed):
    login(client, surveyed.sponsor)
    page = text(client.get(f"/groups/{surveyed.field.id}/actions"))
    assert "most people in this group stop first at" in page and 'chip-desire">Desire' in page
    assert "Suggested actions for Desire" in page
    assert "Manager conversations on what is in it for them" in page
    assert "Role-based training" not in page  # a knowledge action
    assert "Add to plan" not in page  # sponsors read only
    login(client, surveyed.owner)
    page = text(client.get(f"/groups/{surveyed.field.id}/actions"))
    assert "Add to plan" in page


def test_no_suggestion_while_the_group_is_hidden(client, surveyed):
    login(client, surveyed.owner)
    page = text(client.get(f"/groups/{surveyed.desk.id}/actions"))
    assert "No survey wave shows this group yet: it needs at least 5 responses" in page
    assert "Suggested actions" not in page


def test_a_suggestion_prefills_the_form_and_is_linked(client, surveyed):
    login(client, surveyed.owner)
    entry = next(e for e in library.entries("desire") if e.title.startswith("Manager conversations"))
    form = text(client.get(f"/groups/{surveyed.field.id}/actions/new?suggestion={entry.id}"))
    assert has_csrf_field(form)
    assert "Suggested by the action library" in form
    assert f'value="{entry.id}"' in form and entry.title in form
    response = client.post(
        f"/groups/{surveyed.field.id}/actions/new",
        data=action_form(what=entry.title, library_entry_id=str(entry.id)),
    )
    assert response.status_code == 302
    action = db.session.scalar(db.select(Action))
    assert (action.library_entry_id, action.group_id, action.owner) == (
        entry.id,
        surveyed.field.id,
        "Ana Costa",
    )
    page = text(client.get(f"/groups/{surveyed.field.id}/actions"))
    assert "In the plan" in page


def test_create_edit_and_delete_an_action_with_audit(client, cast):
    login(client, cast.member)
    assert client.post(f"/groups/{cast.desk.id}/actions/new", data=action_form()).status_code == 302
    action = db.session.scalar(db.select(Action))
    response = client.post(
        f"/actions/{action.id}/edit", data=action_form(status="in_progress", owner="Bo Lind")
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert (action.status, action.owner) == ("in_progress", "Bo Lind")
    assert has_csrf_field(text(client.get(f"/actions/{action.id}/delete")))
    assert client.post(f"/actions/{action.id}/delete").status_code == 302
    assert count(Action) == 0
    assert audit_actions(cast.initiative.id)[-3:] == ["action.create", "action.update", "action.delete"]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"what": ""}, "Describe the action."),
        ({"owner": "  "}, "Name who owns the action."),
        ({"element": "agility"}, "Not a valid choice."),
        ({"status": "paused"}, "Not a valid choice."),
        ({"starts_on": "31/12/2026"}, "Enter a valid date (YYYY-MM-DD)."),
        ({"due_on": "1999-01-01"}, "Choose a date between 2000 and 2100."),
        (
            {"due_on": (today() - timedelta(days=1)).isoformat()},
            "The due date cannot be before the start date.",
        ),
        ({"what": "x" * 501}, "Field cannot be longer than 500 characters."),
    ],
)
def test_invalid_actions_answer_400_and_store_nothing(client, cast, changes, message):
    login(client, cast.owner)
    response = client.post(f"/groups/{cast.desk.id}/actions/new", data=action_form(**changes))
    assert response.status_code == 400
    assert message in text(response)
    assert count(Action) == 0


def test_access_sponsor_reads_stranger_sees_nothing(client, cast):
    action = services.create_action(
        group=cast.desk,
        actor=cast.owner,
        element="knowledge",
        what="Role-based training",
        owner="Trainer",
        starts_on=today(),
        due_on=today(),
    )
    login(client, cast.sponsor)
    assert client.get(f"/initiatives/{cast.initiative.id}/actions").status_code == 200
    assert "Role-based training" in text(client.get(f"/groups/{cast.desk.id}/actions"))
    assert client.get(f"/groups/{cast.desk.id}/actions/new").status_code == 403
    assert client.post(f"/groups/{cast.desk.id}/actions/new", data=action_form()).status_code == 403
    assert client.post(f"/actions/{action.id}/edit", data=action_form()).status_code == 403
    assert client.post(f"/actions/{action.id}/delete").status_code == 403
    login(client, cast.stranger)
    for url in (
        f"/initiatives/{cast.initiative.id}/actions",
        f"/groups/{cast.desk.id}/actions",
        f"/actions/{action.id}/edit",
        f"/initiatives/{cast.initiative.id}/actions.csv",
    ):
        assert client.get(url).status_code == 404, url
    assert count(Action) == 1


def test_initiative_overview_counts_per_group(client, surveyed):
    for status in ("planned", "in_progress", "done", "cancelled"):
        services.create_action(
            group=surveyed.field,
            actor=surveyed.owner,
            element="desire",
            what=f"An action {status}",
            owner="Someone",
            starts_on=today(),
            due_on=today(),
            status=status,
        )
    services.create_resistance(
        group=surveyed.field, actor=surveyed.owner, what="X", reason="left_out", people=4, logged_on=today()
    )
    login(client, surveyed.sponsor)
    page = text(client.get(f"/initiatives/{surveyed.initiative.id}/actions"))
    row = page[page.index("Field engineers</a>") :]
    row = row[: row.index("</tr>")]
    cells = [c.split("</td>")[0] for c in row.split('<td class="num">')[1:]]
    assert cells[:2] == ["2", "1"]  # in flight: planned + in progress; done
    assert cells[2].startswith("1 ") and "(4 people)" in cells[2]


def test_exports_neutralise_formulas(client, cast):
    services.create_action(
        group=cast.desk,
        actor=cast.owner,
        element="ability",
        what='=HYPERLINK("http://evil")',
        owner="@owner",
        starts_on=today(),
        due_on=today(),
    )
    services.create_resistance(
        group=cast.desk, actor=cast.owner, what="+cmd", reason="fear_of_unknown", people=3, logged_on=today()
    )
    login(client, cast.sponsor)
    response = client.get(f"/initiatives/{cast.initiative.id}/actions.csv")
    assert response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0] == ["group", "element", "what", "owner", "starts_on", "due_on", "status", "from_library"]
    assert rows[1][:4] == ["Service desk", "Ability", '\'=HYPERLINK("http://evil")', "'@owner"]
    rows = list(
        csv.reader(
            io.StringIO(
                client.get(f"/initiatives/{cast.initiative.id}/resistance.csv")
                .get_data(as_text=True)
                .lstrip("\ufeff")
            )
        )
    )
    assert rows[1][2:5] == ["'+cmd", "Fear of the unknown", "3"]
