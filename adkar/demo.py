"""Demo data: a service-desk platform migration with groups, a sequential plan and rising readiness.

Dates are relative to today so the demo always shows a project a few weeks before go-live, beside a
self-service portal that went live three weeks ago and whose usage reached the target (speed of adoption).
"""

from __future__ import annotations

import random
import secrets
import unicodedata
from datetime import timedelta

from sqlalchemy import select, update

from .accounts import services as accounts
from .accounts.models import User
from .database import begin_write
from .extensions import db
from .plan import services as plan
from .plan.models import Initiative
from .surveys.definitions import registry
from .surveys.definitions.survey import score
from .surveys.models import Invitation, WaveGroup
from .surveys.responses import services as responses
from .surveys.waves import services as waves
from .timeutil import today

DEMO_NAME = "Service desk platform migration"
DEMO_USERS = (
    ("admin@demo.adkar.test", "admin", "Alex Admin"),
    ("practitioner@demo.adkar.test", "practitioner", "Priya Practitioner"),
    ("sponsor@demo.adkar.test", "sponsor", "Sam Sponsor"),
)
# name, headcount, description, how fast readiness grows (0..1), the element that lags
DEMO_GROUPS = (
    ("Service desk agents", 120, "First-line agents moving to the new ticketing platform.", 0.9, "ability"),
    ("Team leads", 18, "Lead the agents day to day and approve changes.", 1.0, "knowledge"),
    ("Field engineers", 64, "Work tickets on site from the mobile app.", 0.6, "desire"),
    ("Change advisory board", 9, "Approves standard and normal changes.", 0.8, "reinforcement"),
    ("Finance approvers", 36, "Approve purchase requests raised from tickets.", 0.45, "awareness"),
    (
        "Executive assistants",
        4,
        "Raise requests for executives (fewer than k: always suppressed).",
        0.7,
        "ability",
    ),
)
# days from go-live the wave closes, survey, share of the group that answers
DEMO_WAVES = (
    ("Baseline assessment", -130, "adkar-assessment", 0.72),
    ("Pulse before UAT", -75, "adkar-pulse", 0.64),
    ("Pulse before training", -42, "adkar-pulse", 0.61),
    ("Readiness before go-live", -23, "adkar-assessment", 0.5),
)


def load_demo(*, password: str) -> bool:
    """Create the demo once; returns False when it exists already."""
    if db.session.scalar(select(Initiative.id).where(Initiative.name == DEMO_NAME)) is not None:
        return False
    users = {role: _user(email, role, name, password) for email, role, name in DEMO_USERS}
    owner = users["practitioner"]
    go_live = today() + timedelta(days=28)
    initiative = plan.create_initiative(
        owner=owner,
        name=DEMO_NAME,
        approach="sequential",
        go_live=go_live,
        description=(
            "Moving the IT service desk from the legacy ticketing tool to a new service-management platform: "
            "new incident and request flows, a self-service portal and a mobile app for field engineers."
        ),
        use_template=True,
    )
    plan.add_member(initiative=initiative, actor=owner, email=users["sponsor"].email, role="sponsor")
    groups = plan.create_groups(
        initiative=initiative,
        actor=owner,
        rows=[{"name": n, "headcount": h, "description": d} for n, h, d, _, _ in DEMO_GROUPS],
    )
    _load_waves(
        initiative,
        owner,
        groups,
        DEMO_GROUPS,
        DEMO_WAVES,
        purpose="Tell us how ready you feel for the new service desk platform.",
        rng=random.Random(20261122),  # noqa: S311 - demo data, not security
    )
    _load_rosters(groups, owner)
    _load_action_and_adoption_demo(initiative, groups, owner, users["sponsor"])
    _load_kpi_demo(owner)
    _load_governance_demo(owner, users["sponsor"])
    _load_stage_demo(owner, users["sponsor"])
    return True


