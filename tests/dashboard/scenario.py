"""One initiative with two waves, worked out by hand (k = 5), used across the dashboard tests.

Groups: "Service desk" (visible), "Field engineers" (5 responses, hidden by complementary suppression)
and "Legal" (4 responses, hidden). Answers are held until a group has k of a kind, so Legal's four are
imported while the minimum group size is 4 (`LEGAL_K`) and read at k = 5, as after an installation raised
its minimum. Waves: Baseline (closed 5 days ago, Service desk only) and Pulse 2
(open, every group). `swap_hidden=True` redistributes the hidden groups' answers between them without
changing either group's size or the pooled overall, so a page that leaks nothing comes out the same.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as default
from datetime import date, timedelta

from adkar.accounts.models import User
from adkar.plan.models import Initiative, Milestone, StakeholderGroup
from adkar.surveys.invitations import services as invitations
from adkar.timeutil import today

from .builders import make_wave, respond, set_invited

ALL_FOUR = (4, 4, 4, 4, 4)
ALL_TWO = (2, 2, 2, 2, 2)
DISTINCT = (1, 1, 2, 1, 1)  # what Legal answers: means 1.0/2.0, never shown for 4 people
LEGAL_K = 4  # the minimum group size Legal's four answers are published at (then k is 5 again)
SERVICE_DESK_PULSE_2 = [
    (5, 5, 5, 5, 5),  # no barrier
    (4, 4, 4, 4, 4),  # no barrier
    (4, 2, 4, 4, 4),  # desire
    (2, 4, 4, 4, 4),  # awareness
    (4, 4, 3, 4, 4),  # knowledge (3 is "3 or lower")
    (5, 4, 4, 2, 1),  # ability
]


@dataclass
class Scenario:
    owner: User
    colleague: User  # practitioner member: may write
    sponsor: User
    stranger: User  # practitioner without access
    initiative: Initiative
    desk: StakeholderGroup
    field: StakeholderGroup
    legal: StakeholderGroup
    baseline_id: int
    pulse_id: int
    training: Milestone
    go_live: Milestone
    day: date
    tokens: dict[str, str] = default(default_factory=dict)  # API tokens, for the tests that need them


def build(factory, *, swap_hidden: bool = False) -> Scenario:
    day = today()
    owner, colleague = factory.user("practitioner"), factory.user("practitioner")
    sponsor, stranger = factory.user("sponsor"), factory.user("practitioner")
    initiative = factory.initiative(
        owner,
        name="Service desk migration",
        go_live=day + timedelta(days=20),
        sponsors=(sponsor,),
        members=(colleague,),
    )
    desk = factory.group(initiative, name="Service desk", headcount=12)
    field = factory.group(initiative, name="Field engineers", headcount=20)
    legal = factory.group(initiative, name="Legal", headcount=6)
    training = factory.milestone(
        initiative,
        name="Training complete",
        kind="training",
        due=day - timedelta(days=5),
        target_element="knowledge",
        threshold=0.2,
        groups=(desk,),
    )
    go_live = factory.milestone(initiative, name="Go-live", due=day + timedelta(days=20), threshold=0.5)

    baseline = make_wave(
        initiative,
        owner,
        [desk],
        name="Baseline",
        opens_on=day - timedelta(days=20),
        closes_on=day - timedelta(5),
    )
    respond(baseline.id, desk.id, [ALL_FOUR] + [ALL_TWO] * 4)
    set_invited(baseline.id, desk.id, 10)

    pulse = make_wave(
        initiative,
        owner,
        [desk, field, legal],
        name="Pulse 2",
        opens_on=day - timedelta(days=5),
        closes_on=day + timedelta(days=5),
    )
    invitations.issue_links(wave=pulse, group_id=desk.id, count=10, actor=owner)
    invitations.open_link(wave=pulse, group_id=field.id, actor=owner)  # invited = headcount 20
    respond(pulse.id, desk.id, SERVICE_DESK_PULSE_2)
    if swap_hidden:
        respond(pulse.id, field.id, [DISTINCT] * 4 + [ALL_FOUR])
        respond(pulse.id, legal.id, [ALL_FOUR] * 4, published_at_k=LEGAL_K)
    else:
        respond(pulse.id, field.id, [ALL_FOUR] * 5)
        respond(pulse.id, legal.id, [DISTINCT] * 4, published_at_k=LEGAL_K)
    return Scenario(
        owner=owner,
        colleague=colleague,
        sponsor=sponsor,
        stranger=stranger,
        initiative=initiative,
        desk=desk,
        field=field,
        legal=legal,
        baseline_id=baseline.id,
        pulse_id=pulse.id,
        training=training,
        go_live=go_live,
        day=day,
    )
