"""Every route, every method, every kind of visitor: who may see and change what.

The walker reads app.url_map, so routes added later are covered without editing this file; a new URL
parameter name needs one line in `parameter_values`. Ids always point at objects of the OWNER's initiative:
- anonymous visitors are sent to sign in (pages) or get 401 (API), except on the PUBLIC routes;
- a practitioner of another initiative gets 404 on anything about the owner's initiative;
- the initiative's sponsor reads its pages (200) but never changes anything (403/404/405, database unchanged);
- only admins reach /admin/;
- the action library is shared by every initiative: every signed-in user reads it, practitioners and admins
  (of any initiative) change it, sponsors never do.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.routing import Rule
from werkzeug.routing.converters import AnyConverter

from adkar.accounts.services import create_api_token, hash_token
from adkar.actions import library as action_library
from adkar.actions import services as actions
from adkar.adoption import services as adoption
from adkar.adoption.models import UsageFigure
from adkar.changes.services import set_change_record
from adkar.extensions import db
from adkar.governance import links as sign_off_links
from adkar.governance import services as governance
from adkar.jobs.models import Job
from adkar.kpis import services as kpis
from adkar.kpis.measurements import import_measurements
from adkar.kpis.models import KpiMeasurement
from adkar.plan.models import GateOverride
from adkar.plan.roster import services as rosters
from adkar.surveys.models import Invitation, PulseSeries, Wave, WaveGroup
from adkar.surveys.responses import export_jobs, job_files
from adkar.webhooks import services as webhooks

from .accounts.helpers import signed_in
from .factories import Factory

log = logging.getLogger(__name__)

# Routes anyone may use: signing in (with a password or the identity provider), the API description, and the respondents' survey pages.
PUBLIC_RULES = frozenset(
    {"/login", "/login/oidc", "/login/oidc/callback", "/api/v1/openapi.json", "/thank-you"}
)
PUBLIC_PREFIXES = ("/static/", "/s/", "/o/", "/u/")
# ITSM tools post here with the shared secret (adkar.changes.inbound), not as a user: every visitor, signed in or
# holding any user's token, is refused with 401 and changes nothing (test_secret_routes_refuse_every_user).
SECRET_RULES = frozenset({"/api/v1/integrations/servicenow", "/api/v1/integrations/jsm"})
# A signed-in user's own housekeeping, which a sponsor may do too.
SELF_SERVICE_RULES = frozenset(
    {"/logout", "/account/password", "/account/tokens", "/account/alerts", "/account/csv-style"}
)
# A reader asking for a file of what they may read (a large initiative's report): it queues a job, nothing else.
READER_REQUESTS = frozenset({"/initiatives/<int:initiative_id>/reports"})
STATE_CHANGING = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# Parameters naming something that belongs to an initiative (and so to its owner).
INITIATIVE_SCOPED = frozenset(
    {
        "initiative_id",
        "group_id",
        "milestone_id",
        "wave_id",
        "invitation_id",
        "override_id",
        "action_id",
        "resistance_id",
        "figure_id",
        "sign_off_id",
        "kpi_id",
        "measurement_id",
        "benefit_id",
        "member_id",
        "response_id",
        "job_id",
        "series_id",
        "participant_id",
    }
)
# Parameters naming something shared by every initiative: the action library's entries.
SHARED = frozenset({"entry_id"})
SHARED_PREFIXES = ("/action-library", "/api/v1/action-library")
# Parameters naming something that belongs to a person (the owner's token, a member's account, the link
# e-mailed to the owner to decide a sign-off).
PERSONAL = frozenset({"token_id", "user_id", "link_token"})
# Parameters naming something of the installation's administration (webhook endpoints and deliveries).
ADMIN_ONLY = frozenset({"endpoint_id", "delivery_id"})
# GET pages a sponsor may be refused (403): forms for changes, file downloads, the audit trail (kept for
# the people who change the plan; sponsors see gate decisions on the dashboard), and a group's roster of
# participants (people's e-mail addresses: personal data, for those who run the change).
WRITE_FORM_SEGMENTS = frozenset(
    {
        "new",
        "edit",
        "delete",
        "import",
        "override",
        "close",
        "links",
        "emails",
        "audit",
        "participants",
        "download",  # a background export's file: response data, like the direct .csv/.xlsx downloads
    }
)
# SCIM provisioning answers only the directory's own bearer token (test_scim_answers_only_its_token).
SCIM_PREFIX = "/scim/v2/"
DOWNLOAD_SUFFIXES = (".csv", ".xlsx", ".json", ".html", ".pdf", ".png")
VOLATILE_COLUMNS = frozenset({("api_tokens", "last_used_at")})


@dataclass
class World:
    """The owner's initiative with one of everything, and the people around it."""

    ids: dict[str, int] = field(default_factory=dict)
    emails: dict[str, str] = field(default_factory=dict)
    api_tokens: dict[str, str] = field(default_factory=dict)
    link_token: str = ""


