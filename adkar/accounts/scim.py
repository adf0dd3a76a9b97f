"""SCIM 2.0 provisioning rules: accounts and directory groups to and from scim2-models resources.

The directory (Entra ID, Okta) owns who exists: it creates, updates, deactivates and deletes people here.
A deactivated or deleted person loses every session and API token at once. Roles follow the directory's
groups through the same mapping as OpenID sign-in (ADKAR_OIDC_ROLE_GROUPS); a person in no mapped group
gets ADKAR_SCIM_DEFAULT_ROLE (sponsor: read-only, and only initiatives they are named on).
"""

from __future__ import annotations

import secrets
from datetime import datetime

from flask import current_app
from scim2_models import (
    Context,
    EnterpriseUser,
    GroupMember,
    GroupMembership,
    InvalidValueException,
    Meta,
    NotFoundException,
    UniquenessException,
)
from scim2_models import Group as ScimGroup
from scim2_models import User as CoreUser
from sqlalchemy import delete, func, select, update

from ..audit import services as audit
from ..config import ConfigError
from ..database import begin_write
from ..extensions import db
from ..rules.roles import ROLES
from ..timeutil import utc_now
from .models import (
    NO_PASSWORD,
    ApiToken,
    DirectoryGroup,
    DirectoryGroupMember,
    ScimToken,
    User,
    new_session_nonce,
)
from .oidc import parse_role_groups, role_for
from .services import hash_token

SCIM_TOKEN_PREFIX = "scim_"  # noqa: S105 - a label, not a secret
# People carry the enterprise extension (department, division, cost centre, manager…), as Entra ID and Okta
# send it: directory-fed stakeholder groups are to select on it.
ScimUser = CoreUser[EnterpriseUser]


def default_role() -> str:
    role = str(current_app.config.get("SCIM_DEFAULT_ROLE") or "sponsor")
    if role not in ROLES:
        raise ConfigError(f"ADKAR_SCIM_DEFAULT_ROLE must be one of {', '.join(ROLES)}.")
    return role


# Tokens -----------------------------------------------------------------------------------------------


def create_token(*, name: str) -> tuple[ScimToken, str]:
    plain = SCIM_TOKEN_PREFIX + secrets.token_urlsafe(32)
    begin_write()
    token = ScimToken(name=name.strip()[:120], prefix=plain[:12], token_hash=hash_token(plain))
    db.session.add(token)
    db.session.flush()
    audit.record(user_id=None, action="scim_token.create", target_type="scim_token", target_id=token.id)
    db.session.commit()
    return token, plain


def token_valid(plain: str) -> bool:
    if not plain.startswith(SCIM_TOKEN_PREFIX):
        return False
    found = db.session.scalar(
        select(ScimToken.id).where(ScimToken.token_hash == hash_token(plain), ScimToken.revoked_at.is_(None))
    )
    return found is not None


# Users ------------------------------------------------------------------------------------------------


def _meta(kind: str, location: str, created: datetime, modified: datetime) -> Meta:
    return Meta(resource_type=kind, created=created, last_modified=modified, location=location)


def provisioned_users():
    return select(User).where(User.kind == "person", User.deprovisioned_at.is_(None)).order_by(User.id)


def get_user(user_id: str) -> User:
    user = db.session.get(User, int(user_id)) if user_id.isdigit() else None
    if user is None or user.kind != "person" or user.deprovisioned_at is not None:
        raise NotFoundException(detail=f"There is no user {user_id}.")
    return user


def user_resource(user: User, base_url: str) -> ScimUser:
    """The person as SCIM sees them: the attributes the directory wrote, under what this service decides
    (id, userName, active, groups, meta)."""
    groups = db.session.scalars(
        select(DirectoryGroup)
        .join(DirectoryGroupMember, DirectoryGroupMember.group_id == DirectoryGroup.id)
        .where(DirectoryGroupMember.user_id == user.id)
        .order_by(DirectoryGroup.id)
    ).all()
    stored = dict(user.directory_attributes or {})
    resource: ScimUser = ScimUser.model_validate(stored) if stored else ScimUser(user_name=user.email)
    resource.id = str(user.id)
    resource.user_name = stored.get("userName") or user.email
    resource.external_id = user.external_id
    if not stored and user.name:
        resource.display_name = user.name
    resource.active = user.active
    resource.groups = [
        GroupMembership.model_validate({"value": str(g.id), "display": g.display_name, "type": "direct"})
        for g in groups
    ] or None
    resource.meta = _meta("User", f"{base_url}/Users/{user.id}", user.created_at, user.created_at)
    return resource


