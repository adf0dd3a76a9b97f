"""The respondent's side of a wave: which survey a link opens, and storing one anonymous answer set.

An unknown token and a used one resolve through the very same query to the very same state ("unusable"),
so the pages, status codes and timings give an outsider nothing to enumerate tokens with.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import Connection, and_, bindparam, false, select

from ..database import write_connection
from ..extensions import db
from ..timeutil import today as current_day
from . import registry
from .definitions import SurveyDefinition, check_answers, score
from .models import Invitation, Wave, WaveGroup
from .questions import AnswerError
from .responses import AlreadyAnswered, hash_key, split_answers, write_response

log = logging.getLogger(__name__)

State = Literal["open", "closed", "not_yet_open", "unusable"]
Kind = Literal["personal", "open"]

NONCE_FIELD = "nonce"
NONCE_SALT = "adkar.open-link-form"
NONCE_MAX_AGE = 24 * 3600  # a page left open over lunch still submits; a day-old copy asks for a reload
PAGE_EXPIRED = "page_expired"
FORM_FIELDS = ("csrf_token", "lang")
"""Fields a respondent form may carry besides the items (open-link forms add the nonce)."""


@dataclass(frozen=True)
class Link:
    """What a token opens. `wave`, `group_id` and `survey` are None when the state is "unusable"."""

    kind: Kind
    state: State
    token_hash: str
    wave_id: int | None = None
    group_id: int | None = None
    survey: SurveyDefinition | None = None
    opens_on: date | None = None

    @property
    def wave(self) -> Wave | None:
        """The wave itself, for pages that show more than its dates (loaded once per request)."""
        return db.session.get(Wave, self.wave_id) if self.wave_id is not None else None

    @property
    def allowed_fields(self) -> tuple[str, ...]:
        return (*FORM_FIELDS, NONCE_FIELD) if self.kind == "open" else FORM_FIELDS


@dataclass(frozen=True)
class Submission:
    """A checked answer set, ready to store: answers without free text, the comment, element scores."""

    answers: dict[str, Any]
    comment: str | None
    scores: dict[str, float]


@dataclass
class AnswersInvalid(Exception):
    """Nothing was stored; `errors` maps an item id (or an offending field name) to what is wrong."""

    errors: dict[str, AnswerError] = field(default_factory=dict)
    values: dict[str, Any] = field(default_factory=dict)


class NonceInvalid(Exception):
    """The open-link form's nonce is missing, forged, for another link, or too old."""


def state_on(opens_on: date, closes_on: date, day: date) -> State:
    if day < opens_on:
        return "not_yet_open"
    if day > closes_on:
        return "closed"
    return "open"


_waves, _invitations, _wave_groups = Wave.__table__, Invitation.__table__, WaveGroup.__table__
_WAVE_COLUMNS = (_waves.c.id, _waves.c.survey_key, _waves.c.opens_on, _waves.c.closes_on)

# Built once: every respondent request only binds the token's hash (see responses._MARK_USED for why).
_PERSONAL = (
    select(*_WAVE_COLUMNS, _invitations.c.group_id)
    .select_from(
        _invitations.join(_waves, _invitations.c.wave_id == _waves.c.id).join(
            _wave_groups,
            and_(
                _wave_groups.c.wave_id == _invitations.c.wave_id,
                _wave_groups.c.group_id == _invitations.c.group_id,
            ),
        )
    )
    .where(_invitations.c.token_hash == bindparam("token_hash"), _invitations.c.used == false())
)
_OPEN = (
    select(*_WAVE_COLUMNS, _wave_groups.c.group_id)
    .select_from(_wave_groups.join(_waves, _wave_groups.c.wave_id == _waves.c.id))
    .where(_wave_groups.c.open_link_hash == bindparam("token_hash"))
)


_RESOLVE = {"personal": _PERSONAL, "open": _OPEN}


def resolve_personal(token: str, *, today: date | None = None) -> Link:
    """The wave and group of an unused personal invitation; used and unknown tokens are alike "unusable"."""
    return _resolve(db.session.connection(), "personal", hash_key(token), today)


def resolve_open(token: str, *, today: date | None = None) -> Link:
    """The wave and group of an open (shared) link."""
    return _resolve(db.session.connection(), "open", hash_key(token), today)


def _resolve(connection: Connection, kind: Kind, token_hash: str, today: date | None = None) -> Link:
    row = connection.execute(_RESOLVE[kind], {"token_hash": token_hash}).first()
    return _link(kind, token_hash, row, today)