def build_world(app: Flask) -> World:
    world = World()
    with app.app_context():
        factory = Factory()
        people = {
            name: factory.user(role, email=f"{name}@access.test")
            for name, role in [
                ("admin", "admin"),
                ("owner", "practitioner"),
                ("other", "practitioner"),
                ("sponsor", "sponsor"),
                ("member", "sponsor"),
            ]
        }
        initiative = factory.initiative(
            people["owner"], name="Owner's rollout", sponsors=(people["sponsor"], people["member"])
        )
        others = factory.initiative(people["other"], name="Other's rollout")
        group = factory.group(initiative, name="Service desk")
        milestone = factory.milestone(initiative, groups=(group,))
        wave = Wave(
            initiative_id=initiative.id,
            name="Baseline pulse",
            survey_key="adkar-pulse",
            opens_on=date.today() - timedelta(days=7),
            closes_on=date.today() + timedelta(days=7),
            milestone_id=milestone.id,
        )
        db.session.add(wave)
        db.session.flush()
        db.session.add(WaveGroup(wave_id=wave.id, group_id=group.id, invited=12))
        invitation = Invitation(
            wave_id=wave.id,
            group_id=group.id,
            token_hash=hash_token(secrets.token_urlsafe(24)),
            email="x@access.test",
        )
        override = GateOverride(
            milestone_id=milestone.id,
            user_id=people["owner"].id,
            computed_status="not_ready",
            justification="Training finished late; the sponsor accepted the risk.",
        )
        db.session.add_all([invitation, override])
        db.session.commit()
        owner = people["owner"]
        entry = action_library.create_entry(
            actor=owner, element="ability", title="Access-map drill", description="Practise the new screens."
        )
        action = actions.create_action(
            group=group,
            actor=owner,
            element="ability",
            what="Hands-on lab for the service desk",
            owner="Team lead",
            starts_on=date.today() - timedelta(days=3),
            due_on=date.today() + timedelta(days=10),
            library_entry_id=entry.id,
        )
        resistance = actions.create_resistance(
            group=group,
            actor=owner,
            what="Agents keep the old tool open",
            reason="fear_of_unknown",
            people=3,
            response="Daily floor-walker",
            logged_on=date.today() - timedelta(days=1),
        )
        adoption.import_figures(
            initiative=initiative,
            actor=owner,
            rows=[{"group_id": group.id, "day": date.today() - timedelta(days=1), "active_users": 5}],
            source="api",
        )
        figure_id = db.session.scalar(select(UsageFigure.id).where(UsageFigure.group_id == group.id))
        set_change_record(
            milestone=milestone, actor=owner, number="CHG0031234", change_type="normal", state="scheduled"
        )
        # The owner decides this sign-off, so the sponsor (who is not named) must be refused.
        sign_off = governance.name_sign_off(
            initiative=initiative, stage="decided", role="change_manager", approver_id=owner.id, actor=owner
        )
        world.link_token = sign_off_links.issue(sign_off.id)
        kpi = kpis.create_kpi(
            initiative=initiative,
            actor=owner,
            name="Ticket resolution hours",
            unit="hours",
            direction="decrease",
            baseline=30,
            target=18,
            owner="Service desk lead",
            due_on=date.today() + timedelta(days=60),
            source="ITSM",
            legacy=False,
            explanation="",
        )
        import_measurements(
            initiative=initiative,
            actor=owner,
            rows=[{"kpi_id": kpi.id, "day": date.today() - timedelta(days=2), "value": 26}],
            source="csv",
        )
        measurement_id = db.session.scalar(select(KpiMeasurement.id).where(KpiMeasurement.kpi_id == kpi.id))
        benefit = kpis.create_benefit(
            initiative=initiative,
            actor=owner,
            name="Cost saved",
            unit="EUR",
            baseline=0,
            target=100000,
            forecast=80000,
            actual=None,
        )
        (job_files.exports_dir() / "access-map.csv").write_text("group,day\n")
        job = Job(  # a finished background export, so its download is a page the owner reaches
            kind=export_jobs.EXPORT_KIND,
            status="done",
            initiative_id=initiative.id,
            wave_id=wave.id,
            created_by=people["owner"].id,
            params={
                "format": "csv",
                "download": "access-map.csv",
                "filename": "responses.csv",
                "mimetype": "text/csv",
            },
        )
        pulse = PulseSeries(
            initiative_id=initiative.id,
            name="Pulse",
            survey_key="adkar-pulse",
            group_ids=[group.id],
            every_days=21,
            open_days=7,
            starts_on=date.today(),
            ends_on=date.today() + timedelta(days=90),
            next_opens_on=date.today(),
        )
        db.session.add_all([job, pulse])
        db.session.flush()
        participant = rosters.add_participant(group=group, actor=owner, email="ana@example.com", name="Ana")
        endpoint, _ = webhooks.create_endpoint(
            actor=people["admin"], url="https://hooks.example.test/adkar", initiative_id=initiative.id
        )
        delivery = webhooks.queue_test_event(endpoint=endpoint, actor=people["admin"])
        owner_token, _ = create_api_token(user=people["owner"], name="owner's script")
        for name, person in people.items():
            world.emails[name] = person.email
            world.ids[f"user:{name}"] = person.id
            world.api_tokens[name] = create_api_token(user=person, name="access map")[1]
        world.ids |= {
            "initiative_id": initiative.id,
            "group_id": group.id,
            "milestone_id": milestone.id,
            "wave_id": wave.id,
            "invitation_id": invitation.id,
            "override_id": override.id,
            "token_id": owner_token.id,
            "user_id": people["member"].id,
            "member_id": people["member"].id,
            "action_id": action.id,
            "resistance_id": resistance.id,
            "figure_id": figure_id,
            "sign_off_id": sign_off.id,
            "kpi_id": kpi.id,
            "measurement_id": measurement_id,
            "benefit_id": benefit.id,
            "participant_id": participant.id,
            "entry_id": entry.id,
            "job_id": job.id,
            "series_id": pulse.id,
            "endpoint_id": endpoint.id,
            "delivery_id": delivery.id,
            "initiative:other": others.id,  # not a URL parameter: the stranger's own initiative
        }
    return world


