"""The "surveys" done-criteria in a real browser: a wave, personal links, an anonymous answer on a phone,
and the wave page counting it live."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .conftest import (
    PRACTITIONER,
    assert_no_js_errors,
    expect_http_error,
    fresh_link,
    screenshot,
    sign_in,
)

DEMO = "Service desk platform migration"
POLL_TIMEOUT_MS = 15_000  # wave-progress.js polls every 5 s


def path_of(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)


OVERFLOW_JS = """() => {
    const width = document.documentElement.clientWidth;
    const wide = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
        const range = document.createRange();
        range.selectNodeContents(walker.currentNode);
        const right = range.getBoundingClientRect().right;
        if (right > width + 0.5) {
            wide.push(`${walker.currentNode.parentElement.tagName} ends at ${Math.round(right)}px: `
                + walker.currentNode.textContent.trim().slice(0, 60));
        }
    }
    const scroll = document.documentElement.scrollWidth;
    return scroll <= width ? [] : [`scrollWidth ${scroll}px > clientWidth ${width}px`, ...wide];
}"""


def horizontal_overflow(page) -> list[str]:
    """Why the page scrolls sideways (the text that sticks out), or [] when it does not. Measured once the
    page has loaded: on a busy machine the stylesheet can still be on its way when the first radio shows,
    and unstyled text overflows."""
    page.wait_for_load_state("load")
    return page.evaluate(OVERFLOW_JS)


def test_employee_answers_on_a_phone_and_the_wave_page_counts_it(page, phone_page, live_server):
    k = live_server.app.config["MIN_GROUP_SIZE"]
    assert k == 5

    # The practitioner plans the suggested wave for the next milestone and makes links for one group.
    sign_in(page, PRACTITIONER)
    page.get_by_role("link", name=DEMO).click()
    waves = page.get_by_role("region", name="Survey waves")
    waves.get_by_role(
        "button", name=re.compile(r"^Create this wave\W+Readiness before Training complete$")
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        re.compile(r"^Readiness before Training complete\s+Open$")
    )
    expect(page.get_by_role("status")).to_contain_text("is planned")

    links_form = page.locator("form").filter(has=page.get_by_role("heading", name="Personal links"))
    links_form.get_by_label("Group").select_option(label="Team leads")
    links_form.get_by_label("Number of links").fill("3")
    links_form.get_by_role("button", name="Create links").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("3 personal links for Team leads")
    links = page.get_by_label("The links, one per line").input_value().split()
    assert len(links) == 3 and all(re.fullmatch(rf"{live_server.url}/s/[\w-]{{32,}}", u) for u in links)

    page.get_by_role("link", name="Back to the wave").click()
    progress = page.get_by_role("table", name=re.compile("^Invitations and responses per stakeholder group"))
    team_leads = progress.get_by_role("row", name=re.compile("^Team leads"))
    expect(team_leads.get_by_role("cell").nth(0)).to_have_text("3")  # invited
    expect(team_leads.get_by_role("cell").nth(1)).to_have_text("0")  # responded
    page.evaluate("window.__notReloaded = true")

    # An employee opens the first link on a phone, anonymously.
    phone = phone_page
    phone.goto(links[0])
    expect(phone.get_by_role("heading", level=1)).to_have_text("ADKAR readiness pulse")
    expect(phone.get_by_text(f"results are only shown for groups of at least {k} people")).to_be_visible()
    form = phone.get_by_role("form", name="Your answers")
    expect(form.get_by_role("group")).to_have_count(5)
    for group in form.get_by_role("group").all():
        expect(group.get_by_role("radio")).to_have_count(5)

    phone.get_by_role("navigation", name="Language").get_by_role("link", name="Français").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text(
        "Baromètre de préparation au changement (ADKAR)"
    )
    expect(phone.locator("html")).to_have_attribute("lang", "fr")
    expect(phone.get_by_text(f"groupes d’au moins {k} personnes")).to_be_visible()
    form = phone.get_by_role("form", name="Vos réponses")
    statements = form.get_by_role("group")
    expect(statements.first).to_contain_text(
        "1. Je comprends pourquoi nous mettons en place le nouveau système."
    )

    # Statement 1 by keyboard: Tab into the radio group, Space to choose, arrows to move the choice.
    first_radio = statements.first.get_by_role("radio").first
    for _ in range(20):
        phone.keyboard.press("Tab")
        if first_radio.evaluate("el => el === document.activeElement"):
            break
    else:
        pytest.fail("Tab never reached the first statement's radio group")
    phone.keyboard.press("Space")
    expect(statements.first.get_by_role("radio", name="Pas du tout d’accord", exact=True)).to_be_checked()
    for _ in range(3):
        phone.keyboard.press("ArrowRight")
    expect(statements.first.get_by_role("radio", name="D’accord", exact=True)).to_be_checked()
    expect(statements.first.get_by_role("radio", name="D’accord", exact=True)).to_be_focused()

    # The others by tapping the words of a choice (its label).
    for index in range(1, 5):
        statement = statements.nth(index)
        statement.get_by_text("Tout à fait d’accord", exact=True).click()
        expect(statement.get_by_role("radio", name="Tout à fait d’accord", exact=True)).to_be_checked()
    form.get_by_role("textbox").fill("La formation était utile.")
    screenshot(phone, "respond-phone")
    form.get_by_role("button", name="Envoyer").click()

    expect(phone.get_by_role("heading", level=1)).to_have_text("Merci")
    expect(phone.get_by_text("Vos réponses ont bien été enregistrées.")).to_be_visible()
    assert "/thank-you" in phone.url

    phone.goto(links[0])
    expect(phone.get_by_role("heading", level=1)).to_have_text(
        "This link is not valid or has already been used."
    )
    expect(phone.get_by_role("form")).to_have_count(0)
    expect_http_error(phone, 404, path_of(links[0]))
    assert_no_js_errors(phone)

    # Back on the desktop, the wave page counts the answer by itself (no reload).
    expect(team_leads.get_by_role("cell").nth(1)).to_have_text("1", timeout=POLL_TIMEOUT_MS)
    expect(team_leads.get_by_role("cell").nth(2)).to_have_text("33.3%")
    expect(page.locator("#progress-summary")).to_have_text("1 of 3 invited have answered (33.3%).")
    assert page.evaluate("window.__notReloaded") is True
    screenshot(page, "wave-page")
    assert_no_js_errors(page)


@pytest.mark.parametrize("lang", ["en", "fr", "de"])
def test_respondent_page_fits_a_320px_screen(new_page, live_server, lang):
    narrow = new_page({"width": 320, "height": 640}, is_mobile=True, has_touch=True)
    link = fresh_link(live_server)
    narrow.goto(f"{link}?lang={lang}")
    expect(narrow.locator("html")).to_have_attribute("lang", lang)
    expect(narrow.get_by_role("radio").first).to_be_visible()
    assert horizontal_overflow(narrow) == []

    # The error state (every statement flagged) must fit as well.
    narrow.get_by_role("form").get_by_role("button").click()
    expect(narrow.get_by_role("alert")).to_be_visible()
    expect(narrow.locator("[aria-invalid=true]").first).to_be_attached()
    assert horizontal_overflow(narrow) == []
    expect_http_error(narrow, 400, link)
    assert_no_js_errors(narrow)
