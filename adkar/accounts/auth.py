"""Flask-Login wiring: sessions carry the user's nonce, so rotating it signs every session out."""

from __future__ import annotations

from flask import Flask, g
from sqlalchemy import select

from ..extensions import db, login_manager
from .models import User


def init_app(app: Flask) -> None:
    login_manager.login_view = "accounts.login"
    login_manager.login_message = "Please sign in to continue."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    app.before_request(_forget_cached_user)


def _forget_cached_user() -> None:
    """Load the user from this request's session, never from a cache left in a reused app context."""
    g.pop("_login_user", None)


@login_manager.user_loader
def _load_user(session_id: str) -> User | None:
    user_id, _, nonce = session_id.partition(":")
    if not user_id.isdigit() or not nonce:
        return None
    user = db.session.scalar(select(User).where(User.id == int(user_id)))
    if user is None or not user.active or user.session_nonce != nonce:
        return None
    return user
