"""OpenID Connect sign-in (Authlib): the provider's settings, its groups mapped to roles, just-in-time accounts.

Authlib does the protocol: discovery, the authorisation code with PKCE (S256), state and nonce kept in the
session, and the ID token's signature (the provider's JWKS), issuer, audience and expiry. This module
decides who may come in: a person whose groups map to no role is refused, and nothing is stored for them.
"""

from __future__ import annotations

from dataclasses import dataclass

from authlib.integrations.flask_client import OAuth
from flask import Flask, current_app, redirect, url_for
from sqlalchemy import func, select

from ..audit import services as audit
from ..config import ConfigError
from ..database import begin_write
from ..extensions import db
from ..rules.roles import ROLES
from .models import NO_PASSWORD, User, new_session_nonce

PROVIDER = "idp"  # the Authlib registry name (not "oidc": Authlib would read our OIDC_* settings as its own)
DEFAULT_SCOPE = "openid email profile"
# When a person is in groups of several roles, the widest wins.
ROLE_ORDER = ("admin", "practitioner", "sponsor")
DEFAULT_LEEWAY_SECONDS = 60
ID_TOKEN_KEY = "oidc_id_token"  # noqa: S105 - the session key of the ID token, kept for sign-out
EXTENSION = "adkar.oidc"


class SignInRefused(Exception):
    """The provider's answer does not let this person in; the message is safe to show."""


@dataclass(frozen=True)
class OidcSettings:
    issuer: str
    client_id: str
    client_secret: str
    groups_claim: str
    role_groups: dict[str, str]  # provider group -> adkar role
    provider_name: str
    scope: str
    leeway: int

    @property
    def metadata_url(self) -> str:
        return self.issuer.rstrip("/") + "/.well-known/openid-configuration"


def parse_role_groups(value: str) -> dict[str, str]:
    """'admin=adkar-admins,practitioner=team-a|team-b' -> {group: role}; a group names one role only."""
    mapping: dict[str, str] = {}
    for part in (value or "").split(","):
        if not part.strip():
            continue
        role, sep, groups = part.partition("=")
        role = role.strip()
        if not sep or role not in ROLES:
            raise ConfigError(
                f"ADKAR_OIDC_ROLE_GROUPS: {part.strip()!r} is not ROLE=GROUP with a role among {', '.join(ROLES)}."
            )
        for group in groups.split("|"):
            group = group.strip()
            if not group:
                raise ConfigError(f"ADKAR_OIDC_ROLE_GROUPS: {role} names an empty group.")
            if mapping.get(group, role) != role:
                raise ConfigError(f"ADKAR_OIDC_ROLE_GROUPS: the group {group!r} maps to two roles.")
            mapping[group] = role
    return mapping


def load_settings(config) -> OidcSettings | None:
    """The provider configured by ADKAR_OIDC_*, or None when sign-in with a provider is not set up."""
    issuer = str(config.get("OIDC_ISSUER") or "").strip()
    if not issuer:
        return None
    client_id = str(config.get("OIDC_CLIENT_ID") or "").strip()
    if not client_id:
        raise ConfigError("ADKAR_OIDC_ISSUER is set: ADKAR_OIDC_CLIENT_ID must be set too.")
    role_groups = parse_role_groups(str(config.get("OIDC_ROLE_GROUPS") or ""))
    if not role_groups:
        raise ConfigError("ADKAR_OIDC_ISSUER is set: ADKAR_OIDC_ROLE_GROUPS must map at least one group.")
    return OidcSettings(
        issuer=issuer,
        client_id=client_id,
        client_secret=str(config.get("OIDC_CLIENT_SECRET") or ""),
        groups_claim=str(config.get("OIDC_GROUPS_CLAIM") or "groups"),
        role_groups=role_groups,
        provider_name=str(config.get("OIDC_PROVIDER_NAME") or "your organisation"),
        scope=str(config.get("OIDC_SCOPE") or DEFAULT_SCOPE),
        leeway=int(config.get("OIDC_LEEWAY_SECONDS", DEFAULT_LEEWAY_SECONDS)),
    )


def password_login_enabled(config) -> bool:
    """ADKAR_PASSWORD_LOGIN=off (or false) switches password sign-in off, when a provider is configured."""
    value = config.get("PASSWORD_LOGIN", True)
    off = value is False or str(value).strip().lower() in ("off", "false", "0", "no")
    return not (off and config.get("OIDC_SETTINGS") is not None)


