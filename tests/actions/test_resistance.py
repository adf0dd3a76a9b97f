"""The resistance log: what, why, how many (never more than the group), the response and its status."""

from __future__ import annotations

from datetime import timedelta

import pytest

from adkar.actions import services
from adkar.actions.models import ResistanceEntry
from adkar.extensions import db
from adkar.timeutil import today
from adkar.validation import ValidationFailed

from .support import audit_actions, count, has_csrf_field, login, resistance_form, text


def test_log_edit_and_delete_resistance(client, cast):
    login(client, cast.owner)
    form = text(client.get(f"/groups/{cast.field.id}/resistance/new"))
    assert has_csrf_field(form)
    for reason in (
        "Lack of awareness of why",
        "Fear of the unknown",
        "Their job changes",
        "No support from their leaders",
        "Being left out",
    ):
        assert reason in form
    assert client.post(f"/groups/{cast.field.id}/resistance/new", data=resistance_form()).status_code == 302
    entry = db.session.scalar(db.select(ResistanceEntry))
    assert (entry.group_id, entry.people, entry.reason, entry.status) == (
        cast.field.id,
        6,
        "fear_of_unknown",
        "open",
    )
    page = text(client.get(f"/groups/{cast.field.id}/actions"))
    assert "Logging calls in the new tool" in page and "Fear of the unknown" in page
    assert (
        client.post(
            f"/resistance/{entry.id}/edit", data=resistance_form(status="addressed", people="10")
        ).status_code
        == 302
    )
    db.session.expire_all()
    assert (entry.status, entry.people) == ("addressed", 10)
    assert client.post(f"/resistance/{entry.id}/delete").status_code == 302
    assert count(ResistanceEntry) == 0
    assert audit_actions(cast.initiative.id)[-3:] == [
        "resistance.create",
        "resistance.update",
        "resistance.delete",
    ]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"people": "11"}, "How many people: between 1 and the group&#39;s headcount (10)."),
        ({"people": "0"}, "Enter a whole number of at least 1."),
        ({"people": "many"}, "Not a valid integer value."),
        ({"reason": "bored"}, "Not a valid choice."),
        ({"what": ""}, "Describe what people resist."),
        ({"status": "ignored"}, "Not a valid choice."),
        ({"logged_on": ""}, "Enter a valid date (YYYY-MM-DD)."),
    ],
)
def test_invalid_entries_answer_400_and_store_nothing(client, cast, changes, message):
    login(client, cast.member)
    response = client.post(f"/groups/{cast.field.id}/resistance/new", data=resistance_form(**changes))
    assert response.status_code == 400
    assert message in text(response)
    assert count(ResistanceEntry) == 0


def test_service_refuses_more_people_than_the_headcount(app, cast):
    with pytest.raises(ValidationFailed) as caught:
        services.create_resistance(
            group=cast.field, actor=cast.owner, what="X", reason="left_out", people=11, logged_on=today()
        )
    assert caught.value.by_field() == {
        "people": ["How many people: between 1 and the group's headcount (10)."]
    }
    with pytest.raises(ValidationFailed) as caught:
        services.create_resistance(
            group=cast.field, actor=cast.owner, what=" ", reason="x", people=True, status="?", logged_on=None
        )
    assert set(caught.value.by_field()) == {"what", "reason", "people", "status", "logged_on"}
    assert count(ResistanceEntry) == 0


def test_sponsor_cannot_change_the_log_and_stranger_cannot_see_it(client, cast):
    entry = services.create_resistance(
        group=cast.desk,
        actor=cast.owner,
        what="Weekend cut-over",
        reason="no_leader_support",
        people=2,
        logged_on=today() - timedelta(days=2),
    )
    login(client, cast.sponsor)
    assert "Weekend cut-over" in text(client.get(f"/groups/{cast.desk.id}/actions"))
    assert client.get(f"/groups/{cast.desk.id}/resistance/new").status_code == 403
    assert client.post(f"/resistance/{entry.id}/edit", data=resistance_form()).status_code == 403
    assert client.post(f"/resistance/{entry.id}/delete").status_code == 403
    login(client, cast.stranger)
    assert client.get(f"/resistance/{entry.id}/edit").status_code == 404
    assert client.post(f"/groups/{cast.desk.id}/resistance/new", data=resistance_form()).status_code == 404
    assert count(ResistanceEntry) == 1