def _email_of(resource: ScimUser) -> str:
    """The account's sign-in address: userName when it is an address (Entra ID and Okta send the UPN), else
    the primary e-mail, else the userName as it is."""
    user_name = (resource.user_name or "").strip().lower()
    if not user_name or len(user_name) > 254:
        raise InvalidValueException(detail="userName is required (at most 254 characters).")
    if "@" in user_name:
        return user_name
    emails = resource.emails or []
    for email in [e for e in emails if e.primary] + list(emails):
        if email.value and len(str(email.value)) <= 254:
            return str(email.value).strip().lower()
    return user_name


def _name_of(resource: ScimUser) -> str:
    if resource.display_name:
        return resource.display_name.strip()[:120]
    if resource.name is not None:
        if resource.name.formatted:
            return resource.name.formatted.strip()[:120]
        parts = [resource.name.given_name, resource.name.family_name]
        return " ".join(p for p in parts if p).strip()[:120]
    return ""


def _end_access(user: User) -> None:
    """Every session and every API token of the person stops working, in the caller's transaction."""
    user.session_nonce = new_session_nonce()
    db.session.execute(
        update(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=utc_now())
    )


def _write_user(user: User, resource: ScimUser) -> None:
    email = _email_of(resource)
    clash = db.session.scalar(select(User.id).where(func.lower(User.email) == email, User.id != user.id))
    if clash is not None:
        raise UniquenessException(detail=f"Another account already has the userName {email}.")
    user.email = email
    user.name = _name_of(resource)
    user.external_id = resource.external_id
    kept = resource.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE)
    for key in ("id", "meta", "groups", "active", "externalId", "password"):
        kept.pop(key, None)
    user.directory_attributes = kept
    active = True if resource.active is None else bool(resource.active)
    if user.active and not active:
        _end_access(user)
        audit.record(user_id=None, action="user.scim_deactivate", target_type="user", target_id=user.id)
    elif active and not user.active:
        audit.record(user_id=None, action="user.scim_activate", target_type="user", target_id=user.id)
    user.active = active


def create_user(resource: ScimUser) -> User:
    begin_write()
    try:
        email = _email_of(resource)
        user = db.session.scalar(select(User).where(func.lower(User.email) == email))
        if user is not None and user.deprovisioned_at is None:
            raise UniquenessException(detail=f"A user with the userName {email} already exists.")
        if user is None:
            user = User(email=email, role=default_role(), password_hash=NO_PASSWORD, active=True)
            db.session.add(user)
            db.session.flush()
        user.deprovisioned_at = None
        _write_user(user, resource)
        audit.record(user_id=None, action="user.scim_create", target_type="user", target_id=user.id)
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    return user


def replace_user(user: User, resource: ScimUser) -> User:
    begin_write()
    try:
        _write_user(user, resource)
        audit.record(user_id=None, action="user.scim_update", target_type="user", target_id=user.id)
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    return user


def delete_user(user: User) -> None:
    """The account stays for the records it is named in; it is disabled and leaves SCIM."""
    begin_write()
    _end_access(user)
    user.active = False
    user.deprovisioned_at = utc_now()
    db.session.execute(delete(DirectoryGroupMember).where(DirectoryGroupMember.user_id == user.id))
    audit.record(user_id=None, action="user.scim_delete", target_type="user", target_id=user.id)
    db.session.commit()


# Groups -----------------------------------------------------------------------------------------------


def get_group(group_id: str) -> DirectoryGroup:
    group = db.session.get(DirectoryGroup, int(group_id)) if group_id.isdigit() else None
    if group is None:
        raise NotFoundException(detail=f"There is no group {group_id}.")
    return group


