"""The respondent's pages: what the survey page promises and offers, storing one anonymous response per link,
and the pages for unusable, closed and not-yet-open links."""

from __future__ import annotations

import re
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from sqlalchemy import inspect, select

from adkar.accounts.models import User
from adkar.extensions import db
from adkar.surveys.models import Invitation, Response, SubmissionReceipt, Wave
from adkar.surveys.respond import services as respondent
from adkar.surveys.responses.services import hash_key
from adkar.timeutil import today

from .wavedata import (
    PULSE_ITEMS,
    count_held,
    count_receipts,
    count_received,
    count_responses,
    invitation_used,
    invite,
    make_wave,
    open_link,
    pulse_form,
    tally,
)

K = 7


@pytest.fixture
def app_config(app_config):
    return {**app_config, "MIN_GROUP_SIZE": K}


class Inputs(HTMLParser):
    """Collects form controls, fieldsets/legends and labels of a page."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.inputs: list[dict] = []
        self.fieldsets = 0
        self.legends = 0
        self.label_for: set[str] = set()
        self.textareas: list[dict] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input":
            self.inputs.append(attrs)
        elif tag == "fieldset":
            self.fieldsets += 1
        elif tag == "legend":
            self.legends += 1
        elif tag == "label" and "for" in attrs:
            self.label_for.add(attrs["for"])
        elif tag == "textarea":
            self.textareas.append(attrs)


def hidden(html: str, name: str) -> str | None:
    match = re.search(rf'<input type="hidden" name="{name}" value="([^"]*)"', html)
    return match.group(1) if match else None


def test_survey_page_says_who_why_how_long_and_what_is_kept(client, factory):
    owner = factory.user("practitioner")
    owner.name = "Dana Reyes"
    db.session.commit()
    wave, groups, _ = make_wave(factory, owner=owner, purpose="We go live on the new desk in May.")
    html = client.get(f"/s/{invite(wave, groups[0])}").get_data(as_text=True)

    assert '<html lang="en">' in html
    assert "ADKAR readiness pulse" in html
    assert f"{wave.initiative.name}, run by Dana Reyes" in html
    assert "We go live on the new desk in May." in html
    assert "About 2 min" in html
    assert f"results are only shown for groups of at least {K} people" in html
    assert "never your name, email address, IP address or the time of day" in html
    assert "Comments are only shown for groups of at least 10 people" in html


def test_survey_page_form_is_accessible_and_self_contained(client, factory):
    wave, groups, _ = make_wave(factory)
    response = client.get(f"/s/{invite(wave, groups[0])}")
    html = response.get_data(as_text=True)
    page = Inputs(html)

    assert page.fieldsets == page.legends == len(PULSE_ITEMS)
    for item in PULSE_ITEMS:
        radios = [i for i in page.inputs if i.get("type") == "radio" and i["name"] == item]
        assert [r["value"] for r in radios] == ["1", "2", "3", "4", "5"]
        assert all(r["id"] in page.label_for for r in radios)  # every radio has a visible label
    assert "Strongly disagree" in html and "Strongly agree" in html
    [comment] = page.textareas
    assert comment["name"] == "comment" and comment["maxlength"] == "2000" and "comment" in page.label_for
    assert hidden(html, "lang") == "en"
    assert hidden(html, "nonce")  # the form's CSRF token, bound to this link
    assert "Set-Cookie" not in response.headers  # respondents get no cookie at all
    assert "<script" not in html and "style=" not in html and "<style" not in html
    assert not re.search(r'(src|href)="(https?:)?//', html)  # nothing from other sites
    assert 'href="?lang=fr"' in html and 'href="?lang=de"' in html
    assert response.headers["X-Robots-Tag"].startswith("noindex")
    assert response.headers["Referrer-Policy"] == "no-referrer"


def test_language_from_the_query_or_the_browser(client, factory):
    wave, groups, _ = make_wave(factory)
    token = invite(wave, groups[0])

    french = client.get(f"/s/{token}?lang=fr").get_data(as_text=True)
    assert '<html lang="fr">' in french
    assert "Baromètre de préparation au changement (ADKAR)" in french
    assert "Pas du tout d’accord" in french
    assert hidden(french, "lang") == "fr"
    assert f"d’au moins {K} personnes" in french

    german = client.get(f"/s/{token}", headers={"Accept-Language": "de-CH, en;q=0.5"}).get_data(as_text=True)
    assert '<html lang="de">' in german and "Absenden" in german

    unknown = client.get(f"/s/{token}?lang=xx").get_data(as_text=True)
    assert '<html lang="en">' in unknown


def test_personal_submission_is_held_then_published_with_k_of_its_group(client, factory):
    wave, groups, _ = make_wave(factory)
    token = invite(wave, groups[0])
    form = pulse_form(2, lang="fr", comment="  Need more training.\r\nSoon.  ")
    form.update(aw1="5", de1="4")

    response = client.post(f"/s/{token}", data=form)

    assert response.status_code == 303
    assert response.headers["Location"].endswith("/thank-you?lang=fr")
    thanks = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Merci" in thanks and '<html lang="fr">' in thanks
    assert invitation_used(token) is True
    assert (count_responses(), count_held()) == (0, 1)  # received, sealed, not yet readable
    assert tally(wave.id, groups[0].id).n == 0
    for _ in range(K - 2):
        assert client.post(f"/s/{invite(wave, groups[0])}", data=pulse_form(3)).status_code == 303
    assert (count_responses(), count_held()) == (0, K - 1)

    assert client.post(f"/s/{invite(wave, groups[0])}", data=pulse_form(3)).status_code == 303

    assert (count_responses(), count_held()) == (K, 0)
    row = db.session.scalars(select(Response).where(Response.comment.is_not(None))).one()
    assert row.answers == {"aw1": 5, "de1": 4, "kn1": 2, "ab1": 2, "re1": 2}  # no free text in answers
    assert row.comment == "Need more training.\nSoon."
    assert (row.score_awareness, row.score_desire, row.score_knowledge) == (5.0, 4.0, 2.0)
    assert row.barrier == 2  # knowledge: the first element at or below 3
    assert row.submitted_on == today()  # the day of publication
    assert row.wave_id == wave.id and row.group_id == groups[0].id
    assert count_receipts() == 0  # a personal link is spent by marking its invitation; no receipt is kept
    counts = tally(wave.id, groups[0].id)
    assert (counts.n, counts.invited, counts.bar_knowledge, counts.bar_awareness) == (K, K, 1, K - 1)


def test_a_response_row_holds_nothing_about_the_person(app, client, factory):
    """The responses table has no column for a token, user, address, agent or time of day."""
    columns = {c["name"]: c for c in inspect(db.engine).get_columns("responses")}
    assert set(columns) == {
        "id",
        "wave_id",
        "group_id",
        "submitted_on",
        "answers",
        *(f"score_{e}" for e in ("awareness", "desire", "knowledge", "ability", "reinforcement")),
        "barrier",
        "comment",
    }
    assert "DATE" in str(columns["submitted_on"]["type"]).upper()
    assert "TIME" not in str(columns["submitted_on"]["type"]).upper()

    wave, groups, _ = make_wave(factory)
    tokens = [invite(wave, groups[0]) for _ in range(K)]
    for token in tokens:
        client.post(f"/s/{token}", data=pulse_form(4), headers={"User-Agent": "Agent/007"},
                    environ_base={"REMOTE_ADDR": "203.0.113.9"})  # fmt: skip
    db.session.rollback()
    stored = db.session.execute(select(Response.__table__)).mappings().all()
    assert len(stored) == K
    text = repr([dict(row) for row in stored])
    for secret in (*tokens, *map(hash_key, tokens), "Agent/007", "203.0.113.9"):
        assert secret not in text
    assert all(len(row["id"]) == 32 and row["id"] != str(wave.id) for row in stored)
    assert db.session.scalars(select(SubmissionReceipt)).all() == []


def test_second_submission_of_a_personal_link_stores_nothing(client, factory):
    wave, groups, _ = make_wave(factory)
    token = invite(wave, groups[0])
    assert client.post(f"/s/{token}", data=pulse_form(4)).status_code == 303

    again = client.post(f"/s/{token}", data=pulse_form(1))

    assert again.status_code == 404
    assert "This link is not valid or has already been used." in again.get_data(as_text=True)
    assert count_received() == 1


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_unknown_and_used_tokens_answer_exactly_alike(client, factory, method):
    wave, groups, _ = make_wave(factory)
    used = invite(wave, groups[0])
    assert client.post(f"/s/{used}", data=pulse_form(4)).status_code == 303
    unknown = "x" * len(used)

    answers = [client.open(f"/s/{token}", method=method, data=pulse_form(3)) for token in (used, unknown)]

    assert answers[0].status_code == answers[1].status_code == 404
    assert answers[0].get_data() == answers[1].get_data()
    assert "Set-Cookie" not in answers[0].headers and "Set-Cookie" not in answers[1].headers
    assert wave.name not in answers[0].get_data(as_text=True)
    assert count_received() == 1


def test_unknown_open_link_is_the_same_unusable_page(client, factory):
    wave, groups, _ = make_wave(factory)
    used = invite(wave, groups[0])
    client.post(f"/s/{used}", data=pulse_form(4))
    personal, shared = client.get(f"/s/{used}"), client.get("/o/not-a-real-link")
    assert personal.status_code == shared.status_code == 404
    assert personal.get_data() == shared.get_data()


def test_closed_and_not_yet_open_waves(client, factory):
    closed, closed_groups, _ = make_wave(factory, opens_in=-20, closes_in=-1)
    later, later_groups, _ = make_wave(factory, opens_in=3, closes_in=10)
    closed_token, later_token = invite(closed, closed_groups[0]), invite(later, later_groups[0])

    page = client.get(f"/s/{closed_token}?lang=de")
    assert page.status_code == 410 and "Diese Umfrage ist abgeschlossen." in page.get_data(as_text=True)
    page = client.get(f"/s/{later_token}")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert "This survey is not open yet." in body and (today() + timedelta(days=3)).isoformat() in body
    assert 'name="aw1"' not in body

    for token in (closed_token, later_token):
        client.post(f"/s/{token}", data=pulse_form(4))
    assert count_received() == 0
    assert invitation_used(closed_token) is False and invitation_used(later_token) is False


def test_wave_closing_today_still_accepts_answers(client, factory):
    wave, groups, _ = make_wave(factory, opens_in=0, closes_in=0)
    assert client.post(f"/s/{invite(wave, groups[0])}", data=pulse_form(4)).status_code == 303
    assert count_received() == 1


def test_invitation_of_a_group_removed_from_the_wave_is_unusable(client, factory):
    wave, groups, _ = make_wave(factory, groups=2)
    token = invite(wave, groups[1])
    wave = db.session.get(Wave, wave.id)
    wave.wave_groups = [wg for wg in wave.wave_groups if wg.group_id == groups[0].id]
    db.session.commit()
    assert db.session.scalar(select(Invitation.id).where(Invitation.token_hash == hash_key(token)))
    assert client.get(f"/s/{token}").status_code == 404


# --- open links -------------------------------------------------------------------------------------------


def test_open_link_page_carries_a_signed_nonce_per_rendering(client, factory):
    wave, groups, _ = make_wave(factory)
    token = open_link(wave, groups[0])
    first = hidden(client.get(f"/o/{token}").get_data(as_text=True), "nonce")
    second = hidden(client.get(f"/o/{token}").get_data(as_text=True), "nonce")
    assert first and second and first != second


def test_open_link_double_submit_of_one_form_stores_one(client, factory):
    wave, groups, _ = make_wave(factory)
    token = open_link(wave, groups[0])
    nonce = hidden(client.get(f"/o/{token}").get_data(as_text=True), "nonce")

    statuses = [client.post(f"/o/{token}", data=pulse_form(4, nonce=nonce)).status_code for _ in range(3)]

    assert statuses == [303, 303, 303]  # a refresh or double click lands on the thank-you page
    assert count_held() == 1
    assert count_receipts() == 1


def test_open_link_separate_forms_store_separate_responses(client, factory):
    wave, groups, _ = make_wave(factory)
    token = open_link(wave, groups[0])
    for _ in range(K):
        nonce = hidden(client.get(f"/o/{token}").get_data(as_text=True), "nonce")
        assert client.post(f"/o/{token}", data=pulse_form(4, nonce=nonce)).status_code == 303
    assert count_responses() == K
    counts = tally(wave.id, groups[0].id)
    assert (counts.n, counts.invited) == (K, 0)


@pytest.mark.parametrize("forge", ["missing", "unsigned", "tampered", "other_link"])
def test_open_link_rejects_a_forged_nonce(app, client, factory, forge):
    wave, groups, _ = make_wave(factory, groups=2)
    token, other = open_link(wave, groups[0]), open_link(wave, groups[1])
    good = hidden(client.get(f"/o/{token}").get_data(as_text=True), "nonce")
    nonce = {
        "missing": None,
        "unsigned": "just-a-random-string",
        "tampered": good[:-2] + ("AA" if not good.endswith("AA") else "BB"),
        "other_link": hidden(client.get(f"/o/{other}").get_data(as_text=True), "nonce"),
    }[forge]
    data = pulse_form(4, lang="fr") | ({"nonce": nonce} if nonce else {})

    response = client.post(f"/o/{token}", data=data)

    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Cette page a expiré" in html
    fresh = hidden(html, "nonce")
    assert fresh and fresh != nonce  # a new, valid nonce: submitting again works
    assert 'value="4" checked' in html  # the answers are kept
    assert count_received() == 0 and count_receipts() == 0
    assert client.post(f"/o/{token}", data=pulse_form(4, nonce=fresh)).status_code == 303
    assert count_received() == 1


def test_form_nonces_expire_and_bind_to_their_link(app, factory):
    wave, groups, _ = make_wave(factory)
    token, personal = open_link(wave, groups[0]), invite(wave, groups[0])
    with app.test_request_context():
        link = respondent.resolve_open(token)
        nonce = respondent.issue_nonce(link)
        assert respondent.form_receipt(link, nonce) == respondent.form_receipt(link, nonce)
        with pytest.raises(respondent.NonceInvalid):
            respondent.form_receipt(link, nonce, max_age=-1)
        mine = respondent.resolve_personal(personal)
        own = respondent.issue_nonce(mine)
        assert respondent.form_receipt(mine, own) is None  # good, and no receipt: the invitation is spent
        for wrong in (nonce, own + "x", None, ""):
            with pytest.raises(respondent.NonceInvalid):
                respondent.form_receipt(mine, wrong)
        with pytest.raises(respondent.NonceInvalid):
            respondent.form_receipt(link, own)  # a personal form's nonce is not an open link's


def test_open_link_of_a_closed_wave(client, factory):
    wave, groups, _ = make_wave(factory, opens_in=-9, closes_in=-2)
    token = open_link(wave, groups[0])
    assert client.get(f"/o/{token}").status_code == 410
    assert client.post(f"/o/{token}", data=pulse_form(4)).status_code == 410
    assert count_responses() == 0


def test_owner_without_a_name_is_not_shown_by_email(client, factory):
    wave, groups, owner = make_wave(factory)
    html = client.get(f"/o/{open_link(wave, groups[0])}").get_data(as_text=True)
    assert db.session.get(User, owner.id).email not in html
    assert wave.initiative.name in html