def parameter_values(world: World) -> dict[str, object]:
    """A value for every URL parameter name in use; add a line here when a new name appears."""
    return {
        **{
            name: world.ids[name]
            for name in INITIATIVE_SCOPED | PERSONAL | SHARED | ADMIN_ONLY
            if name in world.ids
        },
        "key": "adkar-pulse",
        "survey_key": "adkar-pulse",
        "token": secrets.token_urlsafe(24),
        "link_token": world.link_token,
        "element": "ability",
        "fmt": "csv",
        "format": "csv",
    }


@dataclass(frozen=True)
class Route:
    rule: Rule
    url: str
    methods: tuple[str, ...]
    unknown: frozenset[str]

    @property
    def params(self) -> frozenset[str]:
        return frozenset(self.rule.arguments)

    @property
    def is_api(self) -> bool:
        return self.rule.rule.startswith("/api/")

    @property
    def is_public(self) -> bool:
        return self.rule.rule in PUBLIC_RULES or self.rule.rule.startswith(PUBLIC_PREFIXES)

    @property
    def is_admin(self) -> bool:
        return self.rule.rule.startswith("/admin/")

    @property
    def about_initiative(self) -> bool:
        return bool(self.params & INITIATIVE_SCOPED)

    @property
    def is_shared(self) -> bool:
        """About the action library, which belongs to no initiative."""
        return bool(self.params & SHARED) or self.rule.rule.startswith(SHARED_PREFIXES)

    @property
    def sponsor_may_be_refused_on_get(self) -> bool:
        segments = set(self.rule.rule.replace(".", "/").split("/"))
        return bool(segments & WRITE_FORM_SEGMENTS) or self.rule.rule.endswith(DOWNLOAD_SUFFIXES)

    def __str__(self) -> str:
        return self.rule.rule


