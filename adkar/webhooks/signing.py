"""Signing secrets and signatures, per the Standard Webhooks specification (the `standardwebhooks` library).

A secret is `whsec_` and 32 random bytes in base64; it is shown once, stored encrypted (adkar.encryption).
"""

from __future__ import annotations

import base64
import secrets
from datetime import UTC, datetime
from math import floor

from standardwebhooks import Webhook

from ..encryption import decrypt, encrypt

PURPOSE = "webhook signing secret"
SECRET_BYTES = 32


def new_secret() -> str:
    return "whsec_" + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode("ascii")


def seal_secret(secret: str) -> str:
    return encrypt(secret, purpose=PURPOSE)


def open_secret(sealed: str) -> str:
    return decrypt(sealed, purpose=PURPOSE)


def signed_headers(*, secret: str, event_id: str, payload: str, at: datetime) -> dict[str, str]:
    """webhook-id, webhook-timestamp and webhook-signature for one attempt (each attempt is signed anew,
    with its own time, as receivers refuse timestamps more than a few minutes off)."""
    when = at if at.tzinfo else at.replace(tzinfo=UTC)
    return {
        "webhook-id": event_id,
        "webhook-timestamp": str(floor(when.timestamp())),
        "webhook-signature": Webhook(secret).sign(event_id, when, payload),
    }
