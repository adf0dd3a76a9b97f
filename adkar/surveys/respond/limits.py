"""Rate limits of the respondent links, declared with Flask-Limiter's own decorators: only failures count,
and a request for a link that exists is never refused.

Two limits, both per client address (`get_remote_address`, so behind ADKAR_PROXY_FIX the real client):

- `link_checks` (TOKEN_RATE_LIMIT), one limit shared by /s/<token> and /o/<token>, GETs and POSTs alike, so
  guessing cannot switch between link kinds. It counts only requests that fail: a 4xx reply other than 429,
  in practice the one page unknown and used tokens share (404). Requests for a link that exists are exempt
  (`names_a_real_link`): neither checked nor counted. A whole office behind one NAT opening and answering
  its personal links never adds to the count, and a valid link is served even while guesses from the same
  address are being refused.
- `open_link_posts` (OPEN_LINK_RATE_LIMIT), on /o/<token> POSTs: counts answers *stored* through open links.
  An open link is shared, so one person can send answer after answer through it; this brakes a script doing
  that from one address. Nothing per address can tell such a script from an office answering together, so
  the default (1000 an hour) is sized above an office answering at once: 300 colleagues in a minute fit.
  Forms sent back and unknown links do not count here (the first limit has those).

How Flask-Limiter applies them (flask_limiter/_extension.py, `__evaluate_limits` and
`__check_conditional_deductions`): `exempt_when` runs first, and an exempt limit is neither tested nor
counted. A limit with `deduct_when` is *tested* before the view (refused when its window is already full)
and *counted* after it, only when `deduct_when(response)` holds. So:

- Not counting real links is not enough: the test before the view would still refuse a colleague's valid
  link for the rest of the minute once someone behind the same address had used up the failures. Real links
  are exempt instead, which means looking the link up before the limit (`requested_link`, shared with the
  view, so a GET still resolves its link once).
- The cost of that: an address whose window is full still has each request looked up, and a guesser there
  can tell a real link (its page) from a made-up one (429). That gives nothing away, because tokens are 256
  random bits (adkar.surveys.invitations.services): no number of guesses finds one. The limit brakes scanners and
  noise; shedding load is the proxy's job. Sign-in differs: a password can be guessed, so it is tested
  against its limits before it is checked (adkar.accounts.views).
- A form sent back with errors (400) or a stale nonce on a real link is not counted: counting needs the
  limit tested first, which would refuse the respondent's corrected form once the address's window is
  full. It guesses nothing: its sender holds the link.
- Closed and not-yet-open links are real links: exempt, so the respondent always learns that the survey has
  closed or when it opens, instead of "too many attempts".
- A 429 is never counted, so refused requests do not stretch the count beyond the window's failures.

A personal form's POST proves its link without the database: its nonce is signed by the app and names the
link (adkar.surveys.respond.services.form_receipt), so its sender was served a page for that link within a day.
That keeps the busiest request free of a second lookup. The same form posted again once its link is spent
(a double click, the back button) is answered 404 and not counted: its sender held the link. A POST without
such a nonce, and every open-link POST (an open nonce names the wave and group, not the link), resolves the
link.

The 429 page is the respondent blueprint's, in the respondent's language; Flask-Limiter adds Retry-After.
"""

from __future__ import annotations

from flask import current_app, request
from werkzeug.wrappers import Response

from ...extensions import limiter
from ..responses.services import hash_key
from . import services as respondent

LINK_SCOPE = "respondent-links"
OPEN_POST_SCOPE = "respondent-open-posts"
KINDS: dict[str, respondent.Kind] = {"respond.personal": "personal", "respond.open": "open"}
LINK_KEY, EXEMPT_KEY = "adkar.respondent_link", "adkar.respondent_link_exempt"  # in the WSGI environ


def requested_link(kind: respondent.Kind, token: str) -> respondent.Link:
    """The link this request names, resolved once per request: the limits' exemption and the view share it
    (kept in the request's WSGI environ; `g` outlives a request when an app context was pushed around it)."""
    cached = request.environ.get(LINK_KEY)
    if cached is not None and cached[:2] == (kind, token):
        return cached[2]
    link = respondent.resolve_personal(token) if kind == "personal" else respondent.resolve_open(token)
    request.environ[LINK_KEY] = (kind, token, link)
    return link


def names_a_real_link() -> bool:
    """`exempt_when` of the link limit: the request is for a link that exists (open, closed or not yet
    open), or posts a personal form whose nonce the app signed for that link. Decided once per request."""
    decided = request.environ.get(EXEMPT_KEY)
    if decided is None:
        kind, token = KINDS[request.endpoint or ""], (request.view_args or {})["token"]
        posted_form = request.method == "POST" and kind == "personal"
        decided = (
            posted_form
            and respondent.nonce_names_personal_link(
                hash_key(token), request.form.get(respondent.NONCE_FIELD)
            )
        ) or requested_link(kind, token).state != "unusable"
        request.environ[EXEMPT_KEY] = decided
    return decided


def failed(response: Response) -> bool:
    """`deduct_when` of the link limit: the reply says the request failed (not a refusal by the limit)."""
    return 400 <= response.status_code < 500 and response.status_code != 429


def stored(response: Response) -> bool:
    """`deduct_when` of the open-link limit: the answers were stored (the thank-you redirect)."""
    return response.status_code == 303


link_checks = limiter.shared_limit(
    lambda: current_app.config["TOKEN_RATE_LIMIT"],
    scope=LINK_SCOPE,
    exempt_when=names_a_real_link,
    deduct_when=failed,
)
# Unsubscribe tokens (/u/<token>) share the failure budget of survey links: guessing them costs the same.
unsubscribe_checks = limiter.shared_limit(
    lambda: current_app.config["TOKEN_RATE_LIMIT"], scope=LINK_SCOPE, deduct_when=failed
)
open_link_posts = limiter.limit(
    lambda: current_app.config["OPEN_LINK_RATE_LIMIT"],
    scope=OPEN_POST_SCOPE,
    methods=["POST"],
    deduct_when=stored,
)
