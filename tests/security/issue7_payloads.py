"""Issue-7 objects whose every user-supplied text is the attack payload, added to a payload_world initiative.

Each text carries the payload first and a tag after it ("<svg onload=alert(1)> [action what]"), so a test
can tell which text reached which page (the initiative, group, milestone and wave names are the bare payload
already). Built through the real services: action plans, the resistance log, the action library, usage
figures and a change record, plus an earlier wave so the action's effect is measured (its text names waves).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from flask import Flask
from sqlalchemy import select

from adkar.accounts.models import User
from adkar.actions import library
from adkar.actions import services as actions
from adkar.adoption import services as adoption
from adkar.changes.services import set_change_record
from adkar.extensions import db
from adkar.plan.models import Initiative, Milestone, StakeholderGroup
from adkar.surveys.definitions import registry
from adkar.surveys.definitions.survey import score
from adkar.surveys.responses.services import split_answers, store_imported
from adkar.surveys.waves import services as waves
from adkar.timeutil import today

from .payload_world import COMMENTED_RESPONSES, PULSE_ANSWERS, PayloadWorld

TAGS = (
    "action what",
    "action owner",
    "resistance what",
    "resistance response",
    "library title",
    "library description",
)
# The barrier point of the payload world's group (knowledge scores 3), so the library entry is suggested.
ELEMENT = "knowledge"
CHANGE_NUMBER = "CHG0031234"


def tagged(payload: str, tag: str) -> str:
    return f"{payload} [{tag}]"


@dataclass(frozen=True)
class Issue7World:
    base: PayloadWorld
    action_id: int
    resistance_id: int
    entry_id: int
    earlier_wave_id: int

    @property
    def payload(self) -> str:
        return self.base.payload

    def text(self, tag: str) -> str:
        return tagged(self.base.payload, tag)


def add(app: Flask, world: PayloadWorld) -> Issue7World:
    payload = world.payload
    day = today()
    with app.app_context():
        owner = db.session.scalar(select(User).where(User.email == world.owner_email))
        initiative = db.session.get(Initiative, world.initiative_id)
        group = db.session.get(StakeholderGroup, world.group_id)
        milestone = db.session.get(Milestone, world.milestone_id)
        earlier = waves.create_wave(
            initiative=initiative,
            actor=owner,
            name=f"{payload} (earlier)",
            survey_key="adkar-pulse",
            opens_on=day - timedelta(days=40),
            closes_on=day - timedelta(days=30),
            group_ids=[group.id],
            purpose=payload,
        )
        defn = registry.get("adkar-pulse")
        lower = {**PULSE_ANSWERS, "kn1": 2}  # knowledge rises from 2.0 to 3.0 across the action
        answers, _ = split_answers(defn, lower)
        store_imported(
            wave_id=earlier.id,
            group_id=group.id,
            rows=[(answers, score(defn, lower), None)] * COMMENTED_RESPONSES,
        )
        entry = library.create_entry(
            actor=owner,
            element=ELEMENT,
            title=tagged(payload, "library title"),
            description=tagged(payload, "library description"),
        )
        action = actions.create_action(
            group=group,
            actor=owner,
            element=ELEMENT,
            what=tagged(payload, "action what"),
            owner=tagged(payload, "action owner"),
            starts_on=day
            - timedelta(days=20),  # after the earlier wave closed, before the current one opened
            due_on=day + timedelta(days=20),
            status="in_progress",
            library_entry_id=entry.id,
        )
        resistance = actions.create_resistance(
            group=group,
            actor=owner,
            what=tagged(payload, "resistance what"),
            reason="fear_of_unknown",
            people=3,
            response=tagged(payload, "resistance response"),
            logged_on=day - timedelta(days=1),
        )
        adoption.import_figures(
            initiative=initiative,
            actor=owner,
            rows=[
                {"group_id": g.id, "day": day - timedelta(days=d), "active_users": min(g.headcount, 4 + d)}
                for g in initiative.groups
                for d in (2, 9)
            ],
            source="csv",
        )
        set_change_record(
            milestone=milestone,
            actor=owner,
            number=CHANGE_NUMBER,
            change_type="normal",
            state="scheduled",
            url=f"https://itsm.example.com/change/{CHANGE_NUMBER}",
        )
        built = Issue7World(
            base=world,
            action_id=action.id,
            resistance_id=resistance.id,
            entry_id=entry.id,
            earlier_wave_id=earlier.id,
        )
        db.session.remove()
    return built


def pages(world: Issue7World) -> dict[str, tuple[str, tuple[str, ...]]]:
    """name -> (url, the tagged texts the page must show escaped); every page shows the bare payload too."""
    initiative, group, milestone = world.base.initiative_id, world.base.group_id, world.base.milestone_id
    action_texts = ("action what", "action owner")
    resistance_texts = ("resistance what", "resistance response")
    library_texts = ("library title", "library description")
    return {
        "initiative actions": (f"/initiatives/{initiative}/actions", ()),
        "group actions": (f"/groups/{group}/actions", action_texts + resistance_texts + library_texts),
        "new action": (f"/groups/{group}/actions/new", ()),
        "new action from the library": (
            f"/groups/{group}/actions/new?suggestion={world.entry_id}",
            library_texts,
        ),
        "action edit": (f"/actions/{world.action_id}/edit", action_texts),
        "action delete": (f"/actions/{world.action_id}/delete", ("action what",)),
        "new resistance": (f"/groups/{group}/resistance/new", ()),
        "resistance edit": (f"/resistance/{world.resistance_id}/edit", resistance_texts),
        "resistance delete": (f"/resistance/{world.resistance_id}/delete", ("resistance what",)),
        "action library": ("/action-library", library_texts),
        "library edit": (f"/action-library/{world.entry_id}/edit", library_texts),
        "library delete": (f"/action-library/{world.entry_id}/delete", ("library title",)),
        "adoption": (f"/initiatives/{initiative}/adoption", ()),
        "usage import": (f"/initiatives/{initiative}/adoption/import", ()),
        "change records": (f"/initiatives/{initiative}/change-records", ()),
        "change record edit": (f"/milestones/{milestone}/change-record/edit", ()),
        "change record delete": (f"/milestones/{milestone}/change-record/delete", ()),
        "change record import": (f"/initiatives/{initiative}/change-records/import", ()),
        "portfolio": ("/portfolio", ()),
        "dashboard": (f"/initiatives/{initiative}/dashboard", action_texts),
        "plan": (f"/initiatives/{initiative}", ()),
        "milestone edit": (f"/milestones/{milestone}/edit", ()),
    }


def downloads(world: Issue7World) -> list[str]:
    initiative = world.base.initiative_id
    return [
        *(
            f"/initiatives/{initiative}/{name}.{kind}"
            for name in ("actions", "resistance", "usage", "change-records")
            for kind in ("csv", "xlsx")
        ),
        "/portfolio.csv",
        "/portfolio.xlsx",
    ]
