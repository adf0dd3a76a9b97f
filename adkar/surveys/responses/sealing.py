"""Sealing held answers: authenticated encryption with a key the database never sees.

Answers wait in `held_answers` until their group has k of their kind (adkar.surveys.responses.publication). That
row is written in the transaction that spends the link, so whoever reads the database, its WAL or a
backup can pair the two; sealing makes the paired row unreadable. The key is derived (HKDF-SHA256) from
the app's SECRET_KEY, which lives in the environment, not in the database. Every payload is padded to one
size per survey, so not even the length of a comment tells one held answer from another. The wave, group
and kind are bound as associated data: a sealed row moved to another group does not open.

Rotating SECRET_KEY: keep the old key in SECRET_KEY_FALLBACKS until `flask release-answers` has run, or
answers held under it cannot be published.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

NONCE_BYTES = 12
_INFO = b"adkar held answers v1"


class Unsealable(Exception):
    """A held answer that none of the configured keys opens (the secret key changed), or that was altered."""


@lru_cache(maxsize=8)
def _cipher(secret_key: str | bytes) -> AESGCM:
    material = secret_key.encode() if isinstance(secret_key, str) else secret_key
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO).derive(material)
    return AESGCM(key)


def seal(payload: bytes, *, size: int, context: bytes, secret_key: str | bytes) -> bytes:
    """`payload` padded with spaces to `size` bytes, encrypted: nonce then ciphertext and tag. Payloads are
    JSON, which ignores trailing whitespace. ValueError when it is longer than `size`."""
    if len(payload) > size:
        raise ValueError(f"an answer set of {len(payload)} bytes does not fit the sealed size {size}")
    nonce = os.urandom(NONCE_BYTES)
    return nonce + _cipher(secret_key).encrypt(nonce, payload.ljust(size), context)


def unseal(sealed: bytes, *, context: bytes, secret_keys: Iterable[str | bytes]) -> bytes:
    """The padded payload; tries each key in turn (the current one first)."""
    nonce, body = sealed[:NONCE_BYTES], sealed[NONCE_BYTES:]
    for secret_key in secret_keys:
        try:
            return _cipher(secret_key).decrypt(nonce, body, context)
        except InvalidTag:
            continue
    raise Unsealable("a held answer could not be opened with SECRET_KEY or SECRET_KEY_FALLBACKS")
