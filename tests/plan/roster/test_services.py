"""Roster services: replaced whole or one person at a time, all or nothing, audited in counts, and the
headcount that follows the roster."""

from __future__ import annotations

import tomllib

import pytest
from sqlalchemy import select

from adkar.audit.models import AuditEvent
from adkar.extensions import db
from adkar.plan import services as plan
from adkar.plan.models import StakeholderGroup
from adkar.plan.roster import services
from adkar.plan.roster.models import LANGUAGES, Participant
from adkar.plan.roster.services import RosterRecipient
from adkar.resources import resource_dir
from adkar.validation import ValidationFailed


@pytest.fixture
def group(factory, cast) -> StakeholderGroup:
    return factory.group(cast.initiative, name="Service desk", headcount=40)


def stored(group_id: int) -> list[tuple[str, str, str, dict]]:
    db.session.expire_all()
    people = db.session.scalars(
        select(Participant).where(Participant.group_id == group_id).order_by(Participant.email)
    )
    return [(p.email, p.name, p.language, p.attributes) for p in people]


def headcount(group_id: int) -> int:
    db.session.expire_all()
    return db.session.get(StakeholderGroup, group_id).headcount


def failure(**kwargs) -> list[tuple[int | None, str | None, str]]:
    with pytest.raises(ValidationFailed) as caught:
        services.replace_roster(**kwargs)
    return [(p.row, p.field, p.message) for p in caught.value.problems]


def test_replace_normalises_and_stores_every_person(group, cast):
    change = services.replace_roster(
        group=group,
        actor=cast.owner,
        rows=[
            {"email": " Ana.Garcia@Example.COM ", "name": " Ana García ", "language": "fr-CA"},
            {"email": "Jörg@Bücher.de", "attributes": {"Department": "Field", "Cost centre": "4711"}},
            {"email": "lu@example.com", "language": "German", "attributes": {"site": "  "}},
        ],
    )
    assert (change.added, change.updated, change.removed, change.unchanged, change.total) == (3, 0, 0, 0, 3)
    assert stored(group.id) == [
        ("ana.garcia@example.com", "Ana García", "fr", {}),
        # internationalised addresses are kept as written (lower-cased), attribute names as headers are read
        ("jörg@bücher.de", "", "en", {"department": "Field", "cost_centre": "4711"}),
        ("lu@example.com", "", "de", {}),
    ]


def test_replace_keeps_people_by_address_updates_them_and_drops_the_rest(group, cast):
    services.replace_roster(
        group=group,
        actor=cast.owner,
        rows=[
            {"email": "a@example.com", "name": "A"},
            {"email": "b@example.com"},
            {"email": "c@example.com"},
        ],
    )
    kept_id = db.session.scalar(select(Participant.id).where(Participant.email == "a@example.com"))
    change = services.replace_roster(
        group=group,
        actor=cast.member,
        rows=[
            {"email": "A@example.com", "name": "Anna"},
            {"email": "b@example.com"},
            {"email": "d@example.com"},
        ],
    )
    assert (change.added, change.updated, change.removed, change.unchanged) == (1, 1, 1, 1)
    assert [email for email, *_ in stored(group.id)] == ["a@example.com", "b@example.com", "d@example.com"]
    assert db.session.scalar(select(Participant.id).where(Participant.email == "a@example.com")) == kept_id
    assert stored(group.id)[0][1] == "Anna"


def test_an_empty_list_empties_the_roster(group, cast):
    services.replace_roster(group=group, actor=cast.owner, rows=[{"email": "a@example.com"}])
    assert services.replace_roster(group=group, actor=cast.owner, rows=[]).removed == 1
    assert stored(group.id) == []


