"""Bad answers on the respondent form: re-rendered in the respondent's language (400) with an accessible
error summary, the answers kept, and nothing stored."""

from __future__ import annotations

import re

import pytest
from werkzeug.datastructures import MultiDict

from .wavedata import (
    count_receipts,
    count_received,
    invitation_used,
    invite,
    make_wave,
    open_link,
    pulse_form,
)

BAD_INPUTS = {
    # name: (form changes, the field in error, the French message)
    "out_of_range": ({"aw1": "7"}, "aw1", "Choisissez une valeur de 1 à 5."),
    "not_a_number": ({"de1": "4.5"}, "de1", "Choisissez une valeur de 1 à 5."),
    "missing": ({"kn1": None}, "kn1", "Veuillez répondre à cette affirmation."),
    "comment_too_long": (
        {"comment": "é" * 2001},
        "comment",
        "Votre commentaire est trop long (2\u202f000 caractères maximum).",
    ),
    "forged_field": (
        {"score_awareness": "5"},
        None,
        "Le formulaire contenait des données inattendues. Veuillez recharger la page et réessayer.",
    ),
    "duplicated_field": (
        {"ab1": ["5", "1"]},
        "ab1",
        "Cette réponse a été envoyée plusieurs fois. Veuillez recharger la page et réessayer.",
    ),
}


def bad_form(changes: dict, **extra) -> MultiDict:
    form = MultiDict(pulse_form(4, lang="fr", **extra))
    for name, value in changes.items():
        form.poplist(name)
        for one in value if isinstance(value, list) else [value]:
            if one is not None:
                form.add(name, one)
    return form


@pytest.mark.parametrize("case", BAD_INPUTS, ids=list(BAD_INPUTS))
def test_bad_personal_answers_re_render_in_french_and_store_nothing(client, factory, case):
    changes, field, message = BAD_INPUTS[case]
    wave, groups, _ = make_wave(factory)
    token = invite(wave, groups[0])

    response = client.post(f"/s/{token}", data=bad_form(changes))

    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert '<html lang="fr">' in html
    assert "Il y a un problème" in html and message in html
    assert 'role="alert"' in html
    if field and field != "comment":
        assert f'href="#{field}-1"' in html  # the summary links to the question
        assert re.search(
            rf'<fieldset class="likert has-error" id="q-{field}" aria-describedby="{field}-error"', html
        )
        assert re.search(rf'name="{field}" value="1"[^>]*aria-invalid="true"', html)
    if field == "comment":
        assert 'href="#comment"' in html and 'aria-describedby="comment-hint comment-error"' in html
    assert 'name="re1" value="4" checked' in html  # good answers are kept
    assert count_received() == 0 and count_receipts() == 0
    assert invitation_used(token) is False
    assert client.post(f"/s/{token}", data=pulse_form(4)).status_code == 303  # the link still works


@pytest.mark.parametrize("case", ["out_of_range", "forged_field"])
def test_bad_open_link_answers_keep_the_nonce_and_store_nothing(client, factory, case):
    changes, _field, message = BAD_INPUTS[case]
    wave, groups, _ = make_wave(factory)
    token = open_link(wave, groups[0])
    page = client.get(f"/o/{token}").get_data(as_text=True)
    nonce = re.search(r'name="nonce" value="([^"]+)"', page).group(1)

    response = client.post(f"/o/{token}", data=bad_form(changes, nonce=nonce))

    html = response.get_data(as_text=True)
    assert response.status_code == 400 and message in html
    assert f'name="nonce" value="{nonce}"' in html  # fixing the answers submits the same form once
    assert count_received() == 0
    assert client.post(f"/o/{token}", data=pulse_form(4, nonce=nonce)).status_code == 303
    assert client.post(f"/o/{token}", data=pulse_form(4, nonce=nonce)).status_code == 303
    assert count_received() == 1


def test_a_session_csrf_token_on_a_respondent_form_is_a_forged_field(client, factory):
    """Respondent forms carry their link's nonce and nothing from a session."""
    wave, groups, _ = make_wave(factory)
    token = invite(wave, groups[0])
    response = client.post(f"/s/{token}", data=pulse_form(4, csrf_token="x"))
    assert response.status_code == 400
    assert "The form contained unexpected data" in response.get_data(as_text=True)
    assert count_received() == 0


def test_comment_html_is_escaped_when_re_rendered(client, factory):
    wave, groups, _ = make_wave(factory)
    token = invite(wave, groups[0])
    form = pulse_form(4, comment="<script>alert(1)</script>")
    form.pop("aw1")
    html = client.post(f"/s/{token}", data=form).get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