# Rosters: per group, how many people are on it (the first names below, in turn), and whether the headcount
# follows it. The two smallest groups are on their rosters in full; the others have a few people so far.
DEMO_ROSTERS = {
    "Service desk agents": (6, False),
    "Team leads": (4, False),
    "Field engineers": (5, False),
    "Change advisory board": (9, True),
    "Finance approvers": (3, False),
    "Executive assistants": (4, True),
}
DEMO_PEOPLE = (
    ("Ana", "García", "en", "Madrid"),
    ("Luc", "Martin", "fr", "Lyon"),
    ("Jonas", "Weber", "de", "Köln"),
    ("Priya", "Shah", "en", "London"),
    ("Chloé", "Dubois", "fr", "Genève"),
    ("Lena", "Fischer", "de", "Zürich"),
    ("Tom", "Okafor", "en", "Leeds"),
    ("Inès", "Moreau", "fr", "Bruxelles"),
    ("Max", "Schulz", "de", "Wien"),
)


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def _load_rosters(groups, owner: User) -> None:
    """Small rosters with clearly fake addresses (example.com), so the roster page and its exports show data."""
    from .plan.roster import services as rosters

    people = iter(DEMO_PEOPLE * len(groups))
    for group in groups:
        size, follows = DEMO_ROSTERS[group.name]
        team = group.name.split()[0].lower()
        rows = [
            {
                "email": _ascii(f"{first}.{last}.{team}@example.com").lower(),
                "name": f"{first} {last}",
                "language": language,
                "attributes": {"location": location},
            }
            for first, last, language, location in (next(people) for _ in range(size))
        ]
        if follows:
            rosters.set_headcount_follows_roster(group=group, actor=owner, follows=True)
        rosters.replace_roster(group=group, rows=rows, actor=owner, source="demo")


# name, unit, direction, baseline, target, days from go-live it is due, legacy, source,
# then (days from go-live, value) measurements: the portal's tickets resolve faster after go-live.
DEMO_KPIS = (
    (
        "Ticket resolution hours",
        "hours",
        "decrease",
        30.0,
        18.0,
        90,
        False,
        "ITSM report: mean hours from open to resolved",
        ((-28, 31.0), (-21, 30.0), (-14, 30.5), (-7, 29.5), (0, 29.0), (7, 27.0), (14, 24.5), (21, 22.5)),
    ),
    (
        "First-contact resolution",
        "%",
        "increase",
        58.0,
        70.0,
        60,
        False,
        "ITSM report: share resolved by the first agent",
        ((-21, 58.0), (-7, 59.0), (0, 60.0), (7, 64.0), (14, 67.5), (21, 70.5)),
    ),
    (
        "Calls to the old hotline",
        "per week",
        "decrease",
        420.0,
        None,
        None,
        True,  # the portal replaces the hotline: a legacy measure the change is meant to empty
        "Telephony report",
        ((-14, 425.0), (0, 410.0), (14, 260.0), (21, 190.0)),
    ),
)


def _load_kpi_demo(owner: User) -> None:
    """Outcome KPIs and a benefit for the portal (live three weeks), and a KPI without data for the migration."""
    from .kpis import services as kpis
    from .kpis.measurements import import_measurements

    portal = db.session.scalar(select(Initiative).where(Initiative.name == PORTFOLIO_NAME))
    migration = db.session.scalar(select(Initiative).where(Initiative.name == DEMO_NAME))
    if portal is not None:
        rows = []
        for name, unit, direction, baseline, target, due, legacy, source, points in DEMO_KPIS:
            kpi = kpis.create_kpi(
                initiative=portal,
                actor=owner,
                name=name,
                unit=unit,
                direction=direction,
                baseline=baseline,
                target=target,
                owner="Priya Practitioner",
                due_on=None if due is None else portal.go_live + timedelta(days=due),
                source=source,
                legacy=legacy,
                explanation="",
            )
            rows += [
                {"kpi_id": kpi.id, "day": min(portal.go_live + timedelta(days=d), today()), "value": v}
                for d, v in points
            ]
        import_measurements(initiative=portal, actor=owner, rows=rows, source="demo")
        kpis.create_benefit(
            initiative=portal,
            actor=owner,
            name="Service desk cost saved per year",
            unit="EUR",
            baseline=0,
            target=120_000,
            forecast=95_000,
            actual=40_000,
        )
    if migration is not None:
        kpis.create_kpi(
            initiative=migration,
            actor=owner,
            name="Platform uptime",
            unit="%",
            direction="increase",
            baseline=99.2,
            target=99.9,
            owner="Operations lead",
            due_on=migration.go_live + timedelta(days=60),
            source="Monitoring",
            legacy=False,
            explanation="",
        )


