"""Addresses that asked for no more survey e-mail, kept only as salted hashes of the address."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select

from ...extensions import db
from ..models import MailOptOut
from ..responses.services import hash_key


def opt_out_key(address: str) -> str:
    return hash_key("opt-out:" + address.strip().lower())


def opted_out(emails: Iterable[str]) -> set[str]:
    """The given addresses that unsubscribed."""
    keys = {opt_out_key(e): e for e in emails}
    items = list(keys)
    found: set[str] = set()
    for start in range(0, len(items), 500):
        found.update(
            db.session.scalars(
                select(MailOptOut.address_hash).where(MailOptOut.address_hash.in_(items[start : start + 500]))
            )
        )
    return {keys[k] for k in found}
