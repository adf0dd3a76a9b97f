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
from functools import lru_cache
from typing import Any, Literal

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import Connection, and_, bindparam, false, select

from ...database import start_writing, table_of
from ...extensions import db
from ...timeutil import today as current_day
from ..definitions import registry
from ..definitions.questions import AnswerError
from ..definitions.survey import SurveyDefinition, check_answers, score
from ..models import Invitation, Wave, WaveGroup
from ..responses import publication
from ..responses.services import (
    AlreadyAnswered,
    Received,
    hash_key,
    seal_answer,
    split_answers,
    write_response,
)

log = logging.getLogger(__name__)

State = Literal["open", "closed", "not_yet_open", "unusable"]
Kind = Literal["personal", "open"]

NONCE_FIELD = "nonce"
NONCE_SALT = "adkar.open-link-form"  # kept from when only open-link forms had one: pages in flight stay good
NONCE_MAX_AGE = 24 * 3600  # a page left open over lunch still submits; a day-old copy asks for a reload
PERSONAL_TAG = 16  # hex digits of the token's hash that bind a personal form to its link
PAGE_EXPIRED = "page_expired"
FORM_FIELDS = ("lang", NONCE_FIELD)
"""Fields a respondent form carries besides the items."""


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
    """The form's nonce is missing, forged, for another link, or too old."""


def state_on(opens_on: date, closes_on: date, day: date) -> State:
    if day < opens_on:
        return "not_yet_open"
    if day > closes_on:
        return "closed"
    return "open"


_waves, _invitations, _wave_groups = table_of(Wave), table_of(Invitation), table_of(WaveGroup)
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


# --- form nonces ----------------------------------------------------------------------------------------
# Every respondent form carries a nonce signed with the secret key and bound to its link: the form's CSRF
# token, kept in the page instead of a session, so respondents get no cookie at all. An open link's nonce
# is also random per rendering, and its hash is the receipt that lets one form count once.


def _serializer() -> URLSafeTimedSerializer:
    return _serializer_for(current_app.config["SECRET_KEY"])


@lru_cache(maxsize=4)
def _serializer_for(secret_key: str) -> URLSafeTimedSerializer:
    """One per key: building it costs as much as checking a nonce."""
    return URLSafeTimedSerializer(secret_key, salt=NONCE_SALT)


def issue_nonce(link: Link) -> str:
    """A signed value for one rendering of the link's form: a personal form's names its link, an open
    form's is random (its receipt)."""
    if link.kind == "personal":
        return _serializer().dumps({"p": link.token_hash[:PERSONAL_TAG]})
    assert link.wave_id is not None
    return _serializer().dumps({"w": link.wave_id, "g": link.group_id, "n": secrets.token_urlsafe(18)})


def _nonce_data(nonce: str | None, max_age: int) -> dict:
    if not nonce or len(nonce) > 512:
        raise NonceInvalid
    try:
        data = _serializer().loads(nonce, max_age=max_age)
    except (SignatureExpired, BadSignature) as exc:
        raise NonceInvalid from exc
    if not isinstance(data, dict):
        raise NonceInvalid
    return data


def _names_personal_link(data: dict, token_hash: str) -> bool:
    return data.get("p") == token_hash[:PERSONAL_TAG]


def nonce_names_personal_link(token_hash: str, nonce: str | None) -> bool:
    """The nonce is one the app signed, within the day, for the personal link with this token hash: proof
    without the database that its sender was served that link's form."""
    try:
        return _names_personal_link(_nonce_data(nonce, NONCE_MAX_AGE), token_hash)
    except NonceInvalid:
        return False


def form_receipt(link: Link, nonce: str | None, *, max_age: int = NONCE_MAX_AGE) -> str | None:
    """Check the form's nonce against its link (NonceInvalid when it does not hold). For an open link,
    the receipt key of this form, so a refresh, double click or second tab stores one response; a personal
    link needs none (marking its invitation spends it)."""
    data = _nonce_data(nonce, max_age)
    if link.kind == "personal":
        if not _names_personal_link(data, link.token_hash):
            raise NonceInvalid
        return None
    assert link.wave_id is not None
    if data.get("w") != link.wave_id or data.get("g") != link.group_id:
        raise NonceInvalid
    inner = data.get("n")
    if not isinstance(inner, str) or not inner:
        raise NonceInvalid
    return hash_key("open:" + inner)


# --- answers --------------------------------------------------------------------------------------------


