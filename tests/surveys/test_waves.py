"""Survey waves: the rules for planning one, closing or deleting it, suggestions, and the wave pages."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from flask import render_template
from flask_login import login_user
from sqlalchemy import select

from adkar.audit.models import AuditEvent
from adkar.extensions import db
from adkar.surveys.invitations import services as invitations
from adkar.surveys.models import Invitation, Wave, WaveGroup
from adkar.surveys.waves import services as waves
from adkar.surveys.waves.views import plan_waves
from adkar.timeutil import today
from adkar.validation import ValidationFailed

from . import wave_support
from .wave_support import count, fresh_wave, new_wave, text, wave_group
from .wavedata import add_responses, count_held, count_responses

# --- status ---------------------------------------------------------------------------------------------

# Fixtures shared with the other wave tests.
fast_password_hashing = wave_support.fast_password_hashing
plan = wave_support.plan
sqlite_template = wave_support.sqlite_template


def test_status_follows_the_dates_with_both_days_included(plan):
    wave = new_wave(plan, opens=today() + timedelta(days=1), closes=today() + timedelta(days=3))
    assert waves.wave_status(wave, today()) == "scheduled"
    assert waves.wave_status(wave, wave.opens_on) == "open"
    assert waves.wave_status(wave, wave.closes_on) == "open"
    assert waves.wave_status(wave, wave.closes_on + timedelta(days=1)) == "closed"


# --- creating ---------------------------------------------------------------------------------------------


def test_create_makes_one_wave_group_per_group_and_an_audit_event(plan):
    wave = new_wave(plan)
    rows = db.session.scalars(select(WaveGroup).where(WaveGroup.wave_id == wave.id)).all()
    assert sorted(r.group_id for r in rows) == sorted(g.id for g in plan.groups)
    assert all(r.invited == 0 and r.n == 0 and r.open_link_hash is None for r in rows)
    assert (wave.milestone_id, wave.survey_key, wave.initiative_id) == (
        plan.milestone.id,
        "adkar-pulse",
        plan.initiative.id,
    )
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "wave.create"))
    assert (event.user_id, event.target_id) == (plan.owner.id, str(wave.id))


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"closes_on": "yesterday"}, "closes_on"),
        ({"group_ids": []}, "group_ids"),
        ({"group_ids": "foreign"}, "group_ids"),
        ({"survey_key": "no-such-survey"}, "survey"),
        ({"milestone_id": "foreign"}, "milestone_id"),
        ({"milestone_id": 999_999}, "milestone_id"),
        ({"name": "   "}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"purpose": "x" * 2001}, "purpose"),
    ],
)
def test_bad_waves_are_refused_and_nothing_is_stored(plan, changes, field):
    if changes.get("closes_on") == "yesterday":
        changes["closes_on"] = today() - timedelta(days=1)
    if changes.get("group_ids") == "foreign":
        changes["group_ids"] = [plan.groups[0].id, plan.foreign_group.id]
    if changes.get("milestone_id") == "foreign":
        changes["milestone_id"] = plan.foreign_milestone.id
    with pytest.raises(ValidationFailed) as caught:
        new_wave(plan, **changes)
    assert field in caught.value.by_field()
    assert count(Wave) == 0
    assert count(WaveGroup) == 0


def test_a_one_day_wave_is_fine(plan):
    wave = new_wave(plan, opens=today(), closes=today())
    assert waves.wave_status(wave) == "open"


# --- updating, closing, deleting --------------------------------------------------------------------------


def _update(wave: Wave, plan, **changes) -> Wave:
    values = {
        "name": wave.name,
        "survey_key": wave.survey_key,
        "opens_on": wave.opens_on,
        "closes_on": wave.closes_on,
        "group_ids": [wg.group_id for wg in wave.wave_groups],
        "milestone_id": wave.milestone_id,
        "purpose": wave.purpose,
    }
    return waves.update_wave(wave=wave, actor=plan.owner, **(values | changes))


def test_update_adds_and_removes_groups_and_withdraws_removed_links(plan):
    agents, leads = plan.groups
    wave = new_wave(plan, group_ids=[agents.id])
    tokens = invitations.issue_links(wave=wave, group_id=agents.id, count=2, actor=plan.owner)
    _update(wave, plan, group_ids=[leads.id], name="Renamed")
    wave = fresh_wave(wave.id)
    assert [wg.group_id for wg in wave.wave_groups] == [leads.id]
    assert wave.name == "Renamed"
    assert count(Invitation) == 0
    assert tokens  # the links handed out for agents no longer match any invitation


def test_groups_that_answered_stay_and_the_survey_stays_once_answered(plan):
    agents, leads = plan.groups
    wave = new_wave(plan)
    add_responses(wave, agents, 1)
    wave = fresh_wave(wave.id)
    with pytest.raises(ValidationFailed) as caught:
        _update(wave, plan, group_ids=[leads.id], survey_key="adkar-assessment")
    assert set(caught.value.by_field()) == {"group_ids", "survey"}
    assert "Agents" in caught.value.by_field()["group_ids"][0]
    wave = fresh_wave(wave.id)
    assert len(wave.wave_groups) == 2 and wave.survey_key == "adkar-pulse"
    _update(wave, plan, group_ids=[agents.id])  # leads have not answered: they may go
    assert [wg.group_id for wg in fresh_wave(wave.id).wave_groups] == [agents.id]


def test_delete_without_responses_removes_the_wave_and_its_links(plan):
    wave = new_wave(plan)
    invitations.issue_links(wave=wave, group_id=plan.groups[0].id, count=3, actor=plan.owner)
    assert waves.delete_wave(wave=wave, actor=plan.owner) == "deleted"
    assert (count(Wave), count(WaveGroup), count(Invitation)) == (0, 0, 0)


def test_delete_with_responses_closes_the_wave_today_instead(plan):
    wave = new_wave(plan, opens=today() - timedelta(days=3), closes=today() + timedelta(days=10))
    add_responses(wave, plan.groups[0], 5)
    assert waves.delete_wave(wave=fresh_wave(wave.id), actor=plan.owner) == "closed"
    wave = fresh_wave(wave.id)
    assert wave.closes_on == today()
    assert waves.wave_status(wave, today() + timedelta(days=1)) == "closed"
    assert wave_group(wave.id, plan.groups[0].id).n == 5


def test_delete_with_answers_still_held_closes_the_wave_and_keeps_them(plan):
    wave = new_wave(plan, opens=today() - timedelta(days=3), closes=today() + timedelta(days=10))
    add_responses(wave, plan.groups[0], 2)  # fewer than k: held, not published
    assert (count_responses(wave.id), count_held(wave.id)) == (0, 2)
    assert waves.delete_wave(wave=fresh_wave(wave.id), actor=plan.owner) == "closed"
    assert fresh_wave(wave.id).closes_on == today()
    assert count_held(wave.id) == 2


def test_closing_a_scheduled_wave_keeps_its_dates_in_order(plan):
    wave = new_wave(plan, opens=today() + timedelta(days=5), closes=today() + timedelta(days=9))
    waves.close_wave(wave=wave, actor=plan.owner)
    wave = fresh_wave(wave.id)
    assert wave.opens_on == wave.closes_on == today()


# --- suggestions ----------------------------------------------------------------------------------------


def test_each_milestone_without_a_wave_gets_a_suggestion(plan, factory):
    training = factory.milestone(
        plan.initiative, name="Training complete", due=today() + timedelta(days=60), groups=(plan.groups[1],)
    )
    factory.milestone(plan.initiative, name="Design sign-off", due=today() - timedelta(days=5))  # past
    suggestions = waves.suggested_waves(plan.initiative)
    assert [s.milestone_id for s in suggestions] == [training.id, plan.milestone.id]
    first, second = suggestions
    assert first.opens_on == training.due - timedelta(days=21)
    assert first.closes_on == training.due - timedelta(days=7)
    assert first.group_ids == (plan.groups[1].id,)  # the milestone's own groups
    assert second.group_ids == tuple(g.id for g in plan.groups)  # no groups named: all of them
    assert first.survey_key == "adkar-assessment"  # the initiative's first wave: a full baseline
    assert second.survey_key == "adkar-pulse"

    new_wave(plan, milestone_id=training.id)
    assert [s.milestone_id for s in waves.suggested_waves(plan.initiative)] == [plan.milestone.id]


def test_a_milestone_days_away_gets_a_wave_from_today(plan, factory):
    soon = factory.milestone(plan.initiative, name="UAT", due=today() + timedelta(days=3))
    suggestion = next(s for s in waves.suggested_waves(plan.initiative) if s.milestone_id == soon.id)
    assert suggestion.opens_on == today()
    assert suggestion.closes_on == soon.due


# --- pages: creating ------------------------------------------------------------------------------------


def _form(plan, **changes) -> dict:
    data = {
        "name": "Training pulse",
        "survey": "adkar-pulse",
        "opens_on": today().isoformat(),
        "closes_on": (today() + timedelta(days=10)).isoformat(),
        "groups": [str(g.id) for g in plan.groups],
        "milestone": str(plan.milestone.id),
        "purpose": "Knowledge after training",
    }
    return data | changes


def test_new_wave_page_creates_the_wave(client, auth, plan):
    auth.login(plan.member.email)
    page = client.get(f"/initiatives/{plan.initiative.id}/waves/new")
    assert page.status_code == 200
    assert 'name="groups"' in text(page) and "at least four times" in text(page)
    assert '<option selected value="adkar-assessment">' in text(page)  # a first wave is a full baseline
    assert f'value="{today().isoformat()}"' in text(page)
    response = client.post(f"/initiatives/{plan.initiative.id}/waves/new", data=_form(plan))
    wave = db.session.scalar(select(Wave))
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/waves/{wave.id}")
    assert (wave.name, wave.milestone_id, len(wave.wave_groups)) == ("Training pulse", plan.milestone.id, 2)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"closes_on": (today() - timedelta(days=1)).isoformat()}, "cannot close before it opens"),
        ({"groups": []}, "at least one stakeholder group"),
        ({"opens_on": "not a date"}, "Not a valid date"),
        ({"survey": "nope"}, "Not a valid choice"),
    ],
)
def test_new_wave_page_rerenders_bad_input_with_400(client, auth, plan, changes, message):
    auth.login(plan.owner.email)
    response = client.post(f"/initiatives/{plan.initiative.id}/waves/new", data=_form(plan, **changes))
    assert response.status_code == 400
    assert message in text(response)
    assert 'value="Training pulse"' in text(response)  # what was typed stays
    assert count(Wave) == 0


def test_a_group_of_another_initiative_is_refused_by_the_page(client, auth, plan):
    auth.login(plan.owner.email)
    data = _form(plan, groups=[str(plan.groups[0].id), str(plan.foreign_group.id)])
    response = client.post(f"/initiatives/{plan.initiative.id}/waves/new", data=data)
    assert response.status_code == 400
    assert count(Wave) == 0


def test_new_wave_page_is_prefilled_from_a_suggestion(client, auth, plan):
    suggestion = waves.suggested_waves(plan.initiative)[0]
    auth.login(plan.owner.email)
    response = client.get(
        f"/initiatives/{plan.initiative.id}/waves/new", query_string=suggestion.query_args()
    )
    body = text(response)
    assert f'value="{suggestion.name}"' in body
    assert f'value="{suggestion.opens_on.isoformat()}"' in body
    assert re.search(rf'<option selected value="{plan.milestone.id}"', body)


def test_create_this_wave_in_one_click(client, auth, plan):
    auth.login(plan.owner.email)
    response = client.post(
        f"/initiatives/{plan.initiative.id}/waves/suggested", data={"milestone_id": plan.milestone.id}
    )
    wave = db.session.scalar(select(Wave))
    assert response.status_code == 302
    assert wave.milestone_id == plan.milestone.id
    assert wave.closes_on == plan.milestone.due - timedelta(days=7)
    again = client.post(
        f"/initiatives/{plan.initiative.id}/waves/suggested", data={"milestone_id": plan.milestone.id}
    )
    assert again.status_code == 400
    assert count(Wave) == 1


# --- pages: the wave ----------------------------------------------------------------------------------------


def test_wave_page_shows_the_wave_and_its_forms_to_writers(client, auth, plan):
    wave = new_wave(plan)
    auth.login(plan.owner.email)
    body = text(client.get(f"/waves/{wave.id}"))
    assert "Pre go-live pulse" in body and "ADKAR readiness pulse" in body and "Go-live" in body
    assert "Are agents able to use the new desk?" in body
    for action in ("links", "emails", "reminders", "open-link", "close"):
        assert f'action="/waves/{wave.id}/{action}"' in body
    assert 'src="/static/js/wave-progress.js"' in body
    assert "<script>" not in body and "style=" not in body


def test_sponsors_read_the_wave_page_without_forms_and_cannot_change_it(client, auth, plan):
    wave = new_wave(plan)
    auth.login(plan.sponsor.email)
    page = client.get(f"/waves/{wave.id}")
    assert page.status_code == 200
    assert f'action="/waves/{wave.id}/links"' not in text(page)
    assert client.get(f"/waves/{wave.id}/progress.json").status_code == 200
    group = plan.groups[0].id
    for path, data in [
        (f"/waves/{wave.id}/links", {"links-group": group, "links-count": 3}),
        (f"/waves/{wave.id}/emails", {"email-group": group, "email-emails": "a@example.test"}),
        (f"/waves/{wave.id}/reminders", {"remind-group": 0}),
        (f"/waves/{wave.id}/open-link", {"open-group": group}),
        (f"/waves/{wave.id}/close", {}),
        (f"/waves/{wave.id}/delete", {}),
        (f"/waves/{wave.id}/edit", _form(plan)),
        (f"/initiatives/{plan.initiative.id}/waves/new", _form(plan)),
    ]:
        assert client.post(path, data=data).status_code == 403, path
    assert wave_group(wave.id, group).invited == 0
    assert count(Wave) == 1


def test_strangers_get_404_everywhere(client, auth, plan):
    wave = new_wave(plan)
    auth.login(plan.stranger.email)
    for path in (f"/waves/{wave.id}", f"/waves/{wave.id}/progress.json", f"/waves/{wave.id}/edit"):
        assert client.get(path).status_code == 404, path
    assert client.post(f"/waves/{wave.id}/links", data={"links-group": plan.groups[0].id}).status_code == 404
    assert client.get(f"/initiatives/{plan.initiative.id}/waves/new").status_code == 404


def test_signed_out_visitors_are_sent_to_sign_in(client, plan):
    wave = new_wave(plan)
    response = client.get(f"/waves/{wave.id}")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_progress_json_counts_invited_and_responded_per_group(client, auth, plan):
    agents, leads = plan.groups
    wave = new_wave(plan)
    invitations.issue_links(wave=wave, group_id=agents.id, count=10, actor=plan.owner)
    add_responses(wave, agents, 6)  # at least k: published at once
    add_responses(wave, agents, 2)  # fewer than k: held until the group's imports reach k
    assert wave_group(wave.id, agents.id).n == 6
    auth.login(plan.owner.email)
    data = client.get(f"/waves/{wave.id}/progress.json").get_json()
    assert data["status"] == "open"
    by_group = {g["group_id"]: g for g in data["groups"]}
    assert by_group[agents.id] == {
        "group_id": agents.id,
        "name": "Agents",
        "invited": 10,
        "responded": 8,
        "published": 6,
        "held": 2,
        "response_rate": 0.8,
    }
    assert by_group[leads.id]["response_rate"] is None  # nobody invited
    total = data["total"]
    assert (total["invited"], total["responded"], total["published"], total["held"]) == (10, 8, 6, 2)


def test_edit_page_saves_and_refuses_bad_dates(client, auth, plan):
    wave = new_wave(plan)
    auth.login(plan.owner.email)
    assert client.get(f"/waves/{wave.id}/edit").status_code == 200
    bad = client.post(
        f"/waves/{wave.id}/edit", data=_form(plan, closes_on=(today() - timedelta(days=2)).isoformat())
    )
    assert bad.status_code == 400
    assert fresh_wave(wave.id).name == "Pre go-live pulse"
    good = client.post(f"/waves/{wave.id}/edit", data=_form(plan, name="Renamed wave"))
    assert good.status_code == 302
    assert fresh_wave(wave.id).name == "Renamed wave"


def test_delete_page_confirms_then_deletes(client, auth, plan):
    wave = new_wave(plan)
    auth.login(plan.owner.email)
    confirm = client.get(f"/waves/{wave.id}/delete")
    assert confirm.status_code == 200 and "Delete for good" in text(confirm)
    assert count(Wave) == 1
    response = client.post(f"/waves/{wave.id}/delete")
    assert response.status_code == 302
    assert count(Wave) == 0


def test_delete_page_closes_a_wave_with_responses(client, auth, plan):
    wave = new_wave(plan, opens=today() - timedelta(days=2))
    add_responses(wave, plan.groups[0], 1)
    auth.login(plan.owner.email)
    assert "Close the wave" in text(client.get(f"/waves/{wave.id}/delete"))
    client.post(f"/waves/{wave.id}/delete")
    assert fresh_wave(wave.id).closes_on == today()


# --- the plan page's section ---------------------------------------------------------------------------


def _plan_section(app, user, initiative) -> str:
    with app.test_request_context("/"):
        login_user(user)
        return render_template(
            "waves/_plan_waves.html", initiative=initiative, plan_waves=plan_waves(initiative)
        )


def test_plan_section_lists_waves_and_offers_suggestions_to_writers(app, plan, factory):
    wave = new_wave(plan, milestone_id=None, name="Baseline")
    invitations.issue_links(wave=wave, group_id=plan.groups[0].id, count=4, actor=plan.owner)
    add_responses(wave, plan.groups[0], 1)
    html = _plan_section(app, plan.owner, fresh_wave(wave.id).initiative)
    assert f'href="/waves/{wave.id}"' in html and "Baseline" in html
    assert "25%" in html and "Open" in html
    assert "Readiness before Go-live" in html  # the milestone has no wave yet
    assert f'name="milestone_id" value="{plan.milestone.id}"' in html
    assert "at least 4 times" in html

    sponsor_view = _plan_section(app, plan.sponsor, plan.initiative)
    assert "Baseline" in sponsor_view
    assert "Create this wave" not in sponsor_view


def test_plan_section_stops_suggesting_once_the_milestone_has_a_wave(app, plan):
    new_wave(plan)  # paired with plan.milestone
    html = _plan_section(app, plan.owner, plan.initiative)
    assert "Create this wave" not in html