def test_a_bad_row_stores_nothing_and_every_problem_names_its_row(group, cast):
    services.replace_roster(group=group, actor=cast.owner, rows=[{"email": "kept@example.com"}])
    rows = [
        {"row": 2, "email": "ok@example.com"},
        {"row": 3, "email": "not an address"},
        {"row": 4, "email": "OK@example.com"},  # the same person as row 2, in other case
        {"row": 5, "email": "x@example.com", "language": "es"},
        {"row": 6, "email": ""},
        {"row": 7, "email": "y@example.com", "name": "n" * 201},
        {"row": 8, "email": "z@example.com", "attributes": {"email": "other@example.com"}},
    ]
    problems = failure(group=group, actor=cast.owner, rows=rows)
    assert [(row, field) for row, field, _ in problems] == [
        (3, "email"),
        (4, "email"),
        (5, "language"),
        (6, "email"),
        (7, "name"),
        (8, "attributes"),
    ]
    assert problems[1][2] == "“ok@example.com” appears twice (also row 2)."
    assert problems[2][2] == "“es” is not a language the surveys offer (en, fr, de)."
    assert stored(group.id) == [("kept@example.com", "", "en", {})]


def test_more_people_than_a_roster_holds_are_refused(group, cast, monkeypatch):
    monkeypatch.setattr(services, "MAX_PARTICIPANTS", 2)
    rows = [{"email": f"p{i}@example.com"} for i in range(3)]
    assert failure(group=group, actor=cast.owner, rows=rows) == [
        (None, None, "A roster holds at most 2 people; this one has 3.")
    ]


def test_the_audit_trail_holds_counts_never_addresses(group, cast):
    services.replace_roster(group=group, actor=cast.owner, rows=[{"email": "a@example.com", "name": "Ana"}])
    services.add_participant(group=group, actor=cast.owner, email="b@example.com", name="Bo")
    participant = db.session.scalars(select(Participant).where(Participant.email == "a@example.com")).one()
    services.remove_participant(participant=participant, actor=cast.owner)
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action.like("roster.%")).order_by(AuditEvent.id)
    )
    trail = [(e.action, e.target_type, e.target_id, e.detail) for e in events]
    assert trail == [
        (
            "roster.replace",
            "group",
            str(group.id),
            {"source": "api", "participants": 1, "added": 1, "updated": 0, "removed": 0},
        ),
        ("roster.add", "group", str(group.id), {"participants": 2}),
        ("roster.remove", "group", str(group.id), {"participants": 1}),
    ]
    assert "@" not in repr(trail) and "Ana" not in repr(trail)


def test_add_refuses_an_address_on_the_roster_already(group, cast):
    services.add_participant(group=group, actor=cast.owner, email="a@example.com")
    with pytest.raises(ValidationFailed) as caught:
        services.add_participant(group=group, actor=cast.owner, email="A@EXAMPLE.com", language="fr")
    assert caught.value.by_field() == {"email": ["“a@example.com” is on this group's roster already."]}
    assert stored(group.id) == [("a@example.com", "", "en", {})]


def test_the_same_address_may_be_on_two_groups(group, cast, factory):
    other = factory.group(cast.initiative, name="Team leads")
    services.add_participant(group=group, actor=cast.owner, email="a@example.com")
    services.add_participant(group=other, actor=cast.owner, email="a@example.com")
    assert stored(group.id) == stored(other.id) == [("a@example.com", "", "en", {})]


def test_roster_recipients_is_the_roster_by_address(group, cast, factory):
    other = factory.group(cast.initiative, name="Team leads")
    services.add_participant(group=other, actor=cast.owner, email="someone@example.com")
    services.replace_roster(
        group=group,
        actor=cast.owner,
        rows=[
            {"email": "zoe@example.com", "name": "Zoé", "language": "fr", "attributes": {"site": "Lyon"}},
            {"email": "adam@example.com", "name": "Adam"},
        ],
    )
    recipients = services.roster_recipients(group.id)
    assert recipients == [
        RosterRecipient(email="adam@example.com", name="Adam", language="en"),
        RosterRecipient(email="zoe@example.com", name="Zoé", language="fr"),
    ]
    with pytest.raises(AttributeError):
        recipients[0].email = "x@example.com"  # frozen
    assert services.roster_recipients(999_999) == []


def test_deleting_the_group_deletes_its_roster(group, cast):
    services.add_participant(group=group, actor=cast.owner, email="a@example.com")
    plan.delete_group(group=group, actor=cast.owner)
    assert db.session.scalars(select(Participant)).all() == []


# --- the headcount follows the roster -----------------------------------------------------------------


def test_headcount_stays_by_hand_unless_it_follows(group, cast):
    services.replace_roster(group=group, actor=cast.owner, rows=[{"email": "a@example.com"}])
    assert headcount(group.id) == 40