def walk(app: Flask, world: World) -> list[Route]:
    """Every rule except static files, with its parameters filled from the world."""
    values = parameter_values(world)
    routes = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static" or rule.rule.startswith(SCIM_PREFIX):
            continue
        filled, unknown = {}, set()
        for name in rule.arguments:
            converter = rule._converters.get(name)
            if isinstance(converter, AnyConverter):
                filled[name] = sorted(converter.items)[0]
            elif name in values:
                filled[name] = values[name]
            else:
                log.warning("access map: no value for URL parameter %r of %s; using 1", name, rule.rule)
                filled[name], _ = 1, unknown.add(name)
        built = rule.build(filled, append_unknown=False)
        assert built is not None, f"cannot build {rule.rule} from {filled}"
        methods = tuple(sorted(rule.methods - {"HEAD", "OPTIONS"}))
        routes.append(Route(rule=rule, url=built[1], methods=methods, unknown=frozenset(unknown)))
    assert len(routes) > 10, "the walker found suspiciously few routes"
    return routes


class Visitor:
    """One identity: a signed-in browser session for pages, a bearer token for the API."""

    def __init__(self, app: Flask, world: World, name: str | None):
        self.name = name or "anonymous"
        self.client: FlaskClient = signed_in(app, world.emails[name]) if name else app.test_client()
        self.api_client = app.test_client()
        self.headers = {"Authorization": f"Bearer {world.api_tokens[name]}"} if name else {}

    def request(self, route: Route, method: str):
        """The response, read and closed (file responses hold an open file until closed)."""
        if route.is_api:
            body = {"json": {}} if method in STATE_CHANGING else {}
            response = self.api_client.open(route.url, method=method, headers=self.headers, **body)
        else:
            body = {"data": {}} if method in STATE_CHANGING else {}
            response = self.client.open(route.url, method=method, **body)
        response.get_data()
        response.close()
        return response


def snapshot(app: Flask) -> dict[str, list[str]]:
    """Every row of every table (less columns that record harmless reads)."""
    with app.app_context():
        state = {}
        for table in db.metadata.sorted_tables:
            columns = [c for c in table.columns if (table.name, c.name) not in VOLATILE_COLUMNS]
            state[table.name] = sorted(repr(tuple(row)) for row in db.session.execute(select(*columns)))
        db.session.rollback()
    return state


def changed_tables(before: dict, after: dict) -> list[str]:
    return [name for name in before if before[name] != after[name]]


def calls(routes: list[Route], predicate=lambda route, method: True) -> Iterator[tuple[Route, str]]:
    for route in routes:
        for method in route.methods:
            if predicate(route, method):
                yield route, method


