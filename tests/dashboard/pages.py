"""Helpers to read what the dashboard pages show."""

from __future__ import annotations

import re

from sqlalchemy import delete, update

from adkar.extensions import db
from adkar.surveys.models import Response, WaveGroup
from adkar.surveys.responses.tally import TALLY_COLUMNS

CHART_IDS = (
    "readiness-trend",
    "gate-board",
    "adkar-profile",
    "readiness-heatmap",
    "barrier-points",
    "response-rates",
)


def text(response) -> str:
    return response.get_data(as_text=True)


def kpi(html: str, key: str) -> str:
    """The displayed value of a KPI tile ("47%")."""
    match = re.search(rf'data-kpi="{key}">([^<]*)<', html)
    assert match, f"no KPI {key!r} on the page"
    return match.group(1).strip()


def section(html: str, section_id: str) -> str:
    """The HTML of <section id="..."> up to its closing tag."""
    start = html.index(f'id="{section_id}"')
    return html[start : html.index("</section>", start)]


def normalise(html: str) -> str:
    """Drop what differs between two renderings of the same data: CSRF tokens and generation times."""
    html = re.sub(r'(name="csrf_token"[^>]*value=|content=)"[^"]*"', r'\1""', html)
    return re.sub(r"generated [^<]*UTC", "generated …", html)


def replace_answers(wave_id: int, group_id: int) -> None:
    """Forget a group's responses and zero its tally, so a test can store different answers."""
    db.session.execute(delete(Response).where(Response.wave_id == wave_id, Response.group_id == group_id))
    db.session.execute(
        update(WaveGroup)
        .where(WaveGroup.wave_id == wave_id, WaveGroup.group_id == group_id)
        .values(dict.fromkeys(TALLY_COLUMNS, 0))
    )
    db.session.commit()
