"""Encrypting secrets the app must use again (a webhook's signing secret), with a key the database never sees.

Hashes suit secrets that are only checked (API tokens, passwords); a signing secret is needed in full at every
delivery, so it is encrypted at rest instead. The Fernet key is derived (HKDF-SHA256) from the app's
SECRET_KEY and a purpose, so a value encrypted for one purpose never opens as another. Keys listed in
SECRET_KEY_FALLBACKS still decrypt, so SECRET_KEY can be rotated; `reencrypt` moves a value to the current key.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app


class Undecryptable(Exception):
    """Neither SECRET_KEY nor any of SECRET_KEY_FALLBACKS opens the value (the key changed), or it was altered."""


@lru_cache(maxsize=32)
def _fernet(secret_key: str | bytes, purpose: str) -> Fernet:
    material = secret_key.encode() if isinstance(secret_key, str) else secret_key
    info = b"adkar encryption v1: " + purpose.encode()
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(material)
    return Fernet(base64.urlsafe_b64encode(key))


def _keys() -> Sequence[str | bytes]:
    config = current_app.config
    return [config["SECRET_KEY"], *config.get("SECRET_KEY_FALLBACKS", [])]


def _multi(purpose: str) -> MultiFernet:
    return MultiFernet([_fernet(key, purpose) for key in _keys()])


def encrypt(plain: str, *, purpose: str) -> str:
    """`plain` encrypted under the current SECRET_KEY for `purpose` (a Fernet token, ASCII)."""
    return _fernet(_keys()[0], purpose).encrypt(plain.encode()).decode("ascii")


def decrypt(token: str, *, purpose: str) -> str:
    """The plain value; tries SECRET_KEY, then each fallback key."""
    try:
        return _multi(purpose).decrypt(token.encode("ascii")).decode()
    except InvalidToken as exc:
        raise Undecryptable(f"a value encrypted for {purpose!r} could not be opened") from exc


def reencrypt(token: str, *, purpose: str) -> str:
    """The same value encrypted under the current SECRET_KEY (after a rotation)."""
    try:
        return _multi(purpose).rotate(token.encode("ascii")).decode("ascii")
    except InvalidToken as exc:
        raise Undecryptable(f"a value encrypted for {purpose!r} could not be opened") from exc