def _load_governance_demo(owner: User, sponsor: User) -> None:
    """Stages through the rules themselves: the migration is Decided (the sponsor approved it) and waits on the
    sponsor's operations sign-off for go-live; the portal is Implemented and waits on its controller."""
    from .governance import services as governance
    from .readiness.figures import gate, initiative_report

    migration = db.session.scalar(select(Initiative).where(Initiative.name == DEMO_NAME))
    portal = db.session.scalar(select(Initiative).where(Initiative.name == PORTFOLIO_NAME))
    for initiative in (migration, portal):
        if initiative is None:
            continue
        governance.advance(
            initiative=initiative, to="detailed", actor=owner, note="Groups, milestones and targets agreed."
        )
        approval = governance.name_sign_off(
            initiative=initiative, stage="decided", role="sponsor", approver_id=sponsor.id, actor=owner
        )
        governance.decide(
            sign_off=approval, actor=sponsor, decision="approved", comment="Budget and scope agreed."
        )
        governance.advance(initiative=initiative, to="decided", actor=owner)
    if migration is not None:
        governance.name_sign_off(
            initiative=migration, stage="implemented", role="operations", approver_id=sponsor.id, actor=owner
        )
    if portal is not None:
        go_live = next(m for m in reversed(portal.milestones) if m.kind == "go-live")
        status = gate(go_live, initiative_report(portal))["status"]
        if status != "ready":
            plan.override_gate(
                milestone=go_live,
                actor=owner,
                computed_status=status,
                justification="Went live on the business date; floor-walkers and daily clinics cover the gap.",
            )
        governance.advance(
            initiative=portal, to="implemented", actor=owner, note="Live since go-live; hypercare under way."
        )
        governance.name_sign_off(
            initiative=portal, stage="closed", role="controller", approver_id=owner.id, actor=owner
        )


# Three small initiatives beside the two above, so the portfolio shows one in each of the five stages.
STAGE_DEMO = (
    ("Knowledge base refresh", "defined", 120, "Rewriting the service desk's knowledge articles."),
    ("Asset inventory clean-up", "detailed", 75, "One inventory of laptops and phones, owner by owner."),
    ("Fax line retirement", "closed", -90, "Switching off the last fax lines; orders now come by e-mail."),
)


def _load_stage_demo(owner: User, sponsor: User) -> None:
    """Each initiative reaches its stage through the rules: groups and a go-live to be detailed, an approved
    sponsor sign-off to be decided, an overridden gate to be implemented, the controller's approval to close."""
    from .governance import services as governance

    order = ("defined", "detailed", "decided", "implemented", "closed")
    for name, stage, go_live_days, description in STAGE_DEMO:
        initiative = plan.create_initiative(
            owner=owner,
            name=name,
            approach="sequential",
            go_live=today() + timedelta(days=go_live_days),
            description=description,
            use_template=stage != "defined",
        )
        plan.add_member(initiative=initiative, actor=owner, email=sponsor.email, role="sponsor")
        if stage == "defined":
            continue
        plan.create_groups(
            initiative=initiative, actor=owner, rows=[{"name": "Service desk agents", "headcount": 40}]
        )
        reached = order.index(stage)
        governance.advance(initiative=initiative, to="detailed", actor=owner, note="Plan agreed.")
        if reached >= order.index("decided"):
            approval = governance.name_sign_off(
                initiative=initiative, stage="decided", role="sponsor", approver_id=sponsor.id, actor=owner
            )
            governance.decide(sign_off=approval, actor=sponsor, decision="approved", comment="Go ahead.")
            governance.advance(initiative=initiative, to="decided", actor=owner)
        if reached >= order.index("implemented"):
            go_live = next(m for m in reversed(initiative.milestones) if m.kind == "go-live")
            plan.override_gate(
                milestone=go_live,
                actor=owner,
                computed_status="no_data",
                justification="A small technical change: the teams were briefed in person, no survey was run.",
            )
            governance.advance(initiative=initiative, to="implemented", actor=owner)
        if reached >= order.index("closed"):
            controller = governance.name_sign_off(
                initiative=initiative, stage="closed", role="controller", approver_id=sponsor.id, actor=owner
            )
            governance.decide(
                sign_off=controller, actor=sponsor, decision="approved", comment="Line costs stopped in May."
            )
            governance.advance(initiative=initiative, to="closed", actor=owner, note="Value verified.")


