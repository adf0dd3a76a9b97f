"""The respondent's pages: no sign-in, a personal (/s/) or open (/o/) link, one anonymous response.

Views stay thin: resolve the link, check and store through adkar.surveys.respond.services, render in the
respondent's language. Rate limits are Flask-Limiter's decorators (adkar.surveys.respond.limits): only
failures count, and a link that exists is never refused.
Respondents get no cookie: each form's CSRF token is a signed nonce bound to its link, checked with the
answers, so a stale page re-renders the answers instead of losing them.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from flask import current_app, redirect, render_template, request, url_for
from werkzeug.exceptions import TooManyRequests

from ...config import min_group_size
from ...extensions import csrf
from ...rules.anonymity import comment_threshold
from ..definitions import registry
from ..definitions.questions import AnswerError
from ..definitions.survey import (
    Messages,
    item_choices,
    item_hint,
    item_text,
    localized,
    resolve_language,
    survey_title,
)
from ..invitations import unsubscribe as opt_out
from . import bp, limits
from . import services as respondent

csrf.exempt(bp)  # each form carries a signed, link-bound nonce instead (respondent.form_receipt)


@bp.route("/s/<token>", methods=["GET", "POST"], endpoint="personal")
@limits.link_checks
def personal(token: str):
    return _respond("personal", token)


@bp.route("/o/<token>", methods=["GET", "POST"], endpoint="open")
@limits.link_checks
@limits.open_link_posts
def open_link(token: str):
    return _respond("open", token)


@bp.route("/u/<token>", methods=["GET", "POST"], endpoint="unsubscribe")
@limits.unsubscribe_checks
def unsubscribe(token: str):
    """GET asks to confirm (mail scanners follow links); POST, from the page or a mail client's one-click
    button (RFC 8058, body List-Unsubscribe=One-Click), unsubscribes. Unknown tokens get a 404 page."""
    lang = opt_out.language_of(token)
    if lang is None:
        return _message_page(_language(None), title="link_invalid", body=(), status=404)
    if request.method == "POST":
        opt_out.unsubscribe(token)
        return _message_page(lang, title="unsubscribed_title", body=("unsubscribed_body",), status=200)
    messages = _messages()
    html = render_template(
        "respond/unsubscribe.html", lang=lang, t=_translator(messages, lang), action=request.path
    )
    return _private(current_app.make_response((html, 200)))


@bp.get("/thank-you")
def thanks():
    lang = _language(None)
    return _message_page(lang, title="thank_you", body=("thank_you_body",), status=200)


@bp.errorhandler(TooManyRequests)
def _too_many(exc: TooManyRequests):
    """In the respondent's language; Flask-Limiter adds Retry-After to the response (after_request)."""
    return _message_page(
        _language(None), title="too_many_requests_title", body=("too_many_requests",), status=429
    )


# --- the flow -------------------------------------------------------------------------------------------


def _respond(kind: respondent.Kind, token: str):
    """GET shows the form; POST checks and stores it in one write transaction (respondent.submit), then
    thanks the respondent, or sends the form back with its answers and what to correct."""
    if request.method == "GET":
        link = limits.requested_link(kind, token)  # resolved already when the limits ran
        lang = _language(link)
        return _form_page(link, lang) if link.state == "open" else _state_page(link, lang)

    outcome = respondent.submit(
        kind, token, request.form, check_nonce=current_app.config.get("WTF_CSRF_ENABLED", True)
    )
    if outcome.stored:
        return _thanked(outcome)
    lang = _language(outcome.link)
    if outcome.link.state != "open":
        return _state_page(outcome.link, lang)
    return _form_page(
        outcome.link,
        lang,
        errors=outcome.errors,
        form_errors=list(outcome.form_errors),
        nonce=outcome.nonce,
        status=400,
    )


def _thanked(outcome: respondent.Submitted):
    return redirect(_thank_you_url(request.script_root, _language(outcome.link)), code=303)


@lru_cache(maxsize=64)
def _thank_you_url(script_root: str, lang: str) -> str:
    """Built once per mount point and language: url_for was a noticeable part of the busiest request."""
    return url_for("respond.thanks", lang=lang)


def _language(link: respondent.Link | None) -> str:
    """?lang= (or the form's hidden lang), else the browser's preference, else English."""
    offered = respondent.languages(link.survey if link else None, _messages().languages)
    requested = (request.form.get("lang") if request.method == "POST" else None) or request.args.get("lang")
    if requested:
        return resolve_language(requested[:16], offered)
    for accepted, _quality in request.accept_languages:  # best first; "de-CH" counts as "de"
        code = accepted.lower().replace("_", "-")
        for candidate in (code, code.split("-", 1)[0]):
            if candidate in offered:
                return candidate
    return resolve_language(None, offered)