def failures_message(failures: list[str]) -> str:
    return f"{len(failures)} access rule(s) broken:\n  " + "\n  ".join(failures)


@pytest.fixture
def world(app) -> World:
    return build_world(app)


@pytest.fixture
def routes(app, world) -> list[Route]:
    return walk(app, world)


def test_anonymous_visitors_are_sent_to_sign_in(app, world, routes):
    visitor = Visitor(app, world, None)
    before = snapshot(app)
    failures = []
    for route, method in calls(routes, lambda r, m: not r.is_public):
        response = visitor.request(route, method)
        if route.is_api:
            if response.status_code != 401:
                failures.append(f"{method} {route}: {response.status_code}, expected 401")
        elif response.status_code != 302 or "/login" not in response.headers.get("Location", ""):
            failures.append(f"{method} {route}: {response.status_code}, expected a redirect to /login")
    assert not failures, failures_message(failures)
    assert not changed_tables(before, snapshot(app))


def test_public_routes_need_no_sign_in(app, world, routes):
    visitor = Visitor(app, world, None)
    for route, method in calls(routes, lambda r, m: r.is_public and m == "GET" and not r.unknown):
        response = visitor.request(route, method)
        assert response.status_code < 500 and response.status_code not in (401, 403), (
            str(route),
            response.status_code,
        )
        if response.status_code == 302:
            assert "/login" not in response.headers["Location"], str(route)


def test_practitioner_of_another_initiative_sees_nothing_of_it(app, world, routes):
    visitor = Visitor(app, world, "other")
    before = snapshot(app)
    failures = []
    checked = list(
        calls(routes, lambda r, m: not r.is_public and (r.about_initiative or r.params & PERSONAL))
    )
    for route, method in checked:
        response = visitor.request(route, method)
        expected = (404,) if route.about_initiative else (403, 404)
        if response.status_code not in expected:
            failures.append(
                f"{method} {route}: {response.status_code}, expected {' or '.join(map(str, expected))}"
            )
    assert not failures, failures_message(failures)
    assert len(checked) >= 20, "the walker found suspiciously few routes about an initiative"
    assert not changed_tables(before, snapshot(app)), "a refused request changed the database"


def test_owner_reaches_every_page_of_their_initiative(app, world, routes):
    """The control for the 404s above: the same ids are real and open for their owner."""
    visitor = Visitor(app, world, "owner")
    failures = []
    checked = 0
    for route, method in calls(routes, lambda r, m: m == "GET" and not r.is_public and not r.is_admin):
        if route.unknown:
            log.warning("access map: %s not checked for the owner (unknown parameters)", route)
            continue
        response = visitor.request(route, method)
        checked += route.about_initiative
        if response.status_code in (401, 403, 404, 405) or response.status_code >= 500:
            failures.append(f"GET {route}: {response.status_code}")
    assert not failures, failures_message(failures)
    assert checked >= 5


@pytest.mark.parametrize("who", [None, "sponsor", "owner", "admin"])
def test_secret_routes_refuse_every_user(app, world, routes, who):
    visitor = Visitor(app, world, who)
    secret_routes = [r for r in routes if r.rule.rule in SECRET_RULES]
    assert len(secret_routes) == len(SECRET_RULES)
    before = snapshot(app)
    for route in secret_routes:
        assert visitor.request(route, "POST").status_code == 401, route
    assert not changed_tables(before, snapshot(app))


def test_sponsor_reads_but_never_changes(app, world, routes):
    visitor = Visitor(app, world, "sponsor")
    failures = []
    changes = list(
        calls(
            routes,
            lambda r, m: (
                m in STATE_CHANGING
                and not r.is_public
                and r.rule.rule not in SELF_SERVICE_RULES | READER_REQUESTS | SECRET_RULES
            ),
        )
    )
    assert len(changes) >= 10, "the walker found suspiciously few state-changing routes"
    for route, method in changes:
        before = snapshot(app)
        response = visitor.request(route, method)
        if response.status_code not in (403, 404, 405):
            failures.append(f"{method} {route}: {response.status_code}, expected 403, 404 or 405")
        changed = changed_tables(before, snapshot(app))
        if changed:
            failures.append(f"{method} {route}: changed {', '.join(changed)}")
    assert not failures, failures_message(failures)