def _load_waves(
    initiative: Initiative,
    owner: User,
    groups,
    profiles,
    planned,
    *,
    purpose: str,
    rng: random.Random,
    comments: tuple[str, ...] | None = None,
) -> None:
    """Closed (or open) waves with imported answers; readiness grows from wave to wave.

    profiles: per group (name, headcount, description, how fast readiness grows, the element that lags);
    planned: per wave (name, days from go-live it closes, survey, share of the group that answers).
    """
    for index, (name, days, survey_key, answer_share) in enumerate(planned):
        closes = initiative.go_live + timedelta(days=days)
        wave = waves.create_wave(
            initiative=initiative,
            actor=owner,
            name=name,
            survey_key=survey_key,
            opens_on=closes - timedelta(days=14),
            closes_on=closes,
            group_ids=[g.id for g in groups],
            purpose=purpose,
        )
        progress = (index + 1) / len(planned)
        for group, (_, headcount, _, speed, lagging) in zip(groups, profiles, strict=True):
            _invite(wave.id, group.id, headcount)
            answered = max(1, round(headcount * answer_share * rng.uniform(0.85, 1.1)))
            rows = [
                _answers(survey_key, progress * speed, lagging, rng, comments)
                for _ in range(min(answered, headcount))
            ]
            responses.store_imported(wave_id=wave.id, group_id=group.id, rows=rows)


def _invite(wave_id: int, group_id: int, count: int) -> None:
    """Record invitations as issued (their links were never handed out: the demo imports answers)."""
    begin_write()
    db.session.add_all(
        Invitation(
            wave_id=wave_id, group_id=group_id, token_hash=responses.hash_key(secrets.token_urlsafe(24))
        )
        for _ in range(count)
    )
    db.session.execute(
        update(WaveGroup)
        .where(WaveGroup.wave_id == wave_id, WaveGroup.group_id == group_id)
        .values(invited=WaveGroup.invited + count)
    )
    db.session.commit()


def _user(email: str, role: str, name: str, password: str) -> User:
    existing = db.session.scalar(select(User).where(User.email == email))
    return existing or accounts.create_user(email=email, role=role, password=password, name=name)


DEMO_COMMENTS = (
    "The new portal looks good but I have not had time to practise yet.",
    "Please keep the old tool read-only for a few weeks after go-live.",
    "Training was useful; the mobile app still crashes on my phone.",
    "Not clear why we are changing now, in our busiest quarter.",
    "My team lead walked us through the new flows, that helped a lot.",
)


def _answers(
    survey_key: str,
    readiness: float,
    lagging: str,
    rng: random.Random,
    comments: tuple[str, ...] | None = None,
):
    """One plausible respondent: higher agreement as readiness grows, the lagging element behind."""
    definition = registry.get(survey_key)
    if definition is None:
        raise LookupError(f"the demo's survey {survey_key!r} is not installed")
    answers: dict = {}
    for item in definition.scored_items:
        level = readiness - (0.25 if item.element == lagging else 0.0)
        centre = 2.2 + 2.6 * max(0.0, min(1.0, level))
        answers[item.id] = max(1, min(5, round(rng.gauss(centre, 0.9))))
    comment = rng.choice(comments or DEMO_COMMENTS) if rng.random() < 0.2 else None
    return answers, score(definition, answers), comment