def _messages() -> Messages:
    return registry.messages()


# --- pages ----------------------------------------------------------------------------------------------


def _state_page(link: respondent.Link, lang: str):
    if link.state == "closed":
        return _message_page(lang, title="survey_closed", body=("survey_closed_body",), status=410, link=link)
    if link.state == "not_yet_open":
        assert link.opens_on is not None
        body = (("survey_opens_on", {"date": link.opens_on.isoformat()}),)
        return _message_page(lang, title="survey_not_open", body=body, status=200, link=link)
    # Unknown and used tokens: one page, nothing about the wave, so they cannot be told apart.
    return _message_page(lang, title="link_invalid", body=("link_invalid_hint",), status=404)


def _message_page(lang: str, *, title: str, body: tuple, status: int, link: respondent.Link | None = None):
    messages = _messages()
    paragraphs = [
        messages.text(entry[0], lang, **entry[1]) if isinstance(entry, tuple) else messages.text(entry, lang)
        for entry in body
    ]
    survey = survey_title(link.survey, lang) if link and link.survey else None
    html = render_template(
        "respond/message.html",
        lang=lang,
        t=_translator(messages, lang),
        heading=messages.text(title, lang),
        paragraphs=paragraphs,
        survey=survey,
    )
    response = current_app.make_response((html, status))
    return _private(response)


def _form_page(
    link: respondent.Link,
    lang: str,
    *,
    errors: Mapping[str, AnswerError] | None = None,
    form_errors: list[str] | None = None,
    nonce: str | None = None,
    status: int = 200,
):
    assert link.survey is not None and link.wave is not None
    messages, survey = _messages(), link.survey
    errors = errors or {}
    values = request.form if request.method == "POST" else {}
    items = []
    for number, item in enumerate(survey.items, start=1):
        error = errors.get(item.id)
        items.append(
            {
                "id": item.id,
                "number": number,
                "widget": item.question_type.widget,
                "required": item.required,
                "text": item_text(item, lang),
                "hint": item_hint(item, lang),
                "max_length": item.max_length,
                "choices": item_choices(survey, item, lang) if item.question_type.choices else [],
                "value": values.get(item.id, ""),
                "error": messages.text(error.key, lang, **error.params) if error else None,
            }
        )
    stray = [name for name in errors if name not in survey.item_ids]
    summary = [messages.text(key, lang) for key in dict.fromkeys(form_errors or [])]
    for name in stray:
        text = messages.text(errors[name].key, lang, **errors[name].params)
        if text not in summary:
            summary.append(text)
    wave = link.wave
    k = min_group_size()
    initiative = wave.initiative
    owner = initiative.owner.name.strip() if initiative.owner and initiative.owner.name else ""
    html = render_template(
        "respond/form.html",
        lang=lang,
        t=_translator(messages, lang),
        languages=[(code, messages.text("language_name", code)) for code in _offered(link)],
        title=survey_title(survey, lang),
        intro=localized(survey.intro, lang),
        initiative=initiative.name,
        owner=owner,
        purpose=(wave.purpose or initiative.description or "").strip(),
        minutes=survey.minutes,
        k=k,
        has_comment=any(item["widget"] == "textarea" for item in items),
        comment_k=comment_threshold(k),
        items=items,
        summary=summary,
        item_errors=[i for i in items if i["error"]],
        nonce=nonce or respondent.issue_nonce(link),
        nonce_field=respondent.NONCE_FIELD,
    )
    return _private(current_app.make_response((html, status)))


def _offered(link: respondent.Link) -> tuple[str, ...]:
    return respondent.languages(link.survey, _messages().languages)


def _translator(messages: Messages, lang: str):
    def t(key: str, **params: Any) -> str:
        return messages.text(key, lang, **params)

    return t


def _private(response):
    """Respondent pages are never indexed; the token in their URL must not reach a search engine."""
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


# --- keeping tokens out of access logs --------------------------------------------------------------------

_TOKEN_PATH = re.compile(r"/([sou])/[^\s\"'?#/]+")


class RedactTokens(logging.Filter):
    """Rewrites /s/<token>, /o/<token> and /u/<token> in log lines to /s/[token], whatever logger formatted them."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed record: leave it to the logging module to report
            return True
        redacted = _TOKEN_PATH.sub(r"/\1/[token]", message)
        if redacted != message:
            record.msg, record.args = redacted, ()
        return True


REDACT_TOKENS = RedactTokens()
ACCESS_LOGGERS = ("werkzeug", "gunicorn.access")


def _install_log_filter(_state) -> None:
    for name in ACCESS_LOGGERS:
        logger = logging.getLogger(name)
        if REDACT_TOKENS not in logger.filters:
            logger.addFilter(REDACT_TOKENS)


bp.record_once(_install_log_filter)
