"""Confirmed column mappings kept per source ("Forms pulse", "LimeSurvey paper scans"), so a practitioner
confirms a tool's columns once per initiative and survey, not with every file."""

from __future__ import annotations

from sqlalchemy import select

from ...database import begin_write
from ...extensions import db
from ...timeutil import utc_now
from ..models import ImportMapping, Wave
from .file_import import FileMapping

MAX_NAME = 100


def names(wave: Wave) -> list[str]:
    return list(
        db.session.scalars(
            select(ImportMapping.name)
            .where(
                ImportMapping.initiative_id == wave.initiative_id, ImportMapping.survey_key == wave.survey_key
            )
            .order_by(ImportMapping.name)
        )
    )


def find(wave: Wave, name: str) -> ImportMapping | None:
    if not name.strip():
        return None
    return db.session.scalar(
        select(ImportMapping).where(
            ImportMapping.initiative_id == wave.initiative_id,
            ImportMapping.survey_key == wave.survey_key,
            ImportMapping.name == name.strip()[:MAX_NAME],
        )
    )


def save(wave: Wave, name: str, mapping: FileMapping, *, actor_id: int) -> None:
    """Keep (or replace) the mapping under its source name, in its own short transaction."""
    name = name.strip()[:MAX_NAME]
    if not name:
        return
    begin_write()
    found = find(wave, name)
    if found is None:
        found = ImportMapping(initiative_id=wave.initiative_id, survey_key=wave.survey_key, name=name)
        db.session.add(found)
    found.targets = dict(mapping.targets)
    found.reverse = sorted(mapping.reverse)
    found.updated_by = actor_id
    found.updated_at = utc_now()
    db.session.commit()