def test_sponsor_opens_the_pages_of_the_sponsored_initiative(app, world, routes):
    visitor = Visitor(app, world, "sponsor")
    failures = []
    for route, method in calls(routes, lambda r, m: m == "GET" and not r.is_public and not r.is_admin):
        if route.unknown:
            continue
        response = visitor.request(route, method)
        status = response.status_code
        location = response.headers.get("Location", "")
        if status >= 500 or status in (401, 405):
            failures.append(f"GET {route}: {status}")
        elif route.about_initiative and status == 404:
            failures.append(f"GET {route}: 404 for the initiative's own sponsor")
        elif route.about_initiative and status == 403 and not route.sponsor_may_be_refused_on_get:
            failures.append(f"GET {route}: 403, but sponsors read every page of their initiative")
        elif status == 302 and "/login" in location:
            failures.append(f"GET {route}: sent a signed-in sponsor to sign in")
    assert not failures, failures_message(failures)


def test_only_admins_reach_admin_pages(app, world, routes):
    admin_routes = [r for r in routes if r.is_admin]
    assert admin_routes, "no /admin/ routes found"
    failures = []
    before = snapshot(app)
    for name in ("owner", "other", "sponsor"):
        visitor = Visitor(app, world, name)
        for route, method in calls(admin_routes):
            status = visitor.request(route, method).status_code
            if status != 403:
                failures.append(f"{name}: {method} {route}: {status}, expected 403")
    assert not failures, failures_message(failures)
    assert not changed_tables(before, snapshot(app))
    admin = Visitor(app, world, "admin")
    for route, method in calls(admin_routes, lambda r, m: m == "GET"):
        assert admin.request(route, method).status_code == 200, str(route)


def test_every_url_parameter_names_a_real_object(routes):
    """A parameter filled with a made-up 1 would make the 404s above hollow and skip the owner's checks."""
    guessed = sorted(f"{route}: {', '.join(sorted(route.unknown))}" for route in routes if route.unknown)
    assert not guessed, "URL parameters without a value in build_world/parameter_values:\n  " + "\n  ".join(
        guessed
    )


def test_a_stranger_cannot_reach_the_owners_objects_through_their_own_initiative(app, world, routes):
    """A URL naming the stranger's own (writable) initiative and an object of the owner's (a usage figure,
    say) is refused too: the object must belong to the initiative the URL names."""
    mixed = [r for r in routes if "initiative_id" in r.params and len(r.params & INITIATIVE_SCOPED) > 1]
    assert mixed, "no route names an initiative and one of its objects"
    visitor = Visitor(app, world, "other")
    before = snapshot(app)
    failures = []
    for route, method in calls(mixed):
        values = {**parameter_values(world), "initiative_id": world.ids["initiative:other"]}
        url = route.rule.build({name: values[name] for name in route.params}, append_unknown=False)[1]
        status = visitor.request(Route(route.rule, url, route.methods, route.unknown), method).status_code
        if status != 404:
            failures.append(f"{method} {url} ({route}): {status}, expected 404")
    assert not failures, failures_message(failures)
    assert not changed_tables(before, snapshot(app)), "a refused request changed the database"


# Routes that only change things, whose ids the owner's GET pages cannot vouch for: the owner's own calls
# (each deleting a leaf object built for the world) prove the ids name real objects of the initiative.
OWNER_DELETES = (
    "/api/v1/actions/<id:action_id>",
    "/api/v1/resistance/<id:resistance_id>",
    "/api/v1/usage-figures/<id:figure_id>",
    "/api/v1/milestones/<id:milestone_id>/change-record",
    "/api/v1/action-library/<id:entry_id>",
)