# --- action plans, resistance, usage, change records and a second initiative (the portfolio) ----------------

# group, element, library title (None: written by hand), owner, start and due (days from go-live), status
DEMO_ACTIONS = (
    (
        "Finance approvers",
        "awareness",
        "Sponsor message on why we are changing",
        "Dana Whitfield (CFO)",
        -70,
        7,
        "in_progress",
    ),
    (
        "Finance approvers",
        "awareness",
        "Manager briefing with talking points",
        "Finance team leads",
        -26,
        -14,
        "planned",
    ),
    (
        "Field engineers",
        "desire",
        "Involve people in design and testing",
        "Marco Ruiz (field lead)",
        -100,
        -80,
        "done",
    ),
    (
        "Field engineers",
        "desire",
        "Manager conversations on what is in it for them",
        "Field team leads",
        -60,
        0,
        "in_progress",
    ),
    (
        "Service desk agents",
        "ability",
        "Practice time in a sandbox",
        "Service desk manager",
        -30,
        -2,
        "in_progress",
    ),
    (
        "Service desk agents",
        "ability",
        "Floor-walkers during go-live",
        "Super-user network",
        0,
        14,
        "planned",
    ),
)
# group, what, reason, people, response, status, days from go-live
DEMO_RESISTANCE = (
    (
        "Field engineers",
        "Closing jobs in the mobile app instead of on paper job sheets",
        "job_changes",
        14,
        "Team leads pair with each engineer for their first week; paper sheets accepted until hypercare ends.",
        "open",
        -35,
    ),
    (
        "Finance approvers",
        "Approving purchase requests from tickets instead of by email",
        "awareness_of_why",
        9,
        "The CFO explained the audit findings behind the change; the finance lead runs a Q&A.",
        "addressed",
        -50,
    ),
)
# A pilot before go-live: group, active users per week over the last six weeks (oldest first)
DEMO_PILOT_USAGE = (
    ("Service desk agents", (6, 11, 17, 22, 26, 31)),
    ("Team leads", (2, 4, 6, 7, 9, 10)),
)
# milestone kind, number, type, state
DEMO_CHANGES = (
    ("uat", "CHG0031102", "normal", "closed"),
    ("go-live", "CHG0031234", "normal", "scheduled"),
)
PORTFOLIO_NAME = "Self-service portal rollout"
# The portal went live three weeks ago: its later releases still overlap the migration in the portfolio.
PORTFOLIO_GO_LIVE_DAYS_AGO = 21
# name, headcount, description, how fast readiness grows (0..1), the element that lags
PORTFOLIO_GROUPS = (
    ("Service desk agents", 120, "Answer portal requests and publish knowledge articles.", 0.95, "ability"),
    # Spelt differently from "Team leads": the portfolio still shows one row for both.
    ("Team Leads", 18, "Approve portal request types for their teams.", 1.0, "reinforcement"),
    ("Finance approvers", 36, "Approve purchases raised from the portal.", 0.85, "knowledge"),
    ("HR business partners", 12, "Publish HR request forms on the portal.", 0.7, "desire"),
)
# days from go-live the wave closes, survey, share of the group that answers (all closed by today)
PORTFOLIO_WAVES = (
    ("Portal baseline", -75, "adkar-assessment", 0.7),
    ("Portal pulse before go-live", -10, "adkar-pulse", 0.62),
    ("Portal pulse after go-live", 14, "adkar-pulse", 0.55),
)
PORTFOLIO_COMMENTS = (
    "Raising a request on the portal is quicker than emailing the desk.",
    "I could not find the HR forms at first; the search helped.",
    "Please add the status of my request to the confirmation email.",
    "The knowledge articles answered my question without a ticket.",
)
# Usage after go-live: days from go-live, then active users per group in PORTFOLIO_GROUPS order.
# Day -7 is a pilot (shown, never counted). Overall 153 of 186 (82%) on day 14 reaches the 80% target:
# speed of adoption 14 days; the latest day gives 165 of 186 (89%), the ultimate utilisation.
# HR business partners stay at 9 of 12 (75%), a group still short of the target.
PORTFOLIO_USAGE = (
    (-7, (12, 4, 0, 0)),
    (0, (40, 8, 6, 2)),
    (3, (62, 11, 12, 4)),
    (7, (81, 13, 19, 6)),
    (10, (92, 15, 24, 7)),
    (14, (101, 16, 28, 8)),
    (17, (104, 16, 30, 9)),
    (21, (108, 17, 31, 9)),
)