def test_turning_following_on_sets_the_headcount_to_the_roster_now_and_at_every_change(group, cast):
    services.replace_roster(
        group=group, actor=cast.owner, rows=[{"email": f"p{i}@example.com"} for i in range(3)]
    )
    services.set_headcount_follows_roster(group=group, actor=cast.owner, follows=True)
    assert headcount(group.id) == 3
    services.add_participant(group=group, actor=cast.owner, email="q@example.com")
    assert headcount(group.id) == 4
    participant = db.session.scalars(select(Participant).where(Participant.email == "p0@example.com")).one()
    services.remove_participant(participant=participant, actor=cast.owner)
    assert headcount(group.id) == 3
    services.replace_roster(group=group, actor=cast.owner, rows=[{"email": "solo@example.com"}])
    assert headcount(group.id) == 1
    replaced = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "roster.replace")).all()[-1]
    assert replaced.detail["headcount"] == 1


def test_an_empty_roster_leaves_the_headcount_as_it_was(group, cast):
    services.set_headcount_follows_roster(group=group, actor=cast.owner, follows=True)
    assert headcount(group.id) == 40  # no roster yet: a group always counts at least one person
    services.replace_roster(
        group=group, actor=cast.owner, rows=[{"email": "a@example.com"}, {"email": "b@example.com"}]
    )
    services.replace_roster(group=group, actor=cast.owner, rows=[])
    assert headcount(group.id) == 2


def test_turning_following_off_keeps_the_headcount_and_frees_it(group, cast):
    services.set_headcount_follows_roster(group=group, actor=cast.owner, follows=True)
    services.replace_roster(group=group, actor=cast.owner, rows=[{"email": "a@example.com"}])
    services.set_headcount_follows_roster(group=group, actor=cast.owner, follows=False)
    services.add_participant(group=group, actor=cast.owner, email="b@example.com")
    assert headcount(group.id) == 1
    plan.update_group(group=group, actor=cast.owner, name="Service desk", headcount=55, description="")
    assert headcount(group.id) == 55


def test_a_following_headcount_cannot_be_set_to_another_number(group, cast):
    services.replace_roster(
        group=group, actor=cast.owner, rows=[{"email": "a@example.com"}, {"email": "b@example.com"}]
    )
    services.set_headcount_follows_roster(group=group, actor=cast.owner, follows=True)
    with pytest.raises(ValidationFailed) as caught:
        plan.update_group(group=group, actor=cast.owner, name="Service desk", headcount=30, description="")
    assert "follows the group's roster (2 people)" in caught.value.by_field()["headcount"][0]
    assert headcount(group.id) == 2
    # the stored number (a form shows it) and the roster's size are both fine; the name still changes
    plan.update_group(group=group, actor=cast.owner, name="Agents", headcount=2, description="")
    assert (db.session.get(StakeholderGroup, group.id).name, headcount(group.id)) == ("Agents", 2)


def test_turning_following_on_through_update_group_takes_the_roster_size(group, cast):
    services.replace_roster(group=group, actor=cast.owner, rows=[{"email": "a@example.com"}])
    plan.update_group(
        group=group,
        actor=cast.owner,
        name="Service desk",
        headcount=40,
        description="",
        headcount_follows_roster=True,
    )
    db.session.expire_all()
    stored_group = db.session.get(StakeholderGroup, group.id)
    assert (stored_group.headcount, stored_group.headcount_follows_roster) == (1, True)


# --- languages ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("", "en"),
        ("fr", "fr"),
        (" FR ", "fr"),
        ("fr-CA", "fr"),
        ("de_AT", "de"),
        ("French", "fr"),
        ("français", "fr"),
        ("Deutsch", "de"),
        ("es", None),
        ("Klingon", None),
        ("english-ish", None),
    ],
)
def test_language_codes(written, code):
    assert services.language_code(written) == code


def test_roster_languages_are_the_languages_the_surveys_offer():
    offered: set[str] = set()
    for path in resource_dir("surveys").glob("*.toml"):
        offered |= set(tomllib.loads(path.read_text(encoding="utf-8"))["languages"])
    assert set(LANGUAGES) == offered
    assert LANGUAGES[0] == "en"