def check_submission(link: Link, form: Mapping[str, Any]) -> Submission:
    """Check a submitted form against the link's survey; raises AnswersInvalid with every problem."""
    assert link.survey is not None
    clean, errors = check_answers(link.survey, form, allowed_fields=FORM_FIELDS)
    if errors:
        raise AnswersInvalid(errors=errors, values=clean)
    answers, comment = split_answers(link.survey, clean)
    return Submission(answers=answers, comment=comment, scores=score(link.survey, clean))


@dataclass(frozen=True)
class Submitted:
    """What one respondent POST came to. `stored` when the answers are in (or were already: a double click
    or a second tab of a form that counted); otherwise the link is not open, or `errors` and `form_errors`
    say why the form comes back (nothing stored), with its nonce when that is still good."""

    link: Link
    stored: bool = False
    errors: dict[str, AnswerError] = field(default_factory=dict)
    form_errors: tuple[str, ...] = ()
    nonce: str | None = None


def _write(connection: Connection, link: Link, submission: Submission, **spend: Any) -> Received | None:
    """Receive the submission in the connection's own write transaction (`spend`: write_response's
    receipt and token), sealed before the transaction starts; None when the link or form was spent
    already: a double click or a second tab, whose first submission counted."""
    assert link.wave_id is not None and link.group_id is not None and link.survey is not None
    answer = seal_answer(
        link.survey,
        wave_id=link.wave_id,
        group_id=link.group_id,
        source=link.kind,
        answers=submission.answers,
        scores=submission.scores,
        comment=submission.comment,
    )
    start_writing(connection)
    try:
        received = write_response(connection, answer, **spend)
    except AlreadyAnswered:
        connection.rollback()
        return None
    connection.commit()
    return received


def _publish(received: Received) -> None:
    """Wake a worker to publish the group's batch when this answer completed one. The answer is durable
    already, so a failure here is logged for the worker's minute (or `flask release-answers`) to catch up,
    never shown to the respondent."""
    kind = received.kind
    try:
        publication.request_publication(kind, received.waiting)
    except Exception:
        log.exception("waking a worker to publish wave %s group %s failed", kind.wave_id, kind.group_id)


def submit(kind: Kind, token: str, form: Mapping[str, Any], *, check_nonce: bool = True) -> Submitted:
    """Check and store one respondent POST: the link is resolved and the form's nonce and answers checked,
    then one write transaction marks the token used (or stores the form's receipt) and holds the answers,
    sealed; once it has committed, a worker is woken to publish the group's batch if this answer made k of its kind
    (adkar.surveys.responses.publication). The marking re-checks that the token is unused, so two tabs store once.

    A form whose nonce fails comes back with its answers ("page expired"), never stored. `check_nonce=False`
    (CSRF checks off, as in most tests) skips that check for personal links; an open link's nonce is its
    receipt and is always checked.
    """
    with db.engine.connect() as connection:
        link = _resolve(connection, kind, hash_key(token))
        checked = _check(link, form, check_nonce)
        if isinstance(checked, Submitted):
            return checked
        submission, receipt = checked
        token_hash = link.token_hash if link.kind == "personal" else None
        received = _write(connection, link, submission, receipt=receipt, invitation_token_hash=token_hash)
    if received is not None:
        _publish(received)
    return Submitted(link=link, stored=True)


def _check(
    link: Link, form: Mapping[str, Any], check_nonce: bool
) -> Submitted | tuple[Submission, str | None]:
    """The checked answers and the form's receipt, or the outcome that sends the form back."""
    if link.state != "open":
        return Submitted(link=link)
    nonce = form.get(NONCE_FIELD)
    form_errors: tuple[str, ...] = ()
    receipt = None
    if check_nonce or link.kind == "open":
        try:
            receipt = form_receipt(link, nonce)
        except NonceInvalid:
            nonce, form_errors = None, (PAGE_EXPIRED,)  # a fresh nonce comes with the page sent back
    try:
        submission = check_submission(link, form)
    except AnswersInvalid as exc:
        return Submitted(link=link, errors=exc.errors, form_errors=form_errors, nonce=nonce)
    if form_errors:
        return Submitted(link=link, form_errors=form_errors, nonce=nonce)
    return submission, receipt


def languages(survey: SurveyDefinition | None, available: Iterable[str]) -> tuple[str, ...]:
    """Languages a respondent can pick: the survey's that the respondent messages also cover."""
    offered = tuple(available)
    if survey is None:
        return offered
    return tuple(lang for lang in survey.languages if lang in offered)