def _load_action_and_adoption_demo(initiative: Initiative, groups, owner: User, sponsor: User) -> None:
    from .actions import library
    from .actions import services as actions
    from .adoption import services as adoption
    from .changes import services as change_records

    if not library.entries():
        library.restore_suggestions(actor=None)
    go_live = initiative.go_live
    by_name = {g.name: g for g in groups}
    titles = {(e.element, e.title): e for e in library.entries()}
    for group, element, title, person, start, due, status in DEMO_ACTIONS:
        entry = titles.get((element, title))
        actions.create_action(
            group=by_name[group],
            actor=owner,
            element=element,
            what=entry.title if entry else title,
            owner=person,
            starts_on=go_live + timedelta(days=start),
            due_on=go_live + timedelta(days=due),
            status=status,
            library_entry_id=entry.id if entry else None,
        )
    for group, what, reason, people, response, status, days in DEMO_RESISTANCE:
        actions.create_resistance(
            group=by_name[group],
            actor=owner,
            what=what,
            reason=reason,
            people=people,
            response=response,
            status=status,
            logged_on=go_live + timedelta(days=days),
        )
    now = today()
    rows = [
        {
            "group_id": by_name[group].id,
            "day": now - timedelta(days=7 * (len(weekly) - 1 - i)),
            "active_users": active,
        }
        for group, weekly in DEMO_PILOT_USAGE
        for i, active in enumerate(weekly)
    ]
    adoption.import_figures(initiative=initiative, actor=owner, rows=rows, source="demo")
    milestones = {m.kind: m for m in initiative.milestones}
    for kind, number, change_type, state in DEMO_CHANGES:
        if kind in milestones:
            change_records.set_change_record(
                milestone=milestones[kind],
                actor=owner,
                number=number,
                change_type=change_type,
                state=state,
                url=f"https://itsm.example.com/change/{number}",
            )
    _load_portfolio_demo(owner, sponsor)


def _load_portfolio_demo(owner: User, sponsor: User) -> None:
    """The second initiative: live for three weeks, surveyed before and after go-live, usage past the target."""
    from .adoption import services as adoption

    if db.session.scalar(select(Initiative.id).where(Initiative.name == PORTFOLIO_NAME)) is not None:
        return
    go_live = today() - timedelta(days=PORTFOLIO_GO_LIVE_DAYS_AGO)
    portal = plan.create_initiative(
        owner=owner,
        name=PORTFOLIO_NAME,
        approach="iterative",
        go_live=go_live,
        description="A self-service portal where employees raise requests and find answers themselves.",
        use_template=True,
    )
    plan.add_member(initiative=portal, actor=owner, email=sponsor.email, role="sponsor")
    groups = plan.create_groups(
        initiative=portal,
        actor=owner,
        rows=[{"name": n, "headcount": h, "description": d} for n, h, d, _, _ in PORTFOLIO_GROUPS],
    )
    _load_waves(
        portal,
        owner,
        groups,
        PORTFOLIO_GROUPS,
        PORTFOLIO_WAVES,
        purpose="Tell us how the new self-service portal works for you.",
        rng=random.Random(20260301),  # noqa: S311 - demo data, not security
        comments=PORTFOLIO_COMMENTS,
    )
    rows = [
        {"group_id": group.id, "day": go_live + timedelta(days=days), "active_users": active}
        for days, actives in PORTFOLIO_USAGE
        for group, active in zip(groups, actives, strict=True)
        if active
    ]
    adoption.import_figures(initiative=portal, actor=owner, rows=rows, source="demo")