def _link(kind: Kind, token_hash: str, row, today: date | None) -> Link:
    if row is None:
        return Link(kind=kind, state="unusable", token_hash=token_hash)
    wave_id, survey_key, opens_on, closes_on, group_id = row
    survey = registry.get(survey_key)
    if survey is None:  # the survey file was removed after the wave was created: nothing can be answered
        log.error("wave %s uses survey %r, which is not installed", wave_id, survey_key)
        return Link(kind=kind, state="unusable", token_hash=token_hash)
    state = state_on(opens_on, closes_on, today or current_day())
    return Link(
        kind=kind,
        state=state,
        token_hash=token_hash,
        wave_id=wave_id,
        group_id=group_id,
        survey=survey,
        opens_on=opens_on,
    )


# --- open-link form nonces -------------------------------------------------------------------------------


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=NONCE_SALT)


def issue_nonce(link: Link) -> str:
    """A signed one-time value for one rendering of an open-link form, bound to that link's wave and group."""
    assert link.wave_id is not None
    return _serializer().dumps({"w": link.wave_id, "g": link.group_id, "n": secrets.token_urlsafe(18)})


def open_receipt(link: Link, nonce: str | None, *, max_age: int = NONCE_MAX_AGE) -> str:
    """The receipt key of this form: a refresh, double click or second tab of one form stores one response."""
    assert link.wave_id is not None
    if not nonce or len(nonce) > 512:
        raise NonceInvalid
    try:
        data = _serializer().loads(nonce, max_age=max_age)
    except (SignatureExpired, BadSignature) as exc:
        raise NonceInvalid from exc
    if not isinstance(data, dict) or data.get("w") != link.wave_id or data.get("g") != link.group_id:
        raise NonceInvalid
    inner = data.get("n")
    if not isinstance(inner, str) or not inner:
        raise NonceInvalid
    return hash_key("open:" + inner)


# --- answers --------------------------------------------------------------------------------------------


def check_submission(link: Link, form: Mapping[str, Any]) -> Submission:
    """Check a submitted form against the link's survey; raises AnswersInvalid with every problem."""
    assert link.survey is not None
    clean, errors = check_answers(link.survey, form, allowed_fields=link.allowed_fields)
    if errors:
        raise AnswersInvalid(errors=errors, values=clean)
    answers, comment = split_answers(link.survey, clean)
    return Submission(answers=answers, comment=comment, scores=score(link.survey, clean))


@dataclass(frozen=True)
class Submitted:
    """What one respondent POST came to. `stored` when the answers are in (or were already: a double click
    or a second tab of a form that counted); otherwise the link is not open, or `errors` and `form_errors`
    say why the form comes back (nothing stored), with the open-link nonce to keep when it is still good."""

    link: Link
    stored: bool = False
    errors: dict[str, AnswerError] = field(default_factory=dict)
    form_errors: tuple[str, ...] = ()
    nonce: str | None = None


def submit(kind: Kind, token: str, form: Mapping[str, Any], *, form_token_valid: bool) -> Submitted:
    """Check and store one respondent POST in one write transaction: the link is resolved under the write
    lock, the answers checked, then the token's marking (or the form's receipt), the response and the
    tally are written together. `form_token_valid` is the page's CSRF check; a form that fails it is sent
    back with its answers, never stored."""
    link = Link(kind=kind, state="unusable", token_hash=hash_key(token))
    try:
        with write_connection() as connection:
            link = _resolve(connection, kind, link.token_hash)
            return _submit(connection, link, form, form_token_valid)
    except AlreadyAnswered:  # a double click or a second tab: the first submission counted
        return Submitted(link=link, stored=True)


def _submit(connection: Connection, link: Link, form: Mapping[str, Any], form_token_valid: bool) -> Submitted:
    if link.state != "open":
        return Submitted(link=link)
    form_errors = [] if form_token_valid else [PAGE_EXPIRED]
    nonce, receipt = None, None
    if link.kind == "open":
        nonce = form.get(NONCE_FIELD)
        try:
            receipt = open_receipt(link, nonce)
        except NonceInvalid:
            nonce = None  # a fresh one is issued with the page sent back
            form_errors = [PAGE_EXPIRED]
    try:
        submission = check_submission(link, form)
    except AnswersInvalid as exc:
        return Submitted(link=link, errors=exc.errors, form_errors=tuple(form_errors), nonce=nonce)
    if form_errors:
        return Submitted(link=link, form_errors=tuple(form_errors), nonce=nonce)
    assert link.wave_id is not None and link.group_id is not None
    write_response(
        connection,
        wave_id=link.wave_id,
        group_id=link.group_id,
        answers=submission.answers,
        scores=submission.scores,
        comment=submission.comment,
        receipt=receipt,
        invitation_token_hash=link.token_hash if link.kind == "personal" else None,
    )
    return Submitted(link=link, stored=True)


def languages(survey: SurveyDefinition | None, available: Iterable[str]) -> tuple[str, ...]:
    """Languages a respondent can pick: the survey's that the respondent messages also cover."""
    offered = tuple(available)
    if survey is None:
        return offered
    return tuple(lang for lang in survey.languages if lang in offered)