def init_app(app: Flask) -> None:
    found = load_settings(app.config)
    app.config["OIDC_SETTINGS"] = found
    if found is None:
        return
    # One Authlib registry per app: the provider's discovery document and keys are cached on its client.
    oauth = OAuth(app)
    app.extensions[EXTENSION] = oauth
    oauth.register(
        PROVIDER,
        client_id=found.client_id,
        client_secret=found.client_secret,
        server_metadata_url=found.metadata_url,
        client_kwargs={"scope": found.scope, "code_challenge_method": "S256", "timeout": 10},
    )


def settings() -> OidcSettings | None:
    return current_app.config.get("OIDC_SETTINGS")


def client():
    """The Authlib client of the configured provider, its discovery document checked against the issuer."""
    config = settings()
    if config is None:
        raise SignInRefused("Sign-in with an identity provider is not set up here.")
    remote = current_app.extensions[EXTENSION].create_client(PROVIDER)
    try:
        metadata = remote.load_server_metadata()
    except Exception as exc:  # any failure to reach or read the provider: the person is told, not a 500
        raise SignInRefused("The identity provider cannot be reached; please try again later.") from exc
    if metadata.get("issuer") != config.issuer:
        # OpenID Connect Discovery 4.3: the document must name the issuer it was fetched for.
        remote.server_metadata = {}
        raise SignInRefused("The identity provider answered for another issuer; sign-in is refused.")
    return remote


def role_for(groups: object, role_groups: dict[str, str]) -> str | None:
    """The widest role any of the person's groups maps to, or None."""
    if isinstance(groups, str):
        groups = [groups]
    if not isinstance(groups, list | tuple):
        return None
    roles = {role_groups[g] for g in groups if isinstance(g, str) and g in role_groups}
    return next((role for role in ROLE_ORDER if role in roles), None)


def subject_of(claims: dict) -> str:
    return f"{claims['iss']} {claims['sub']}"


def sign_in_from_claims(claims: dict) -> User:
    """The account of the person the validated ID token names: created on first sign-in, its role and
    name brought up to date on every one. Raises SignInRefused (nothing stored) when they may not come in."""
    config = settings()
    assert config is not None
    role = role_for(claims.get(config.groups_claim), config.role_groups)
    if role is None:
        raise SignInRefused(
            "Your account at the identity provider is in no group that gives access to adkar. "
            "Ask your administrator to add you to one of the groups for adkar."
        )
    email = str(claims.get("email") or "").strip().lower()
    subject = subject_of(claims)
    begin_write()
    user = db.session.scalar(select(User).where(User.oidc_subject == subject))
    if user is None and email:
        if claims.get("email_verified") is False:
            db.session.rollback()
            raise SignInRefused("The identity provider has not verified your e-mail address.")
        user = db.session.scalar(select(User).where(func.lower(User.email) == email))
        if user is not None and user.oidc_subject is not None:
            db.session.rollback()
            raise SignInRefused("This e-mail address belongs to another account of the identity provider.")
    if user is not None and (not user.active or user.kind != "person"):
        db.session.rollback()
        raise SignInRefused("This account is disabled. Ask an administrator of this installation.")
    name = str(claims.get("name") or "").strip()[:120]
    if user is None:
        if not email or "@" not in email:
            db.session.rollback()
            raise SignInRefused("The identity provider sent no e-mail address for your account.")
        user = User(
            email=email,
            name=name,
            role=role,
            oidc_subject=subject,
            password_hash=NO_PASSWORD,
        )
        db.session.add(user)
        db.session.flush()
        audit.record(
            user_id=user.id,
            action="user.sso_create",
            target_type="user",
            target_id=user.id,
            detail={"role": role},
        )
    else:
        user.oidc_subject = subject
        if name:
            user.name = name
        if user.role != role:
            audit.record(
                user_id=user.id,
                action="user.sso_role",
                target_type="user",
                target_id=user.id,
                detail={"from": user.role, "role": role},
            )
            user.role = role
            user.session_nonce = new_session_nonce()  # sessions under the old role end
    audit.record(user_id=user.id, action="user.sso_login", target_type="user", target_id=user.id)
    db.session.commit()
    return user


def provider_logout(id_token: str | None):
    """RP-initiated logout at the provider when it offers it, else None (the caller shows the sign-in page)."""
    if id_token is None or settings() is None:
        return None
    try:
        remote = client()
    except SignInRefused:
        return None
    if not remote.load_server_metadata().get("end_session_endpoint"):
        return None
    logout = remote.create_logout_url(
        post_logout_redirect_uri=url_for("accounts.login", _external=True),
        id_token_hint=id_token,
        client_id=remote.client_id,
    )
    return redirect(logout["url"])
