"""A stakeholder group's participants: who the group's survey invitations go to."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ...extensions import Model
from ...timeutil import utc_now

# The languages the surveys are offered in (surveys/*.toml; tests/plan/roster checks they agree). The plan
# layer cannot import the survey registry, so the codes are named here.
LANGUAGES = ("en", "fr", "de")
DEFAULT_LANGUAGE = "en"
LANGUAGE_NAMES = {"en": ("English", "English"), "fr": ("French", "Français"), "de": ("German", "Deutsch")}
EMAIL_MAX, NAME_MAX = 254, 200


class Participant(Model):
    """One person on a group's roster. `email` is normalised (lower-case) and unique within the group;
    `attributes` are the roster file's other columns (department, location, ...), text to text."""

    __tablename__ = "participants"
    __table_args__ = (UniqueConstraint("group_id", "email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("stakeholder_groups.id", ondelete="CASCADE"))
    email: Mapped[str] = mapped_column(String(EMAIL_MAX))
    name: Mapped[str] = mapped_column(String(NAME_MAX), default="")
    language: Mapped[str] = mapped_column(String(8), default=DEFAULT_LANGUAGE)
    attributes: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(default=utc_now, onupdate=utc_now)
