"""Account rules: creating users, checking passwords, issuing and revoking API tokens."""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import timedelta

from sqlalchemy import func, select, update
from werkzeug.security import check_password_hash, generate_password_hash

from ..audit import services as audit
from ..database import begin_write
from ..extensions import db
from ..rules.roles import ROLES
from ..timeutil import utc_now
from .models import NO_PASSWORD, ApiToken, User, new_session_nonce
from .scopes import check_scopes

TOKEN_PREFIX = "adk_"  # noqa: S105 - a label, not a secret
MIN_PASSWORD_LENGTH = 10
# A real hash to compare against when the email is unknown, so both paths cost the same time.
_DUMMY_HASH = generate_password_hash(secrets.token_hex(16))


class AccountError(ValueError):
    """A rule about accounts was broken; the message is safe to show."""


def normalise_email(email: str) -> str:
    return email.strip().lower()


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def check_password_rules(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"Passwords need at least {MIN_PASSWORD_LENGTH} characters.")


def create_user(*, email: str, role: str, password: str, name: str = "", actor_id: int | None = None) -> User:
    email = normalise_email(email)
    if "@" not in email or len(email) > 254:
        raise AccountError(f"{email!r} is not an email address.")
    if role not in ROLES:
        raise AccountError(f"Unknown role {role!r}; choose one of {', '.join(ROLES)}.")
    check_password_rules(password)
    begin_write()
    if db.session.scalar(select(User.id).where(func.lower(User.email) == email)) is not None:
        db.session.rollback()
        raise AccountError(f"A user with the email {email} already exists.")
    user = User(email=email, role=role, name=name.strip(), password_hash=generate_password_hash(password))
    db.session.add(user)
    db.session.flush()
    audit.record(
        user_id=actor_id, action="user.create", target_type="user", target_id=user.id, detail={"role": role}
    )
    db.session.commit()
    return user


def authenticate(*, email: str, password: str) -> User | None:
    """The user when email and password match an active account; None otherwise, in the same time."""
    user = db.session.scalar(select(User).where(User.email == normalise_email(email)))
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
        return None
    if not check_password_hash(user.password_hash, password) or not user.active:
        return None
    return user


def end_sessions(*, user: User) -> None:
    """Rotate the session nonce: every cookie issued before stops working."""
    begin_write()
    user.session_nonce = new_session_nonce()
    db.session.commit()


def change_password(*, user: User, current: str, new: str) -> None:
    if not check_password_hash(user.password_hash, current):
        raise AccountError("The current password is not correct.")
    check_password_rules(new)
    begin_write()
    user.password_hash = generate_password_hash(new)
    user.session_nonce = new_session_nonce()
    revoke_all_tokens(user=user)
    audit.record(user_id=user.id, action="user.password", target_type="user", target_id=user.id)
    db.session.commit()


def set_password(*, user: User, new: str, actor_id: int) -> None:
    """An administrator sets a new password (there is no email reset); every session of the user ends."""
    check_password_rules(new)
    begin_write()
    user.password_hash = generate_password_hash(new)
    user.session_nonce = new_session_nonce()
    revoke_all_tokens(user=user)
    audit.record(user_id=actor_id, action="user.password_reset", target_type="user", target_id=user.id)
    db.session.commit()


def set_active(*, user: User, active: bool, actor_id: int) -> None:
    begin_write()
    user.active = active
    user.session_nonce = new_session_nonce()
    if not active:
        revoke_all_tokens(user=user)
    audit.record(
        user_id=actor_id,
        action="user.enable" if active else "user.disable",
        target_type="user",
        target_id=user.id,
    )
    db.session.commit()


def set_role(*, user: User, role: str, actor_id: int) -> None:
    if role not in ROLES:
        raise AccountError(f"Unknown role {role!r}.")
    begin_write()
    user.role = role
    user.session_nonce = new_session_nonce()
    audit.record(
        user_id=actor_id, action="user.role", target_type="user", target_id=user.id, detail={"role": role}
    )
    db.session.commit()


def revoke_all_tokens(*, user: User) -> None:
    """Every unrevoked token of the user ends, in the caller's transaction (disabling, a new password)."""
    db.session.execute(
        update(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=utc_now())
    )


def create_api_token(*, user: User, name: str = "", scopes: list[str] | None = None) -> tuple[ApiToken, str]:
    """Issue a token; the plain value is returned once and never stored. A service account's tokens always
    carry scopes; a person's carry none (they act with the person's role) unless asked."""
    if scopes is not None or user.kind == "service":
        try:
            scopes = check_scopes(scopes or [])
        except ValueError as exc:
            raise AccountError(str(exc)) from exc
        if not scopes:
            raise AccountError("A service account's token needs at least one scope.")
    plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
    begin_write()
    token = ApiToken(
        user_id=user.id,
        name=name.strip()[:120],
        prefix=plain[:12],
        token_hash=hash_token(plain),
        scopes=scopes,
    )
    db.session.add(token)
    db.session.flush()
    audit.record(user_id=user.id, action="token.create", target_type="api_token", target_id=token.id)
    db.session.commit()
    return token, plain


def create_service_account(*, name: str, role: str, actor_id: int | None = None) -> User:
    """An integration's account: it never signs in (no password, refused by the identity provider), its
    scoped tokens act for it, and initiatives are shared with it like with a person (its address)."""
    name = name.strip()
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:60]
    if not slug:
        raise AccountError("Name the service account, e.g. 'ServiceNow sync'.")
    if role not in ROLES:
        raise AccountError(f"Unknown role {role!r}; choose one of {', '.join(ROLES)}.")
    email = f"{slug}@service-accounts.invalid"
    begin_write()
    if db.session.scalar(select(User.id).where(User.email == email)) is not None:
        db.session.rollback()
        raise AccountError(f"A service account named {name!r} already exists.")
    user = User(email=email, name=name[:120], role=role, kind="service", password_hash=NO_PASSWORD)
    db.session.add(user)
    db.session.flush()
    audit.record(
        user_id=actor_id,
        action="user.service_create",
        target_type="user",
        target_id=user.id,
        detail={"role": role},
    )
    db.session.commit()
    return user


def revoke_api_token(*, user: User, token_id: int) -> bool:
    begin_write()
    token = db.session.scalar(select(ApiToken).where(ApiToken.id == token_id, ApiToken.user_id == user.id))
    if token is None or token.revoked_at is not None:
        db.session.rollback()
        return False
    token.revoked_at = utc_now()
    audit.record(user_id=user.id, action="token.revoke", target_type="api_token", target_id=token.id)
    db.session.commit()
    return True


def api_token_for(plain: str) -> ApiToken | None:
    """The unrevoked token with this value when its user is active, or None."""
    if not plain.startswith(TOKEN_PREFIX):
        return None
    token = db.session.scalar(
        select(ApiToken).where(ApiToken.token_hash == hash_token(plain), ApiToken.revoked_at.is_(None))
    )
    if token is None or not token.user.active:
        return None
    return token


def user_for_token(plain: str) -> User | None:
    """The active user owning an unrevoked token, or None."""
    token = api_token_for(plain)
    return token.user if token is not None else None


TOKEN_USE_RESOLUTION = timedelta(minutes=1)


def note_token_use(*, token: ApiToken) -> None:
    """Stamp last_used_at, at most once a minute, so API reads do not each become a write."""
    now = utc_now()
    if token.last_used_at is not None and now - token.last_used_at < TOKEN_USE_RESOLUTION:
        return
    begin_write()
    db.session.execute(update(ApiToken).where(ApiToken.id == token.id).values(last_used_at=now))
    db.session.commit()
