"""Helpers for the plan tests."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from adkar.extensions import db


def count(model) -> int:
    """Rows in the model's table, read fresh from the database."""
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


def text(response) -> str:
    return response.get_data(as_text=True)


def input_value(body: str, name: str) -> str | None:
    """The value attribute of the <input> named `name` in a page, or None when there is none."""
    match = re.search(rf'<input[^>]*\bname="{re.escape(name)}"[^>]*>', body)
    if match is None:
        return None
    value = re.search(r'\bvalue="([^"]*)"', match.group(0))
    return value.group(1) if value else ""
