"""Users, their roles, and API tokens (stored only as hashes)."""

from __future__ import annotations

import secrets
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model, db
from ..timeutil import utc_now

# The password hash of accounts that have no password (people of the identity provider, service accounts):
# no password ever matches it (werkzeug's check_password_hash answers False for it).
NO_PASSWORD = "!"  # noqa: S105 - a marker, not a secret


def new_session_nonce() -> str:
    return secrets.token_hex(16)


class User(UserMixin, Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120), default="")
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    # Rotated on sign-out, password change and disabling: every existing session stops working.
    session_nonce: Mapped[str] = mapped_column(String(32), default=new_session_nonce)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    # "person", or "service" for an integration's account: it never signs in, only its scoped tokens act.
    kind: Mapped[str] = mapped_column(String(10), default="person")
    # The identity provider's "iss sub" of a person who signs in with OpenID Connect (accounts.oidc).
    oidc_subject: Mapped[str | None] = mapped_column(String(600), unique=True, index=True)
    # The directory's own id for a person provisioned by SCIM (accounts.scim).
    external_id: Mapped[str | None] = mapped_column(String(255))
    # Set when the directory deleted the person: the account stays (initiatives and the audit trail name
    # it), disabled and out of SCIM, until the directory provisions the same userName again.
    deprovisioned_at: Mapped[datetime | None]
    # The SCIM User the directory last wrote (its attributes, the enterprise extension included; never a
    # password): read back as written, and what directory-fed stakeholder groups can select on.
    directory_attributes: Mapped[dict | None] = mapped_column(JSON)

    tokens: Mapped[list[ApiToken]] = relationship(back_populates="user", cascade="all, delete-orphan")

    def get_id(self) -> str:
        return f"{self.id}:{self.session_nonce}"

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def has_password(self) -> bool:
        return self.password_hash != NO_PASSWORD

    @property
    def display_name(self) -> str:
        return self.name or self.email


class ApiToken(Model):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120), default="")
    prefix: Mapped[str] = mapped_column(String(12))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    # None: a personal token, acting with its user's role. A list: only these scopes (accounts.scopes).
    scopes: Mapped[list[str] | None] = mapped_column(JSON)

    user: Mapped[User] = relationship(back_populates="tokens")

    @property
    def active(self) -> bool:
        return self.revoked_at is None


class CsvPreference(Model):
    """A person's CSV downloads: semicolons and decimal commas (as Excel reads them where the decimal mark is
    a comma) when `european`; no row means the plain comma-separated kind."""

    __tablename__ = "csv_preferences"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    european: Mapped[bool] = mapped_column(default=False)


def prefers_european_csv(user_id: int) -> bool:
    preference = db.session.get(CsvPreference, user_id)
    return bool(preference and preference.european)


class ScimToken(Model):
    """The bearer token a directory (Entra ID, Okta) provisions users with; stored only as a hash."""

    __tablename__ = "scim_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), default="")
    prefix: Mapped[str] = mapped_column(String(12))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    revoked_at: Mapped[datetime | None]


class DirectoryGroup(Model):
    """A group pushed by SCIM; its members take the role its display name maps to (ADKAR_OIDC_ROLE_GROUPS)."""

    __tablename__ = "directory_groups"

    id: Mapped[int] = mapped_column(primary_key=True)
    display_name: Mapped[str] = mapped_column(String(255), unique=True)
    external_id: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(default=utc_now, onupdate=utc_now)

    members: Mapped[list[DirectoryGroupMember]] = relationship(
        back_populates="group", cascade="all, delete-orphan"
    )


class DirectoryGroupMember(Model):
    __tablename__ = "directory_group_members"

    group_id: Mapped[int] = mapped_column(
        ForeignKey("directory_groups.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )

    group: Mapped[DirectoryGroup] = relationship(back_populates="members")
    user: Mapped[User] = relationship()
