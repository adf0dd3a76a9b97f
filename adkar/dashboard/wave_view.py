"""The practitioner's in-depth view of one wave: readiness per group, its charts, and the comments.

Comments follow the stricter rule (visible groups of at least max(k, 10) responses), carry no date or
time, and come in random order, so neither the order nor a timestamp can point at a person.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from ..analytics.readiness import readiness_to_api
from ..analytics.rows import modal_barrier
from ..analytics.suppression import comments_visible
from ..config import min_group_size
from ..extensions import db
from ..readiness import figures as readiness
from ..rules.anonymity import comment_threshold
from ..surveys.models import Response, Wave
from ..surveys.waves.services import wave_status
from ..timeutil import today
from . import charts

MAX_COMMENTS_PER_GROUP = 200
_random = secrets.SystemRandom()


@dataclass(frozen=True)
class GroupComments:
    group_id: int
    name: str
    n: int
    comments: list[str]
    total: int  # comments the group gave; only MAX_COMMENTS_PER_GROUP of them, at random, are shown


@dataclass
class WaveReadinessView:
    wave: Wave
    status: str
    k: int
    groups: list[dict[str, Any]]  # API-shaped rows (readiness_to_api) plus barrier_point
    overall: dict[str, Any]
    comment_min_n: int
    comments: list[GroupComments]
    quiet_groups: list[str]  # visible groups too small for comments
    charts: dict[str, charts.ChartView] = field(default_factory=dict)


def build_wave_view(wave: Wave) -> WaveReadinessView:
    result = readiness.wave_report(wave)
    k = min_group_size()
    frames = result.groups.to_dict("records")
    overall_frame = result.overall.to_dict()
    groups = [_row(r) for r in frames]
    overall = {**_row(overall_frame), "name": "Overall"}
    open_to_comments = [r for r in frames if comments_visible(r, k)]
    return WaveReadinessView(
        wave=wave,
        status=wave_status(wave, today()),
        k=k,
        groups=groups,
        overall=overall,
        comment_min_n=comment_threshold(k),
        comments=_comments(wave.id, open_to_comments),
        quiet_groups=[str(r["name"]) for r in frames if not r["suppressed"] and not comments_visible(r, k)],
        charts=charts.wave_charts([*frames, overall_frame], k=k),
    )


def _row(frame_row: dict[str, Any]) -> dict[str, Any]:
    row = readiness_to_api(frame_row)
    row["barrier_point"] = None if row["suppressed"] else modal_barrier(frame_row)
    return row


def _comments(wave_id: int, groups: list[dict[str, Any]]) -> list[GroupComments]:
    """Comments of the groups allowed to show them: text only, a random sample, shuffled."""
    if not groups:
        return []
    ids = [int(g["group_id"]) for g in groups]
    by_group: dict[int, list[str]] = {g: [] for g in ids}
    for group_id in ids:
        # Response ids are random, so the first rows by id are a random sample; never load them all.
        by_group[group_id] = [
            str(text)
            for text in db.session.scalars(
                select(Response.comment)
                .where(
                    Response.wave_id == wave_id,
                    Response.group_id == group_id,
                    Response.comment.is_not(None),
                    Response.comment != "",
                )
                .order_by(Response.id)
                .limit(MAX_COMMENTS_PER_GROUP)
            )
        ]
    result = []
    for group in groups:
        texts = by_group[int(group["group_id"])]
        _random.shuffle(texts)
        result.append(
            GroupComments(
                group_id=int(group["group_id"]),
                name=str(group["name"]),
                n=int(group["n"]),
                comments=texts[:MAX_COMMENTS_PER_GROUP],
                total=len(texts),
            )
        )
    return result
