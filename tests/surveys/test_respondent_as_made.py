"""A personal form stored as it was made: its nonce names the wave, group and survey, so the POST spends the
token in one conditional write. Whatever changed since the page was made, the answer is what the full
check would give: nothing is stored for a closed wave, a changed survey or a withdrawn group."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import event, update

from adkar.extensions import db
from adkar.surveys import respondent
from adkar.surveys.driver_sql import Driver
from adkar.surveys.models import Wave, WaveGroup
from adkar.surveys.responses import hash_key
from adkar.timeutil import today

from .test_concurrency import submit_together, tally_matches_rows
from .wavedata import count_responses, invitation_used, invite, make_wave, page_nonce, pulse_form, tally


def test_the_nonce_names_what_the_form_was_made_for(app, client, factory):
    wave, groups, _ = make_wave(factory)
    token = invite(wave, groups[0])
    with app.app_context():
        made = respondent._made_for(hash_key(token), page_nonce(client, token))
    assert (made.wave_id, made.group_id, made.survey.key) == (wave.id, groups[0].id, "adkar-pulse")
    other = invite(wave, groups[0])
    with app.app_context():
        assert respondent._made_for(hash_key(other), page_nonce(client, token)) is None  # not its link


def test_a_form_as_made_is_stored_once(client, factory):
    wave, groups, _ = make_wave(factory)
    token = invite(wave, groups[0])
    form = pulse_form(4, nonce=page_nonce(client, token))

    first, again = client.post(f"/s/{token}", data=form), client.post(f"/s/{token}", data=form)

    assert first.status_code == 303 and again.status_code == 404  # the second finds the link used
    assert count_responses() == 1 and invitation_used(token) is True
    assert tally(wave.id, groups[0].id).n == 1


def test_a_wave_closed_since_the_page_was_made_stores_nothing(client, factory):
    wave, groups, _ = make_wave(factory)
    token = invite(wave, groups[0])
    form = pulse_form(4, nonce=page_nonce(client, token))
    db.session.execute(update(Wave).where(Wave.id == wave.id).values(closes_on=today() - timedelta(days=1)))
    db.session.commit()

    response = client.post(f"/s/{token}", data=form)

    assert response.status_code == 410
    assert count_responses() == 0 and invitation_used(token) is False


def test_a_survey_changed_since_the_page_was_made_sends_the_form_back(client, factory):
    wave, groups, _ = make_wave(factory)
    token = invite(wave, groups[0])
    form = pulse_form(4, nonce=page_nonce(client, token))
    db.session.execute(update(Wave).where(Wave.id == wave.id).values(survey_key="adkar-assessment"))
    db.session.commit()

    response = client.post(f"/s/{token}", data=form)

    assert response.status_code == 400  # the new survey's items are missing: asked again, nothing stored
    assert count_responses() == 0 and invitation_used(token) is False


def test_a_group_taken_out_of_the_wave_since_the_page_was_made_stores_nothing(client, factory):
    wave, groups, _ = make_wave(factory, groups=2)
    token = invite(wave, groups[0])
    form = pulse_form(4, nonce=page_nonce(client, token))
    db.session.execute(
        WaveGroup.__table__.delete().where(WaveGroup.wave_id == wave.id, WaveGroup.group_id == groups[0].id)
    )
    db.session.commit()

    response = client.post(f"/s/{token}", data=form)

    assert response.status_code == 404
    assert count_responses() == 0


def test_claims_for_another_group_store_nothing(app, client, factory):
    """A nonce is only as good as its signature: one signed for this token but naming another group (as a
    tampered or stale page might) cannot move the answer to that group."""
    wave, groups, _ = make_wave(factory, groups=2)
    token = invite(wave, groups[0])
    with app.test_request_context():
        link = respondent.resolve_personal(token)
        elsewhere = respondent.Link(**{**link.__dict__, "group_id": groups[1].id})
        nonce = respondent.issue_nonce(elsewhere)
    response = client.post(f"/s/{token}", data=pulse_form(4, nonce=nonce))
    assert response.status_code == 303  # the full check stores it where the invitation says
    assert tally(wave.id, groups[0].id).n == 1 and tally(wave.id, groups[1].id).n == 0


def test_fifty_simultaneous_forms_as_made_store_one(app, client, factory):
    wave, groups, _ = make_wave(factory)
    token = invite(wave, groups[0])
    form = pulse_form(5, nonce=page_nonce(client, token))
    wave_id, group_id = wave.id, groups[0].id
    db.session.remove()

    statuses = submit_together(app, f"/s/{token}", form)

    assert statuses.count(303) >= 1 and set(statuses) <= {303, 404}
    assert count_responses() == 1
    assert tally_matches_rows(wave_id, group_id) == (1, 1)
    assert invitation_used(token) is True


def test_the_common_case_spends_the_token_without_reading_the_link_first(app, client, factory, monkeypatch):
    """Nothing is read through SQLAlchemy; the writes go straight to the driver: on SQLite three in one
    BEGIN IMMEDIATE transaction, on PostgreSQL one statement in autocommit (no BEGIN or COMMIT)."""
    wave, groups, _ = make_wave(factory)
    token = invite(wave, groups[0])
    form = pulse_form(4, nonce=page_nonce(client, token))
    through_sqlalchemy: list[str] = []
    to_driver: list[tuple[str, bool]] = []
    execute = Driver._execute

    def sent(driver, sql, args):
        autocommit = not driver.sqlite and driver.connection.connection.driver_connection.autocommit
        to_driver.append((" ".join(sql.split()).upper(), autocommit))
        execute(driver, sql, args)

    def seen(_conn, _cursor, statement, *_args):
        through_sqlalchemy.append(statement)

    monkeypatch.setattr(Driver, "_execute", sent)
    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", seen)
        try:
            assert client.post(f"/s/{token}", data=form).status_code == 303
        finally:
            event.remove(db.engine, "before_cursor_execute", seen)
    assert through_sqlalchemy == []
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        heads = [" ".join(sql.split()[:3]) for sql, _ in to_driver]
        assert heads == [
            "BEGIN IMMEDIATE",
            "UPDATE INVITATIONS SET",
            "INSERT INTO RESPONSES",
            "UPDATE WAVE_GROUPS SET",
            "COMMIT",
        ]
    else:
        [(statement, autocommit)] = to_driver
        assert statement.startswith("WITH SPENT AS (UPDATE INVITATIONS SET USED")
        assert "UPDATE WAVE_GROUPS SET N=" in statement and "INSERT INTO RESPONSES" in statement
        assert autocommit is True
    assert count_responses() == 1
