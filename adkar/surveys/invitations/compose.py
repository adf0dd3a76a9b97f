"""The invitation and reminder e-mail: subject and body in the recipient's language, with its headers.

Strings live in surveys/_messages.toml beside the respondent page's, so a translation covers both.
Links are built from the job's base URL (ADKAR_PUBLIC_URL, else the address the practitioner used),
because a worker has no request to take a host name from.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask import render_template
from markupsafe import escape

from ... import mail
from ...config import min_group_size
from ..definitions import registry
from ..definitions.survey import resolve_language, survey_title
from ..models import Wave
from ..waves.services import wave_status

PERSONAL_PATH = "s/"
UNSUBSCRIBE_PATH = "u/"


# Stand-ins rendered into the templates once per language, replaced per message: rendering two templates for
# every one of 10,000 messages would cost more than sending them.
_NAME, _LINK, _UNSUBSCRIBE = "@@adkar-name@@", "@@adkar-link@@", "@@adkar-unsubscribe@@"


@dataclass(frozen=True)
class WaveMail:
    """What every message of a job shares, read once before sending starts; `rendered` caches the texts."""

    base_url: str
    survey_key: str
    initiative_name: str
    minutes: int | None
    opens_on: date
    closes_on: date
    status: str
    rendered: dict = field(default_factory=dict, compare=False)


def wave_mail(wave: Wave, *, base_url: str) -> WaveMail:
    definition = registry.get(wave.survey_key)
    return WaveMail(
        base_url=base_url.rstrip("/") + "/",
        survey_key=wave.survey_key,
        initiative_name=wave.initiative.name,
        minutes=definition.minutes if definition else None,
        opens_on=wave.opens_on,
        closes_on=wave.closes_on,
        status=wave_status(wave),
    )


def compose(
    shared: WaveMail, *, to: str, name: str, language: str, token: str, unsubscribe: str, reminder: bool
) -> mail.Mail:
    subject, text, html = _rendered(shared, language=language, reminder=reminder, named=bool(name))
    link = f"{shared.base_url}{PERSONAL_PATH}{token}"
    unsubscribe_url = f"{shared.base_url}{UNSUBSCRIBE_PATH}{unsubscribe}"

    def fill(body: str, person: str) -> str:
        return body.replace(_NAME, person).replace(_LINK, link).replace(_UNSUBSCRIBE, unsubscribe_url)

    return mail.Mail(
        to=to,
        to_name=name,
        subject=subject,
        text=fill(text, name),
        html=fill(html, str(escape(name))),
        headers=(
            ("List-Unsubscribe", f"<{unsubscribe_url}>"),
            ("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"),  # RFC 8058
        ),
    )


def _rendered(shared: WaveMail, *, language: str, reminder: bool, named: bool) -> tuple[str, str, str]:
    """(subject, text, html) for one language and kind of message, rendered once with stand-ins."""
    messages = registry.messages()
    lang = resolve_language(language, messages.languages)
    key = (lang, reminder, named)
    if key not in shared.rendered:
        definition = registry.get(shared.survey_key)
        title = survey_title(definition, lang) if definition else shared.survey_key
        context = {
            "t": lambda key, **params: messages.text(key, lang, **params),
            "lang": lang,
            "name": _NAME if named else "",
            "initiative_name": shared.initiative_name,
            "title": title,
            "minutes": shared.minutes,
            "opens_on": shared.opens_on,
            "closes_on": shared.closes_on,
            "status": shared.status,
            "k": min_group_size(),
            "reminder": reminder,
            "link": _LINK,
            "unsubscribe_url": _UNSUBSCRIBE,
        }
        subject_key = "email_reminder_subject" if reminder else "email_subject"
        subject = messages.text(subject_key, lang, initiative=shared.initiative_name, title=title)
        shared.rendered[key] = (
            " ".join(subject.split()),
            render_template("waves/email/invitation.txt", **context),
            render_template("waves/email/invitation.html", **context),
        )
    return shared.rendered[key]