def test_the_ids_strangers_are_refused_are_real_for_the_owner(app, world, routes):
    """The control for the strangers' 404s on the issue-7 objects: the owner deletes each (204), then finds
    it gone (404), so the stranger was refused a real object of the initiative, not an id of nothing."""
    by_rule = {route.rule.rule: route for route in routes if "DELETE" in route.methods}
    owner = Visitor(app, world, "owner")
    change_record = owner.api_client.get(
        f"/api/v1/milestones/{world.ids['milestone_id']}/change-record", headers=owner.headers
    )
    assert change_record.status_code == 200 and change_record.get_json()["number"] == "CHG0031234"
    for rule in OWNER_DELETES:
        route = by_rule[rule]
        assert owner.request(route, "DELETE").status_code == 204, rule
        assert owner.request(route, "DELETE").status_code == 404, rule


def test_the_action_library_is_shared_read_by_all_changed_by_practitioners(app, world, routes):
    """Library entries belong to no initiative (adkar/actions/library_views.py, api/actions.py): every
    signed-in user reads them, any practitioner or admin (even of another initiative) edits them, and
    sponsors get 403 on every form and change."""
    shared = [route for route in routes if route.is_shared]
    assert {p for route in shared for p in route.params} == {"entry_id"}
    assert len(list(calls(shared))) >= 12, "the walker found suspiciously few action-library routes"
    failures = []
    for name in ("admin", "owner", "other", "sponsor", "member"):
        visitor = Visitor(app, world, name)
        sponsor = name in ("sponsor", "member")
        for route, method in calls(shared, lambda r, m: m == "GET"):
            status = visitor.request(route, method).status_code
            expected = 403 if sponsor and route.sponsor_may_be_refused_on_get else 200
            if status != expected:
                failures.append(f"{name}: GET {route}: {status}, expected {expected}")
        if sponsor:
            for route, method in calls(shared, lambda r, m: m in STATE_CHANGING):
                before = snapshot(app)
                status = visitor.request(route, method).status_code
                if status != 403:
                    failures.append(f"{name}: {method} {route}: {status}, expected 403")
                if changed := changed_tables(before, snapshot(app)):
                    failures.append(f"{name}: {method} {route}: changed {', '.join(changed)}")
    assert not failures, failures_message(failures)

    other = Visitor(app, world, "other")
    entry_url = f"/api/v1/action-library/{world.ids['entry_id']}"
    renamed = other.api_client.patch(entry_url, headers=other.headers, json={"title": "Renamed by other"})
    assert renamed.status_code == 200, renamed.get_json()
    edited = other.client.post(
        f"/action-library/{world.ids['entry_id']}/edit",
        data={"element": "ability", "title": "Edited by other", "description": ""},
    )
    assert edited.status_code == 302
    owner = Visitor(app, world, "owner")
    assert owner.api_client.get(entry_url, headers=owner.headers).get_json()["title"] == "Edited by other"


def test_scim_answers_only_its_token(app, world):
    """No person, signed in or with an API token, reaches the provisioning endpoints: 401, nothing changed."""
    scim_rules = [rule for rule in app.url_map.iter_rules() if rule.rule.startswith(SCIM_PREFIX)]
    assert len(scim_rules) >= 10
    before = snapshot(app)
    failures = []
    for name in (None, "admin", "owner", "sponsor"):
        visitor = Visitor(app, world, name)
        for rule in scim_rules:
            url = rule.build({name: "1" for name in rule.arguments}, append_unknown=False)[1]
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                body = {"json": {}} if method in STATE_CHANGING else {}
                for client, headers in ((visitor.client, {}), (visitor.api_client, visitor.headers)):
                    status = client.open(url, method=method, headers=headers, **body).status_code
                    if status != 401:
                        failures.append(f"{visitor.name}: {method} {url}: {status}, expected 401")
    assert not failures, failures_message(failures)
    assert not changed_tables(before, snapshot(app))