def group_resource(group: DirectoryGroup, base_url: str) -> ScimGroup:
    members = sorted(group.members, key=lambda m: m.user_id)
    return ScimGroup(
        id=str(group.id),
        display_name=group.display_name,
        external_id=group.external_id,
        members=[
            GroupMember.model_validate(
                {
                    "value": str(m.user_id),
                    "display": m.user.email,
                    "type": "User",
                    "$ref": f"{base_url}/Users/{m.user_id}",
                }
            )
            for m in members
        ],
        meta=_meta("Group", f"{base_url}/Groups/{group.id}", group.created_at, group.updated_at),
    )


def _member_ids(resource: ScimGroup) -> set[int]:
    ids = set()
    for member in resource.members or []:
        value = str(member.value or "")
        if not value.isdigit():
            raise InvalidValueException(detail=f"The member {value!r} is not a user of this service.")
        user = db.session.get(User, int(value))
        if user is None or user.kind != "person" or user.deprovisioned_at is not None:
            raise InvalidValueException(detail=f"The member {value!r} is not a user of this service.")
        ids.add(user.id)
    return ids


def _write_group(group: DirectoryGroup, resource: ScimGroup) -> set[int]:
    """Apply the resource; the ids of the people whose membership changed."""
    name = (resource.display_name or "").strip()
    if not name or len(name) > 255:
        raise InvalidValueException(detail="displayName is required (at most 255 characters).")
    clash = db.session.scalar(
        select(DirectoryGroup.id).where(DirectoryGroup.display_name == name, DirectoryGroup.id != group.id)
    )
    if clash is not None:
        raise UniquenessException(detail=f"A group named {name!r} already exists.")
    renamed = group.display_name != name
    group.display_name = name
    group.external_id = resource.external_id
    group.updated_at = utc_now()
    wanted = _member_ids(resource)
    current = {m.user_id for m in group.members}
    group.members = [m for m in group.members if m.user_id in wanted]
    group.members.extend(DirectoryGroupMember(user_id=uid) for uid in sorted(wanted - current))
    changed = wanted ^ current
    return changed | (wanted if renamed else set())


def _update_roles(user_ids: set[int]) -> None:
    """People whose groups changed take the role their groups map to (their sessions end if it changes)."""
    mapping = parse_role_groups(str(current_app.config.get("OIDC_ROLE_GROUPS") or ""))
    if not mapping:
        return
    db.session.flush()
    for user_id in sorted(user_ids):
        user = db.session.get(User, user_id)
        if user is None:
            continue
        names = db.session.scalars(
            select(DirectoryGroup.display_name)
            .join(DirectoryGroupMember, DirectoryGroupMember.group_id == DirectoryGroup.id)
            .where(DirectoryGroupMember.user_id == user_id)
        ).all()
        role = role_for(list(names), mapping) or default_role()
        if role != user.role:
            audit.record(
                user_id=None,
                action="user.scim_role",
                target_type="user",
                target_id=user.id,
                detail={"from": user.role, "role": role},
            )
            user.role = role
            user.session_nonce = new_session_nonce()


def create_group(resource: ScimGroup) -> DirectoryGroup:
    begin_write()
    try:
        group = DirectoryGroup(display_name="", members=[])
        db.session.add(group)
        changed = _write_group(group, resource)
        db.session.flush()
        _update_roles(changed)
        audit.record(
            user_id=None, action="group.scim_create", target_type="directory_group", target_id=group.id
        )
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    return group


def replace_group(group: DirectoryGroup, resource: ScimGroup) -> DirectoryGroup:
    begin_write()
    try:
        changed = _write_group(group, resource)
        _update_roles(changed)
        audit.record(
            user_id=None, action="group.scim_update", target_type="directory_group", target_id=group.id
        )
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    return group


def delete_group(group: DirectoryGroup) -> None:
    begin_write()
    members = {m.user_id for m in group.members}
    audit.record(user_id=None, action="group.scim_delete", target_type="directory_group", target_id=group.id)
    db.session.delete(group)
    _update_roles(members)
    db.session.commit()
